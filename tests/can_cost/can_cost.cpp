// canhose_can_cost: drives a candump log through one stage of the CAN pipeline, as fast
// as possible, for instruction counting with callgrind:
//
//   canhose_can_cost replay   LOG [PASSES]   candump parse + replay delivery (ReplaySource)
//   canhose_can_cost snapshot LOG [PASSES]   the same + DBC decode of every frame into a
//                                             latest-value table (the snapshot record path)
//   canhose_can_cost reader   LOG [PASSES]   can_frame records through a socketpair into
//                                             CanFrameReader (recvmmsg batches of 32)
//
// The DBC for `snapshot` is generated from the log: for every id it holds a message with
// four signals (Motorola 16-bit signed with factor 0.01, Intel 12-bit, Intel 8-bit with
// offset, one bit), so every frame is decoded. `--dbc FILE` uses a real DBC instead.
// Hot functions are not inlined across these entry points, so callgrind's
// --toggle-collect can isolate them (docs/can.md gives the commands).

#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "asio/asio.hpp"
#include "can/can_frame_reader.hpp"
#include "can/candump_file_reader.hpp"
#include "can/replay_source.hpp"
#include "dbc/dbc_decoder.hpp"
#include "dbc/dbc_parser.hpp"
#include "log/logger.hpp"

namespace {

using namespace canhose;

std::uint64_t g_frames = 0;
std::uint64_t g_signals = 0;
std::vector<double> g_latest;
const dbc::DbcDecoder* g_decoder = nullptr;

// Raw path: count and touch the frames.
__attribute__((noinline)) void raw_batch(std::span<const can::CanFrame> frames) {
  g_frames += frames.size();
}

// Snapshot path: decode every frame into the latest-value table.
__attribute__((noinline)) void snapshot_batch(std::span<const can::CanFrame> frames) {
  g_frames += frames.size();
  for (const can::CanFrame& f : frames) {
    g_signals += g_decoder->decode(f, [](std::uint32_t n, double v) { g_latest[n] = v; });
  }
}

std::string dbc_for_log(const std::string& log) {
  can::CandumpFileReader reader;
  if (reader.open(log)) {
    return {};
  }
  std::map<std::uint32_t, std::uint8_t> ids;  // id -> smallest length seen
  can::CanFrame f;
  while (reader.next(f) == can::CandumpFileReader::Status::frame) {
    if (!f.extended && !f.error) {
      auto [it, added] = ids.emplace(f.id, f.len);
      if (!added && f.len < it->second) {
        it->second = f.len;
      }
    }
  }
  std::string text;
  for (const auto& [id, len] : ids) {
    const std::string m = "M" + std::to_string(id);
    text += "BO_ " + std::to_string(id) + " " + m + ": 8 ECU\n";
    if (len >= 2) {
      text += " SG_ " + m + "_speed : 7|16@0- (0.01,0) [0|0] \"km/h\" X\n";
    }
    if (len >= 4) {
      text += " SG_ " + m + "_temp : 16|12@1+ (0.1,-40) [0|0] \"C\" X\n";
    }
    if (len >= 5) {
      text += " SG_ " + m + "_load : 32|8@1+ (0.392157,0) [0|100] \"%\" X\n";
    }
    if (len >= 1) {
      text += " SG_ " + m + "_flag : 0|1@1+ (1,0) [0|1] \"\" X\n";
    }
  }
  return text;
}

int run_replay(const std::string& log, int passes, bool snapshot) {
  asio::io_context io;
  for (int p = 0; p < passes; ++p) {
    can::ReplayOptions o;
    o.enabled = true;
    o.file = log;
    o.speed = 0;
    o.batch = 64;
    can::ReplaySource replay(io, o, snapshot ? snapshot_batch : raw_batch);
    replay.start();
    io.restart();
    io.run();
  }
  return 0;
}

int run_reader(const std::string& log, int passes) {
  std::vector<can_frame> records;
  can::CandumpFileReader file;
  if (file.open(log)) {
    std::fprintf(stderr, "%s\n", file.last_error().c_str());
    return 1;
  }
  can::CanFrame f;
  while (file.next(f) == can::CandumpFileReader::Status::frame) {
    records.push_back(can::to_can_frame(f));
  }
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, fds) != 0) {
    std::perror("socketpair");
    return 1;
  }
  int big = 8 << 20;
  ::setsockopt(fds[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  ::setsockopt(fds[0], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  asio::io_context io;
  can::CanFrameReaderCallbacks callbacks;
  callbacks.frames = raw_batch;
  can::CanFrameReaderOptions options;
  options.read_batch = 32;
  can::CanFrameReader reader(io, fds[0], "can0", 1, options, std::move(callbacks));
  reader.start();
  constexpr std::size_t kChunk = 1024;
  std::vector<mmsghdr> headers(kChunk);
  std::vector<iovec> iov(kChunk);
  for (int p = 0; p < passes; ++p) {
    for (std::size_t at = 0; at < records.size(); at += kChunk) {
      const std::size_t n = std::min(kChunk, records.size() - at);
      for (std::size_t i = 0; i < n; ++i) {
        iov[i] = {&records[at + i], sizeof(can_frame)};
        headers[i] = {};
        headers[i].msg_hdr.msg_iov = &iov[i];
        headers[i].msg_hdr.msg_iovlen = 1;
      }
      std::size_t sent = 0;
      while (sent < n) {
        const int k = ::sendmmsg(fds[1], headers.data() + sent, static_cast<unsigned>(n - sent), 0);
        if (k <= 0) {
          std::perror("sendmmsg");
          return 1;
        }
        sent += static_cast<std::size_t>(k);
      }
      const std::uint64_t target = g_frames + n;
      while (g_frames < target) {
        io.run_one();
      }
    }
  }
  ::close(fds[1]);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string dbc_file;
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--dbc") {
      dbc_file = args[i + 1];
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i),
                 args.begin() + static_cast<std::ptrdiff_t>(i) + 2);
      break;
    }
  }
  if (args.size() < 2 || (args[0] != "replay" && args[0] != "snapshot" && args[0] != "reader")) {
    std::fprintf(stderr, "usage: %s replay|snapshot|reader LOG [PASSES] [--dbc FILE]\n", argv[0]);
    return 2;
  }
  log::logger().set_level(log::Severity::error);  // keep the progress lines out
  const std::string& mode = args[0];
  const std::string& log_file = args[1];
  const int passes = args.size() > 2 ? std::atoi(args[2].c_str()) : 1;
  int rc = 0;
  if (mode == "reader") {
    rc = run_reader(log_file, passes);
  } else {
    std::unique_ptr<dbc::DbcDecoder> decoder;
    if (mode == "snapshot") {
      dbc::DbcParseResult r =
          dbc_file.empty() ? dbc::parse_dbc(dbc_for_log(log_file)) : dbc::load_dbc_file(dbc_file);
      if (!r.ok()) {
        std::fprintf(stderr, "%s\n", r.errors.front().to_string().c_str());
        return 1;
      }
      decoder = std::make_unique<dbc::DbcDecoder>(std::move(r.database), dbc::DbcDecoderOptions{});
      g_decoder = decoder.get();
      g_latest.assign(decoder->signal_count(), 0.0);
    }
    rc = run_replay(log_file, passes, mode == "snapshot");
  }
  std::printf("mode %s: %llu frames, %llu signals decoded\n", mode.c_str(),
              static_cast<unsigned long long>(g_frames),
              static_cast<unsigned long long>(g_signals));
  return rc;
}
