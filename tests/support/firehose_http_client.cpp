#include "support/firehose_http_client.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <stdexcept>
#include <variant>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "asio/asio.hpp"
#include "aws/crypto.hpp"

namespace canhose::test {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using local = asio::local::stream_protocol;
using TlsSocket = asio::ssl::stream<tcp::socket>;

struct FirehoseHttpClient::Impl {
  asio::io_context io;
  std::optional<asio::ssl::context> tls_context;
  std::variant<std::monostate, tcp::socket, local::socket, std::unique_ptr<TlsSocket>> socket;
  beast::flat_buffer buffer;
  std::string host = "127.0.0.1";

  int native() {
    return std::visit(
        [](auto& s) -> int {
          using T = std::decay_t<decltype(s)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            return -1;
          } else if constexpr (std::is_same_v<T, std::unique_ptr<TlsSocket>>) {
            return s->next_layer().native_handle();
          } else {
            return s.native_handle();
          }
        },
        socket);
  }
  void limit_reads() {
    timeval limit{30, 0};
    ::setsockopt(native(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  }
  template <class F>
  auto with_stream(F f) {
    return std::visit(
        [&](auto& s) {
          using T = std::decay_t<decltype(s)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            throw std::runtime_error("not connected");
            return f(std::get<tcp::socket>(socket));  // unreachable; gives the return type
          } else if constexpr (std::is_same_v<T, std::unique_ptr<TlsSocket>>) {
            return f(*s);
          } else {
            return f(s);
          }
        },
        socket);
  }
};

std::string FirehoseHttpReply::error_code() const {
  if (status == 200) {
    return {};
  }
  const auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("__type")) {
    return "(no __type)";
  }
  std::string type = parsed.at("__type");
  return type.substr(type.rfind('#') + 1);
}

FirehoseHttpClient::FirehoseHttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FirehoseHttpClient::FirehoseHttpClient(FirehoseHttpClient&&) noexcept = default;
FirehoseHttpClient& FirehoseHttpClient::operator=(FirehoseHttpClient&&) noexcept = default;
FirehoseHttpClient::~FirehoseHttpClient() = default;

FirehoseHttpClient FirehoseHttpClient::tcp(std::uint16_t port, std::string host) {
  auto impl = std::make_unique<Impl>();
  tcp::socket socket(impl->io);
  socket.connect(tcp::endpoint(asio::ip::make_address(host), port));
  impl->host = host + ":" + std::to_string(port);
  impl->socket = std::move(socket);
  impl->limit_reads();
  return FirehoseHttpClient(std::move(impl));
}

FirehoseHttpClient FirehoseHttpClient::tls(std::uint16_t port, const std::filesystem::path& ca) {
  auto impl = std::make_unique<Impl>();
  impl->tls_context.emplace(asio::ssl::context::tls_client);
  impl->tls_context->load_verify_file(ca.string());
  impl->tls_context->set_verify_mode(asio::ssl::verify_peer);
  auto stream = std::make_unique<TlsSocket>(impl->io, *impl->tls_context);
  stream->next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  stream->set_verify_callback(asio::ssl::host_name_verification("127.0.0.1"));
  impl->host = "127.0.0.1:" + std::to_string(port);
  impl->socket = std::move(stream);
  impl->limit_reads();
  std::get<std::unique_ptr<TlsSocket>>(impl->socket)->handshake(asio::ssl::stream_base::client);
  return FirehoseHttpClient(std::move(impl));
}

FirehoseHttpClient FirehoseHttpClient::unix_socket(const std::filesystem::path& path) {
  auto impl = std::make_unique<Impl>();
  local::socket socket(impl->io);
  socket.connect(local::endpoint(path.string()));
  impl->host = "localhost";
  impl->socket = std::move(socket);
  impl->limit_reads();
  return FirehoseHttpClient(std::move(impl));
}

FirehoseHttpReply FirehoseHttpClient::call(
    std::string_view operation, std::string_view body,
    const std::vector<std::pair<std::string, std::string>>& extra) {
  http::request<http::string_body> request(http::verb::post, "/", 11);
  request.set(http::field::host, impl_->host);
  request.set(http::field::content_type, "application/x-amz-json-1.1");
  request.set("X-Amz-Target", "Firehose_20150804." + std::string(operation));
  for (const auto& [name, value] : extra) {
    request.set(name, value);
  }
  request.body() = std::string(body);
  request.prepare_payload();
  return impl_->with_stream([&](auto& stream) {
    http::write(stream, request);
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    http::read(stream, impl_->buffer, parser);
    FirehoseHttpReply reply;
    const auto& response = parser.get();
    reply.status = response.result_int();
    for (const auto& field : response) {
      std::string name(field.name_string());
      for (auto& c : name) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      reply.headers[name] = std::string(field.value());
    }
    reply.body = response.body();
    reply.keep_alive = response.keep_alive();
    return reply;
  });
}

std::optional<FirehoseHttpReply> FirehoseHttpClient::raw(std::string_view bytes) {
  return impl_->with_stream([&](auto& stream) -> std::optional<FirehoseHttpReply> {
    boost::system::error_code ec;
    asio::write(stream, asio::buffer(bytes.data(), bytes.size()), ec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    http::read(stream, impl_->buffer, parser, ec);
    if (ec) {
      return std::nullopt;
    }
    FirehoseHttpReply reply;
    reply.status = parser.get().result_int();
    reply.body = parser.get().body();
    reply.keep_alive = parser.get().keep_alive();
    return reply;
  });
}

void FirehoseHttpClient::write(std::string_view bytes) {
  impl_->with_stream([&](auto& stream) {
    asio::write(stream, asio::buffer(bytes.data(), bytes.size()));
    return 0;
  });
}

bool FirehoseHttpClient::closed_by_server() {
  char byte = 0;
  const ssize_t n = ::recv(impl_->native(), &byte, 1, 0);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

std::string put_record_batch_body(std::string_view stream,
                                  const std::vector<std::string>& records) {
  std::string body = "{\"DeliveryStreamName\": \"" + std::string(stream) + "\", \"Records\": [";
  for (std::size_t i = 0; i < records.size(); ++i) {
    body += i == 0 ? "{\"Data\": \"" : ", {\"Data\": \"";
    aws::crypto::base64_encode_append(records[i], body);
    body += "\"}";
  }
  body += "]}";
  return body;
}

}  // namespace canhose::test
