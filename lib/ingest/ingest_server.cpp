// The listeners of the ingest endpoint, who may connect (limits, replacement of waiting
// connections), the memory budget for request bodies, stopping, and the metrics.
#include "ingest/ingest_server.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <random>
#include <stdexcept>
#include <system_error>

#include <boost/asio/ssl/context.hpp>

#include "ingest/ingest_connection.hpp"
#include "log/logger.hpp"
#include "metrics/metrics_server.hpp"
#include "metrics/tcp_listen.hpp"

namespace canhose::ingest {
namespace {

constexpr const char* kLog = "ingest";
using tcp = asio::ip::tcp;
using local = asio::local::stream_protocol;

std::vector<LocalStream> local_streams(const std::vector<IngestStreamBinding>& bindings) {
  std::vector<LocalStream> streams;
  const auto now = std::chrono::system_clock::now();
  for (const auto& b : bindings) {
    streams.push_back({b.name, b.upstream.empty() ? b.name : b.upstream, now});
  }
  return streams;
}

IngestOptions checked(IngestOptions options, const std::vector<IngestStreamBinding>& streams) {
  if (std::string problem = validate(options); !problem.empty()) {
    throw std::invalid_argument(problem);
  }
  if (streams.empty()) {
    throw std::invalid_argument("the ingest endpoint needs at least one stream");
  }
  for (const auto& s : streams) {
    if (s.sink == nullptr) {
      throw std::invalid_argument("ingest stream " + s.name + " has no queue");
    }
  }
  return options;
}

}  // namespace

IngestServer::IngestServer(asio::io_context& io, IngestOptions options,
                           std::vector<IngestStreamBinding> streams)
    : io_(io),
      options_(checked(std::move(options), streams)),
      api_(local_streams(streams)),
      tcp_acceptor_(io),
      unix_acceptor_(io),
      connections_(options_.max_connections, options_.max_connections_per_address),
      body_budget_(4 * options_.max_body_bytes) {
  for (const LocalStream& s : api_.streams()) {  // the api's order
    for (const auto& b : streams) {
      if (b.name == s.name) {
        sinks_.push_back(b.sink);
      }
    }
  }
  stream_counters_.resize(sinks_.size());
  if (options_.auth == IngestAuth::sigv4) {
    verifier_.emplace(options_.keys);
  }
  std::random_device device;
  request_id_seed_ = (static_cast<std::uint64_t>(device()) << 32) | device();
}

IngestServer::~IngestServer() {
  for (const auto& connection : connections_.all()) {
    connection->close();
  }
  if (!options_.unix_socket.empty() && unix_acceptor_.is_open()) {
    std::error_code ignored;
    std::filesystem::remove(options_.unix_socket, ignored);
  }
}

void IngestServer::start() {
  if (!options_.tls_cert.empty()) {
    tls_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    tls_->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                      asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    boost::system::error_code ec;
    tls_->use_certificate_chain_file(options_.tls_cert.string(), ec);
    if (ec) {
      throw std::runtime_error("cannot read ingest.tls_cert " + options_.tls_cert.string() + ": " +
                               ec.message());
    }
    tls_->use_private_key_file(options_.tls_key.string(), asio::ssl::context::pem, ec);
    if (ec) {
      throw std::runtime_error("cannot read ingest.tls_key " + options_.tls_key.string() + ": " +
                               ec.message());
    }
  }
  if (!options_.listen.empty()) {
    std::string error;
    const auto address = metrics::parse_listen_address(options_.listen, error);
    const tcp::endpoint endpoint(asio::ip::make_address(address->host), address->port);
    metrics::listen_tcp(tcp_acceptor_, endpoint, options_.listen + " for ingest.listen");
    bound_port_ = tcp_acceptor_.local_endpoint().port();
    log::info(kLog, "Firehose API for local producers at ", tls_ ? "https" : "http", "://",
              endpoint.address().is_v6() ? "[" : "", address->host,
              endpoint.address().is_v6() ? "]" : "", ":", bound_port_, " (auth ",
              to_string(options_.auth), ")");
    accept_tcp();
  }
  if (!options_.unix_socket.empty()) {
    start_unix_socket();
    accept_unix();
  }
}

void IngestServer::start_unix_socket() {
  const std::filesystem::path& path = options_.unix_socket;
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    // A socket left by a canhosed that did not stop cleanly is replaced (the queue's lock
    // keeps a second canhosed from running at all); any other file is not ours to delete.
    if (!S_ISSOCK(st.st_mode)) {
      throw std::runtime_error("ingest.unix_socket " + path.string() +
                               " exists and is not a socket: remove it or choose another path");
    }
    ::unlink(path.c_str());
  }
  boost::system::error_code ec;
  unix_acceptor_.open(local(), ec);
  if (!ec) {
    unix_acceptor_.bind(local::endpoint(path.string()), ec);
  }
  // Between bind and chmod the socket has the umask's mode: never wider than 0777 & ~umask
  // (0700 under the shipped unit's UMask=0077), so this only ever widens to what is asked.
  if (!ec && ::chmod(path.c_str(), options_.unix_socket_mode) != 0) {
    ec.assign(errno, boost::system::system_category());
  }
  if (!ec) {
    unix_acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    throw std::runtime_error("cannot listen on ingest.unix_socket " + path.string() + ": " +
                             ec.message());
  }
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(options_.unix_socket_mode));
  log::info(kLog, "Firehose API for local producers at unix:", path.string(), " (mode ", mode,
            ", auth ", to_string(options_.auth), ")");
}

void IngestServer::accept_tcp() {
  tcp_acceptor_.async_accept(
      [this, alive = std::weak_ptr<int>(alive_)](boost::system::error_code ec, tcp::socket socket) {
        if (alive.expired() || ec == asio::error::operation_aborted || !tcp_acceptor_.is_open()) {
          return;
        }
        if (!ec) {
          boost::system::error_code peer_error;
          const tcp::endpoint peer = socket.remote_endpoint(peer_error);
          const std::string address = peer_error ? std::string() : peer.address().to_string();
          if (peer_error || !connections_.admit(address, counters_)) {
            boost::system::error_code ignored;
            socket.close(ignored);  // refused (or already gone): close rather than queue
          } else {
            add(tls_ ? make_tls_connection(*this, std::move(socket), *tls_, address, next_number_++)
                     : make_tcp_connection(*this, std::move(socket), address, next_number_++));
          }
        } else {
          // EMFILE and the like: logged (rate-limited by the logger) and tried again.
          log::warning(kLog, "accept failed: ", ec.message());
        }
        accept_tcp();
      });
}

void IngestServer::accept_unix() {
  unix_acceptor_.async_accept([this, alive = std::weak_ptr<int>(alive_)](
                                  boost::system::error_code ec, local::socket socket) {
    if (alive.expired() || ec == asio::error::operation_aborted || !unix_acceptor_.is_open()) {
      return;
    }
    if (!ec) {
      if (!connections_.admit("unix", counters_)) {
        boost::system::error_code ignored;
        socket.close(ignored);
      } else {
        add(make_unix_connection(*this, std::move(socket), next_number_++));
      }
    } else {
      log::warning(kLog, "accept failed: ", ec.message());
    }
    accept_unix();
  });
}

void IngestServer::add(std::shared_ptr<Connection> connection) {
  ++counters_.connections_accepted;
  Connection* raw = connection.get();
  connections_.add(std::move(connection));
  raw->start();
}

void IngestServer::forget(const Connection* connection) {
  if (connections_.forget(connection)) {
    maybe_stopped();
  }
}

bool IngestServer::reserve_body(std::uint64_t bytes) {
  // One body of any admitted size always fits, so a lone large request is never refused.
  if (body_reserved_ > 0 && body_reserved_ + bytes > body_budget_) {
    return false;
  }
  body_reserved_ += bytes;
  return true;
}

void IngestServer::release_body(std::uint64_t bytes) {
  body_reserved_ -= std::min(bytes, body_reserved_);
}

void IngestServer::count_request(IngestOperation operation, std::string_view code) {
  ++requests_[{operation, std::string(code)}];
}

std::string IngestServer::next_request_id() {
  // Unique per answer, not secret: a random seed per server and a counter, UUID-shaped.
  const std::uint64_t n = ++request_count_;
  char text[40];
  std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(request_id_seed_ >> 32),
                static_cast<unsigned>((request_id_seed_ >> 16) & 0xFFFF),
                static_cast<unsigned>(request_id_seed_ & 0xFFFF),
                static_cast<unsigned>((n >> 48) & 0xFFFF),
                static_cast<unsigned long long>(n & 0xFFFFFFFFFFFFULL));
  return text;
}

void IngestServer::async_stop(std::chrono::steady_clock::time_point deadline,
                              std::function<void()> done) {
  stopping_ = true;
  stopped_ = std::move(done);
  boost::system::error_code ignored;
  tcp_acceptor_.close(ignored);
  if (unix_acceptor_.is_open()) {
    unix_acceptor_.close(ignored);
    std::error_code removed;
    std::filesystem::remove(options_.unix_socket, removed);
  }
  for (const auto& c : connections_.all()) {
    c->stop_after_answer();
  }
  // Calls still in progress (waiting for the disk, or writing their answer) get until the
  // deadline; then they are closed too (their records are in the queue either way).
  stop_timer_ = std::make_unique<asio::steady_timer>(io_, deadline);
  stop_timer_->async_wait([this, alive = std::weak_ptr<int>(alive_)](boost::system::error_code ec) {
    if (ec || alive.expired()) {
      return;
    }
    for (const auto& c : connections_.all()) {
      c->close();
      forget(c.get());
    }
    maybe_stopped();
  });
  maybe_stopped();
}

void IngestServer::maybe_stopped() {
  if (!stopping_ || !connections_.empty() || !stopped_) {
    return;
  }
  if (stop_timer_) {
    stop_timer_->cancel();
  }
  auto done = std::move(stopped_);
  stopped_ = nullptr;
  asio::post(io_, std::move(done));
}

std::string IngestServer::status() const {
  return "ingest " + std::to_string(connections_.size()) + " connections " +
         std::to_string(counters_.records_accepted) + " records";
}

void IngestServer::collect_metrics(std::vector<metrics::MetricFamily>& out) const {
  using metrics::MetricType;
  const auto d = [](std::uint64_t v) { return static_cast<double>(v); };
  metrics::MetricFamily requests{"canhose_ingest_requests_total",
                                 "Firehose API calls answered, by operation and result (ok or "
                                 "the error code)",
                                 MetricType::counter,
                                 {}};
  for (const auto& [key, count] : requests_) {
    requests.samples.push_back(
        {{{"operation", to_string(key.first)}, {"code", key.second}}, d(count)});
  }
  out.push_back(std::move(requests));
  metrics::MetricFamily records{"canhose_ingest_records_total",
                                "records of PutRecord/PutRecordBatch calls by local stream: "
                                "accepted into the queue, or refused (queue full: "
                                "ServiceUnavailableException)",
                                MetricType::counter,
                                {}};
  metrics::MetricFamily bytes{"canhose_ingest_bytes_total",
                              "record bytes accepted into the queue, by local stream",
                              MetricType::counter,
                              {}};
  for (std::size_t i = 0; i < stream_counters_.size(); ++i) {
    const std::string& name = api_.streams()[i].name;
    records.samples.push_back(
        {{{"stream", name}, {"result", "accepted"}}, d(stream_counters_[i].accepted)});
    records.samples.push_back(
        {{{"stream", name}, {"result", "refused"}}, d(stream_counters_[i].refused)});
    bytes.samples.push_back({{{"stream", name}}, d(stream_counters_[i].bytes)});
  }
  out.push_back(std::move(records));
  out.push_back(std::move(bytes));
  out.push_back({"canhose_ingest_connections",
                 "connections open to the ingest endpoint",
                 MetricType::gauge,
                 {{{}, d(connections_.size())}}});
  out.push_back({"canhose_ingest_connections_accepted_total",
                 "connections accepted",
                 MetricType::counter,
                 {{{}, d(counters_.connections_accepted)}}});
  out.push_back({"canhose_ingest_connections_refused_total",
                 "connections closed at once: over a limit with no waiting connection to replace",
                 MetricType::counter,
                 {{{{"reason", "connection_limit"}}, d(counters_.refused_connection_limit)},
                  {{{"reason", "per_address_limit"}}, d(counters_.refused_per_address_limit)}}});
  out.push_back({"canhose_ingest_connections_closed_total",
                 "connections the server closed before the client did",
                 MetricType::counter,
                 {{{{"reason", "replaced_while_waiting"}}, d(counters_.replaced_while_waiting)},
                  {{{"reason", "request_timeout"}}, d(counters_.request_timeouts)},
                  {{{"reason", "idle_timeout"}}, d(counters_.idle_timeouts)},
                  {{{"reason", "write_timeout"}}, d(counters_.write_timeouts)},
                  {{{"reason", "tls_handshake_failed"}}, d(counters_.tls_handshake_failures)},
                  {{{"reason", "header_too_large"}}, d(counters_.headers_too_large)},
                  {{{"reason", "body_too_large"}}, d(counters_.bodies_too_large)},
                  {{{"reason", "bad_request"}}, d(counters_.bad_requests)}}});
  out.push_back({"canhose_ingest_throttled_total",
                 "calls answered 503 ServiceUnavailableException by the endpoint itself",
                 MetricType::counter,
                 {{{{"reason", "body_memory"}}, d(counters_.body_budget_refusals)},
                  {{{"reason", "durable_timeout"}}, d(counters_.durable_timeouts)}}});
}

}  // namespace canhose::ingest
