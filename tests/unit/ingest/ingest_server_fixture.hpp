#pragma once
// The ingest endpoint for real: an IngestServer on 127.0.0.1 over a real queue::Queue in a
// fresh directory (fsync always), on its own event-loop thread. Clients are real sockets
// (support/firehose_http_client.hpp).

#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <stdexcept>
#include <thread>

#include "ingest/ingest_server.hpp"
#include "ingest/queue_ingest_sink.hpp"
#include "queue/posix_file_system.hpp"
#include "queue/queue.hpp"
#include "support/fault_injecting_file_system.hpp"
#include "support/firehose_http_client.hpp"
#include "support/loop_calls.hpp"
#include "support/temp_dir.hpp"

namespace canhose::ingest::testing {

class IngestServerFixture : public ::testing::Test {
 protected:
  IngestServerFixture() {
    options_.listen = "127.0.0.1:0";
    queue_options_.dir = dir_.path() / "queue";
    queue_options_.fsync = queue::FsyncMode::always;
    queue_options_.segment_bytes = 1 << 20;
    queue_options_.max_bytes = 64 << 20;
    queue_options_.memory_buffer_bytes = 16 << 20;
  }

  void start() {
    fs_ = std::make_shared<queue::FaultInjectingFileSystem>(
        std::make_shared<queue::PosixFileSystem>());
    auto opened = queue::Queue::open(io_, queue_options_, fs_);
    if (!opened.queue) {
      throw std::runtime_error("cannot open the queue: " + opened.error);  // fails the test
    }
    queue_ = std::move(opened.queue);
    sink_ = std::make_unique<QueueIngestSink>(*queue_);
    server_ = std::make_unique<IngestServer>(
        io_, options_,
        std::vector<IngestStreamBinding>{{"telemetry", "fleet-telemetry", sink_.get()}});
    server_->start();
    loop_ = std::thread([this] { io_.run(); });
  }

  // Stops the server (as the daemon does) and the loop; the queue stays open to be read.
  void stop() {
    if (!loop_.joinable()) {
      return;
    }
    std::promise<void> stopped;
    asio::post(io_, [&] {
      server_->async_stop(std::chrono::steady_clock::now() + std::chrono::seconds(5),
                          [&] { stopped.set_value(); });
    });
    stopped.get_future().wait();
    work_.reset();
    io_.stop();
    loop_.join();
  }

  void TearDown() override {
    stop();
    server_.reset();
    if (queue_) {
      queue_->close();
    }
  }

  // Every record in the queue, in order (after stop()).
  std::vector<std::string> queued_records() {
    std::vector<std::string> out;
    for (;;) {
      queue::ReadBatch batch = queue_->read(1000, 16 << 20);
      EXPECT_FALSE(batch.error);
      if (batch.records.empty()) {
        return out;
      }
      for (const auto& r : batch.records) {
        out.emplace_back(reinterpret_cast<const char*>(r.data.data()), r.data.size());
      }
    }
  }

  template <class F>
  auto on_loop(F f) {
    return test::on_loop(io_, std::move(f));
  }
  template <class F>
  bool eventually(F condition) {
    return test::eventually_on_loop(io_, std::move(condition));
  }
  IngestCounters counters() {
    return on_loop([this] { return server_->counters(); });
  }
  test::FirehoseHttpClient client() { return test::FirehoseHttpClient::tcp(server_->port()); }

  test::TempDir dir_;
  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{
      io_.get_executor()};
  IngestOptions options_;
  queue::QueueOptions queue_options_;
  std::shared_ptr<queue::FaultInjectingFileSystem> fs_;
  std::unique_ptr<queue::Queue> queue_;
  std::unique_ptr<QueueIngestSink> sink_;
  std::unique_ptr<IngestServer> server_;
  std::thread loop_;
};

}  // namespace canhose::ingest::testing
