// One client connection of the ingest endpoint, written once for the three transports:
// read a request within its limits and deadlines, authenticate it, hand it to the API,
// append its records, wait until they are durable, answer, and again (keep-alive).
#include "ingest/ingest_connection.hpp"

#include <array>
#include <cstdio>
#include <type_traits>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace canhose::ingest {

namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;

using TcpStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using UnixStream = beast::basic_stream<asio::local::stream_protocol>;

namespace {

// Bytes asked of the socket at a time while waiting for a request's first byte.
constexpr std::size_t kFirstRead = 4096;

std::string_view view(beast::string_view s) {
  return {s.data(), s.size()};
}

}  // namespace

template <class Stream>
class Session final : public IngestServer::Connection,
                      public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  template <class... Args>
  Session(IngestServer& server, std::string peer, std::uint64_t number, Args&&... args)
      : Connection(server, std::move(peer), number),
        stream_(std::forward<Args>(args)...),
        alive_(server.alive_),
        // Read-ahead buffer: a header (bounded by the parser's limit) and what follows it.
        buffer_(server.options_.max_header_bytes + 64 * 1024),
        durable_timer_(server.io_) {}

  void start() override {
    deadline_ = Clock::now() + server_.options_.request_timeout;
    if constexpr (kTls) {
      lowest().expires_at(deadline_);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!self->server_alive()) {
                                  return;
                                }
                                if (ec) {
                                  ++self->server_.counters_.tls_handshake_failures;
                                  self->finish();
                                  return;
                                }
                                self->wait_for_request(true);
                              });
    } else {
      wait_for_request(true);
    }
  }

  void close() override {
    closed_ = true;
    release_body();
    beast::error_code ignored;
    lowest().socket().shutdown(asio::socket_base::shutdown_both, ignored);
    lowest().close();
    durable_timer_.cancel();
  }

  void stop_after_answer() override {
    if (waiting_) {
      finish();
    }
    // Otherwise respond() sees the server stopping: no keep-alive, closed after writing.
  }

 private:
  auto& lowest() { return beast::get_lowest_layer(stream_); }
  bool server_alive() const { return !alive_.expired() && !closed_; }

  // Between requests: the first byte of the next one opens its request_timeout.
  void wait_for_request(bool first) {
    waiting_ = true;
    if (server_.stopping_) {
      finish();
      return;
    }
    if (buffer_.size() > 0) {  // pipelined: the next request is already here
      deadline_ = Clock::now() + server_.options_.request_timeout;
      read_header();
      return;
    }
    if (first) {
      lowest().expires_at(deadline_);
    } else {
      lowest().expires_after(server_.options_.idle_timeout);
    }
    stream_.async_read_some(buffer_.prepare(kFirstRead), [self = this->shared_from_this(), first](
                                                             beast::error_code ec, std::size_t n) {
      if (!self->server_alive()) {
        return;
      }
      if (ec) {
        if (ec == beast::error::timeout) {
          ++(first ? self->server_.counters_.request_timeouts
                   : self->server_.counters_.idle_timeouts);
        }
        self->finish();
        return;
      }
      self->buffer_.commit(n);
      if (!first) {
        self->deadline_ = Clock::now() + self->server_.options_.request_timeout;
      }
      self->read_header();
    });
  }

  void read_header() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options_.max_header_bytes));
    parser_->body_limit(server_.options_.max_body_bytes);
    lowest().expires_at(deadline_);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              if (self->server_alive()) {
                                self->on_header(ec);
                              }
                            });
  }

  // Classifies a read error: true when the connection was answered or closed.
  bool read_failed(beast::error_code ec) {
    if (!ec) {
      return false;
    }
    if (ec == http::error::body_limit) {
      ++server_.counters_.bodies_too_large;
      waiting_ = false;
      respond(IngestOperation::unknown,
              error_response(413, "SerializationException",
                             "Request body exceeds ingest.max_body_bytes (" +
                                 std::to_string(server_.options_.max_body_bytes) + " bytes)"),
              true);
      return true;
    }
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      ++server_.counters_.headers_too_large;
    } else if (ec == beast::error::timeout) {
      ++server_.counters_.request_timeouts;
    } else if (ec != http::error::end_of_stream && ec != asio::error::eof &&
               ec != asio::error::connection_reset && ec != asio::error::operation_aborted) {
      ++server_.counters_.bad_requests;
    }
    finish();
    return true;
  }

  void on_header(beast::error_code ec) {
    if (read_failed(ec)) {
      return;
    }
    const auto& request = parser_->get();
    // Memory for the body, reserved before it is read: a declared length, or the limit
    // for a chunked body.
    const std::uint64_t size = parser_->content_length().value_or(
        parser_->chunked() ? server_.options_.max_body_bytes : 0);
    if (!server_.reserve_body(size)) {
      ++server_.counters_.body_budget_refusals;
      waiting_ = false;
      respond(IngestOperation::unknown, service_unavailable(), true);
      return;
    }
    reserved_ = size;
    if (beast::iequals(request[http::field::expect], "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      http::async_write(
          stream_, *cont,
          [self = this->shared_from_this(), cont](beast::error_code write_ec, std::size_t) {
            if (!self->server_alive()) {
              return;
            }
            if (write_ec) {
              self->finish();
              return;
            }
            self->read_body();
          });
      return;
    }
    read_body();
  }

  void read_body() {
    lowest().expires_at(deadline_);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       if (self->server_alive()) {
                         self->on_request(ec);
                       }
                     });
  }

  void on_request(beast::error_code ec) {
    if (read_failed(ec)) {
      return;
    }
    waiting_ = false;
    lowest().expires_never();
    const auto& request = parser_->get();
    keep_alive_ = request.keep_alive();
    if (server_.verifier_) {
      SignedRequest signed_request{
          view(request.method_string()), view(request.target()), {}, request.body()};
      for (const auto& field : request) {
        signed_request.headers.emplace_back(view(field.name_string()), view(field.value()));
      }
      if (auto refusal =
              server_.verifier_->verify(signed_request, std::chrono::system_clock::now())) {
        respond(IngestOperation::unknown, std::move(*refusal));
        return;
      }
    }
    IngestDecision decision = server_.api_.decide({view(request.method_string()),
                                                   view(request[http::field::content_type]),
                                                   view(request["X-Amz-Target"]), request.body()});
    if (decision.answer) {
      respond(decision.operation, std::move(*decision.answer));
      return;
    }
    put(std::move(*decision.put));
  }

  void put(PutCall call) {
    operation_ = call.operation;
    IngestSink& sink = *server_.sinks_[call.stream];
    sink_ = &sink;
    std::vector<std::span<const std::byte>> records(call.records.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
      records[i] = call.record(i);
    }
    seqs_.assign(records.size(), 0);
    sink.append(records, seqs_);
    std::uint64_t last = 0;
    auto& stream_counters = server_.stream_counters_[call.stream];
    for (std::size_t i = 0; i < seqs_.size(); ++i) {
      if (seqs_[i] != 0) {
        last = std::max(last, seqs_[i]);
        ++server_.counters_.records_accepted;
        server_.counters_.bytes_accepted += records[i].size();
        ++stream_counters.accepted;
        stream_counters.bytes += records[i].size();
      } else {
        ++server_.counters_.records_refused;
        ++stream_counters.refused;
      }
    }
    // The queue has its own copy now: the request's memory goes back at once.
    call_ = std::move(call);
    call_.data = {};
    call_.records = {};
    parser_.reset();
    release_body();
    if (last == 0) {
      respond(operation_, server_.api_.build_put_answer(call_, seqs_, sink.record_id_prefix()));
      return;
    }
    answered_ = false;
    durable_timer_.expires_after(server_.options_.durable_timeout);
    durable_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec || !self->server_alive() || self->answered_) {
        return;
      }
      self->answered_ = true;
      ++self->server_.counters_.durable_timeouts;
      self->respond(self->operation_,
                    service_unavailable("The records were not written to disk in time."));
    });
    sink.async_wait_durable(last, [self = this->shared_from_this()](std::error_code ec) {
      if (!self->server_alive() || self->answered_) {
        return;
      }
      self->answered_ = true;
      self->durable_timer_.cancel();
      if (ec) {
        self->respond(self->operation_,
                      service_unavailable("The records could not be written to disk."));
        return;
      }
      self->respond(self->operation_,
                    self->server_.api_.build_put_answer(self->call_, self->seqs_,
                                                        self->sink_->record_id_prefix()));
    });
  }

  void respond(IngestOperation operation, IngestResponse answer, bool close_after = false) {
    server_.count_request(operation, answer.error_code.empty() ? "ok" : answer.error_code);
    auto response = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(answer.status), 11);
    response->set(http::field::server, "canhose");
    response->set(http::field::content_type, answer.content_type);
    response->set("x-amzn-RequestId", server_.next_request_id());
    if (!answer.error_type_header.empty()) {
      response->set("x-amzn-ErrorType", answer.error_type_header);
    }
    response->keep_alive(keep_alive_ && !close_after && !server_.stopping_);
    response->body() = std::move(answer.body);
    response->prepare_payload();
    parser_.reset();
    if (close_after) {
      release_body();
    }
    lowest().expires_after(server_.options_.write_timeout);
    http::async_write(
        stream_, *response,
        [self = this->shared_from_this(), response](beast::error_code ec, std::size_t) {
          if (!self->server_alive()) {
            return;
          }
          self->release_body();
          if (ec == beast::error::timeout) {
            ++self->server_.counters_.write_timeouts;
          }
          if (ec || !response->keep_alive()) {
            self->finish();
            return;
          }
          self->keep_alive_ = true;
          self->wait_for_request(false);
        });
  }

  void release_body() {
    server_.release_body(reserved_);
    reserved_ = 0;
  }

  void finish() {
    if (closed_) {
      return;
    }
    close();
    server_.forget(this);  // may destroy the server's reference; `self` keeps this alive
  }

  Stream stream_;
  std::weak_ptr<int> alive_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Clock::time_point deadline_;
  asio::steady_timer durable_timer_;
  bool keep_alive_ = true;
  bool closed_ = false;
  bool answered_ = true;
  std::uint64_t reserved_ = 0;
  IngestOperation operation_ = IngestOperation::unknown;
  PutCall call_;
  std::vector<std::uint64_t> seqs_;
  IngestSink* sink_ = nullptr;
};

std::shared_ptr<IngestServer::Connection> make_tcp_connection(IngestServer& server,
                                                              asio::ip::tcp::socket socket,
                                                              std::string peer,
                                                              std::uint64_t number) {
  return std::make_shared<Session<TcpStream>>(server, std::move(peer), number, std::move(socket));
}

std::shared_ptr<IngestServer::Connection> make_tls_connection(IngestServer& server,
                                                              asio::ip::tcp::socket socket,
                                                              asio::ssl::context& tls,
                                                              std::string peer,
                                                              std::uint64_t number) {
  return std::make_shared<Session<TlsStream>>(server, std::move(peer), number,
                                              TcpStream(std::move(socket)), tls);
}

std::shared_ptr<IngestServer::Connection> make_unix_connection(
    IngestServer& server, asio::local::stream_protocol::socket socket, std::uint64_t number) {
  return std::make_shared<Session<UnixStream>>(server, "unix", number, std::move(socket));
}

}  // namespace canhose::ingest
