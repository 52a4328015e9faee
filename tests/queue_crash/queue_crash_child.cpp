// The crash-test child: appends records, reads them back and acknowledges them out of
// order, as fast as it can, until the test SIGKILLs it. It tells the test, one line per
// event on stdout written with write(2) so nothing is lost in a buffer at the kill:
//   F <seq>   the first sequence number this run will assign
//   D <seq>   the queue reported every record up to <seq> durable
//   K <seq>   about to acknowledge <seq>
// Usage: canhose_queue_crash_child <dir> <always|interval|never> <seed>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "asio/asio.hpp"
#include "queue/queue.hpp"
#include "queue_crash/crash_payload.hpp"

namespace {

using namespace canhose;

void say(char tag, std::uint64_t seq) {
  const std::string line = std::string(1, tag) + " " + std::to_string(seq) + "\n";
  const ssize_t written = ::write(STDOUT_FILENO, line.data(), line.size());
  (void)written;  // nobody to tell if stdout is gone
}

class CrashChild {
 public:
  CrashChild(asio::io_context& io, queue::Queue& q, unsigned seed)
      : io_(io), queue_(q), rng_(seed), append_timer_(io), ack_timer_(io) {}

  void start() {
    queue_.set_durable_handler([](std::uint64_t d) { say('D', d); });
    append_some();
    wait_and_read();
  }

 private:
  void append_some() {
    const int n = std::uniform_int_distribution<int>(1, 30)(rng_);
    for (int i = 0; i < n; ++i) {
      const std::uint64_t expected = queue_.metrics().next_seq;
      const auto r = queue_.append(queue::crash::payload_for_seq(expected));
      if (r.seq != expected) {
        std::fprintf(stderr, "append returned seq %llu, expected %llu\n",
                     static_cast<unsigned long long>(r.seq),
                     static_cast<unsigned long long>(expected));
        std::_Exit(3);
      }
    }
    append_timer_.expires_after(
        std::chrono::microseconds(std::uniform_int_distribution<int>(100, 2000)(rng_)));
    append_timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) {
        append_some();
      }
    });
  }

  void wait_and_read() {
    queue_.async_wait_readable([this](std::error_code ec) {
      if (ec) {
        return;
      }
      auto batch = queue_.read(64, 256 * 1024);
      for (const auto& r : batch.records) {
        const std::string data(reinterpret_cast<const char*>(r.data.data()), r.data.size());
        if (data != queue::crash::payload_for_seq(r.seq)) {
          std::fprintf(stderr, "record %llu has the wrong payload\n",
                       static_cast<unsigned long long>(r.seq));
          std::_Exit(4);
        }
        unacked_.push_back(r.seq);
      }
      // Acknowledge a random part now, in random order; the rest later.
      std::shuffle(unacked_.begin(), unacked_.end(), rng_);
      const std::size_t now = std::uniform_int_distribution<std::size_t>(0, unacked_.size())(rng_);
      for (std::size_t i = 0; i < now; ++i) {
        say('K', unacked_.back());
        queue_.acknowledge(unacked_.back());
        unacked_.pop_back();
      }
      ack_timer_.expires_after(std::chrono::milliseconds(3));
      ack_timer_.async_wait([this](boost::system::error_code e) {
        if (e) {
          return;
        }
        wait_and_read();
      });
    });
  }

  asio::io_context& io_;
  queue::Queue& queue_;
  std::mt19937 rng_;
  asio::steady_timer append_timer_;
  asio::steady_timer ack_timer_;
  std::vector<std::uint64_t> unacked_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s <dir> <always|interval|never> <seed>\n", argv[0]);
    return 2;
  }
  queue::QueueOptions options;
  options.dir = argv[1];
  const std::string mode = argv[2];
  options.fsync = mode == "always"     ? queue::FsyncMode::always
                  : mode == "interval" ? queue::FsyncMode::interval
                                       : queue::FsyncMode::never;
  options.fsync_interval = std::chrono::milliseconds(5);
  options.segment_bytes = 64 * 1024;
  options.max_bytes = 256ULL * 1024 * 1024;
  options.memory_buffer_bytes = 8ULL * 1024 * 1024;
  options.cursor_write_interval = std::chrono::milliseconds(15);
  options.cursor_write_records = 40;

  asio::io_context io;
  auto opened = queue::Queue::open(io, options);
  if (!opened.queue) {
    std::fprintf(stderr, "open failed: %s\n", opened.error.c_str());
    return 2;
  }
  say('F', opened.queue->metrics().next_seq);
  CrashChild child(io, *opened.queue, static_cast<unsigned>(std::strtoul(argv[3], nullptr, 10)));
  child.start();
  io.run_for(std::chrono::seconds(30));  // the test kills it long before
  return 0;
}
