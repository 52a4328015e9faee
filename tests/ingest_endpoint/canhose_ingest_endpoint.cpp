// The ingest endpoint as a process of its own, for tests that drive it with real AWS
// clients (boto3, the AWS CLI): the real IngestServer over a real queue::Queue (fsync
// always), every stream into that one queue. No delivery: records stay in the queue.
//
// Usage: canhose_ingest_endpoint --queue-dir DIR --dump FILE [--listen 127.0.0.1:0]
//          [--stream NAME]... [--max-bytes N --when-full drop_newest|drop_oldest]
//          [--key AKID:SECRET]... (auth sigv4) [--max-body-bytes N]
// Prints "LISTENING <port>" on stdout (flushed) once it accepts connections. On SIGTERM
// or SIGINT it stops the endpoint, then writes every record in the queue to FILE, one per
// line: "<seq> <base64 of the record>", and exits 0. Exit 1 with a message on stderr when
// it cannot start.

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "asio/asio.hpp"
#include "aws/crypto.hpp"
#include "ingest/ingest_server.hpp"
#include "ingest/queue_ingest_sink.hpp"
#include "queue/queue.hpp"

namespace {

using namespace canhose;

[[noreturn]] void fail(const std::string& message) {
  std::cerr << "canhose_ingest_endpoint: " << message << "\n";
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  ingest::IngestOptions options;
  options.listen = "127.0.0.1:0";
  queue::QueueOptions queue_options;
  queue_options.fsync = queue::FsyncMode::always;
  queue_options.max_bytes = 256ULL << 20;
  std::vector<std::string> streams;
  std::string dump;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        fail(arg + " needs a value");
      }
      return argv[++i];
    };
    if (arg == "--queue-dir") {
      queue_options.dir = next();
    } else if (arg == "--dump") {
      dump = next();
    } else if (arg == "--listen") {
      options.listen = next();
    } else if (arg == "--stream") {
      streams.push_back(next());
    } else if (arg == "--max-bytes") {
      queue_options.max_bytes = std::stoull(next());
      queue_options.segment_bytes =
          std::min<std::uint64_t>(queue_options.segment_bytes, queue_options.max_bytes / 4);
      // The queue's own bounds: at least 2 MiB of memory buffer, at most half the cap.
      queue_options.memory_buffer_bytes = std::max<std::uint64_t>(
          2ULL << 20,
          std::min<std::uint64_t>(queue_options.memory_buffer_bytes, queue_options.max_bytes / 2));
    } else if (arg == "--when-full") {
      const std::string policy = next();
      queue_options.when_full =
          policy == "drop_newest" ? queue::WhenFull::drop_newest : queue::WhenFull::drop_oldest;
    } else if (arg == "--key") {
      const std::string key = next();
      const auto colon = key.find(':');
      options.auth = ingest::IngestAuth::sigv4;
      options.keys.push_back({key.substr(0, colon), base::Secret(key.substr(colon + 1))});
    } else if (arg == "--max-body-bytes") {
      options.max_body_bytes = std::stoull(next());
    } else {
      fail("unknown argument " + arg);
    }
  }
  if (queue_options.dir.empty() || dump.empty()) {
    fail("--queue-dir and --dump are required");
  }
  if (streams.empty()) {
    streams.push_back("telemetry");
  }

  asio::io_context io;
  auto opened = queue::Queue::open(io, queue_options);
  if (!opened.queue) {
    fail(opened.error);
  }
  queue::Queue& queue = *opened.queue;
  ingest::QueueIngestSink sink(queue);
  std::vector<ingest::IngestStreamBinding> bindings;
  for (const auto& name : streams) {
    bindings.push_back({name, name, &sink});
  }
  std::unique_ptr<ingest::IngestServer> server;
  try {
    server = std::make_unique<ingest::IngestServer>(io, options, bindings);
    server->start();
  } catch (const std::exception& e) {
    fail(e.what());
  }
  std::cout << "LISTENING " << server->port() << std::endl;

  asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](boost::system::error_code, int) {
    server->async_stop(std::chrono::steady_clock::now() + std::chrono::seconds(5), [&] {
      std::ofstream out(dump, std::ios::binary | std::ios::trunc);
      for (;;) {
        queue::ReadBatch batch = queue.read(1000, 16 << 20);
        if (batch.records.empty()) {
          break;
        }
        for (const auto& r : batch.records) {
          out << r.seq << ' '
              << aws::crypto::base64_encode(
                     std::string_view(reinterpret_cast<const char*>(r.data.data()), r.data.size()))
              << '\n';
        }
      }
      out.close();
      io.stop();
    });
  });
  io.run();
  server.reset();
  queue.close();
  return 0;
}
