// canhose_can_cost: drives a candump log through one stage of the CAN pipeline, as fast
// as possible, for instruction counting with callgrind:
//
//   canhose_can_cost replay   LOG [PASSES]   candump parse + replay delivery (ReplaySource)
//   canhose_can_cost snapshot LOG [PASSES]   the same + DBC decode of every frame into a
//                                             latest-value table (the snapshot record path)
//   canhose_can_cost reader   LOG [PASSES]   can_frame records through a socketpair into
//                                             CanFrameReader (recvmmsg batches of 32)
//   canhose_can_cost raw      LOG [PASSES]   read to queued record, raw capture: socketpair
//                                             -> CanFrameReader -> FrameRouter ->
//                                             RawFrameRecorder (every id selected) ->
//                                             QueueRecordSink -> Queue (fsync interval)
//   canhose_can_cost capture  LOG [PASSES]   read to queued record, snapshot mode: socketpair
//                                             -> CanFrameReader -> FrameRouter -> DBC decode
//                                             -> FieldStore; RecordBuilder::build_once()
//                                             every --frames-per-record frames -> Queue
//
// raw and capture run one warm-up pass, then PASSES measured passes between
// CALLGRIND_START_INSTRUMENTATION and CALLGRIND_STOP_INSTRUMENTATION (run them under
// valgrind --tool=callgrind --instr-atstart=no). Filling the socket (the sender's
// sendmmsg) is left out with CALLGRIND_TOGGLE_COLLECT; the queue's worker thread (frame
// encoding, CRC32C, write(), fsync every 200 ms) is counted while it runs inside the
// window, and the window ends only when every measured record is durable. They also
// print frames per second, timed natively around the receiving side only.
//
// The DBC for `snapshot` is generated from the log: for every id it holds a message with
// four signals (Motorola 16-bit signed with factor 0.01, Intel 12-bit, Intel 8-bit with
// offset, one bit), so every frame is decoded. `--dbc FILE` uses a real DBC instead.
// Hot functions are not inlined across these entry points, so callgrind's
// --toggle-collect can isolate them (docs/can.md gives the commands).

#include <sys/socket.h>
#include <unistd.h>

#include <valgrind/callgrind.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
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
#include "queue/queue.hpp"
#include "queue/queue_record_sink.hpp"
#include "record/field_store.hpp"
#include "record/raw_frame_recorder.hpp"
#include "record/record_builder.hpp"
#include "service/frame_router.hpp"

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

struct PipelineOptions {
  bool snapshot = false;
  int passes = 1;
  std::string dbc_file;
  std::uint64_t frames_per_record = 4000;  // snapshot period at a saturated 500 kbit/s bus
};

std::vector<can_frame> load_records(const std::string& log) {
  std::vector<can_frame> records;
  can::CandumpFileReader file;
  if (file.open(log)) {
    std::fprintf(stderr, "%s\n", file.last_error().c_str());
    return records;
  }
  can::CanFrame f;
  while (file.next(f) == can::CandumpFileReader::Status::frame) {
    records.push_back(can::to_can_frame(f));
  }
  return records;
}

// The sender's side of the socketpair is the test harness, not the pipeline: callgrind's
// collection is switched off around it (per thread, so the queue worker keeps counting).
__attribute__((noinline)) bool feed(int fd, const can_frame* frames, std::size_t n,
                                    std::vector<mmsghdr>& headers, std::vector<iovec>& iov) {
  CALLGRIND_TOGGLE_COLLECT;
  for (std::size_t i = 0; i < n; ++i) {
    iov[i] = {const_cast<can_frame*>(frames + i), sizeof(can_frame)};
    headers[i] = {};
    headers[i].msg_hdr.msg_iov = &iov[i];
    headers[i].msg_hdr.msg_iovlen = 1;
  }
  std::size_t sent = 0;
  bool ok = true;
  while (sent < n) {
    const int k = ::sendmmsg(fd, headers.data() + sent, static_cast<unsigned>(n - sent), 0);
    if (k <= 0) {
      std::perror("sendmmsg");
      ok = false;
      break;
    }
    sent += static_cast<std::size_t>(k);
  }
  CALLGRIND_TOGGLE_COLLECT;
  return ok;
}

int run_pipeline(const std::string& log, const PipelineOptions& po) {
  const std::vector<can_frame> records = load_records(log);
  if (records.empty()) {
    return 1;
  }
  char dir_template[] = "/tmp/canhose-can-cost-XXXXXX";
  if (::mkdtemp(dir_template) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  const std::filesystem::path dir(dir_template);
  int rc = 0;
  {
    asio::io_context io;
    queue::QueueOptions qo;
    qo.dir = dir / "queue";
    qo.fsync = queue::FsyncMode::interval;
    qo.fsync_interval = std::chrono::milliseconds(200);
    qo.max_bytes = 1ULL << 30;
    qo.memory_buffer_bytes = 64ULL << 20;
    queue::Queue::OpenResult opened = queue::Queue::open(io, qo);
    if (!opened.queue) {
      std::fprintf(stderr, "%s\n", opened.error.c_str());
      return 1;
    }
    queue::Queue& q = *opened.queue;
    std::uint64_t durable = 0;
    q.set_durable_handler([&](std::uint64_t seq) { durable = seq; });
    queue::QueueRecordSink sink(q);

    record::FieldStore store;
    std::optional<dbc::DbcDecoder> decoder;
    std::unique_ptr<record::RawFrameRecorder> raw;
    std::unique_ptr<record::RecordBuilder> builder;
    if (po.snapshot) {
      dbc::DbcParseResult r =
          po.dbc_file.empty() ? dbc::parse_dbc(dbc_for_log(log)) : dbc::load_dbc_file(po.dbc_file);
      if (!r.ok()) {
        std::fprintf(stderr, "%s\n", r.errors.front().to_string().c_str());
        return 1;
      }
      decoder.emplace(std::move(r.database), dbc::DbcDecoderOptions{});
      record::RecordBuilderOptions bo;
      bo.vin = "1FTEW1EP5MFA00001";
      // The default columns and the first 16 DBC signals.
      for (std::uint32_t n = 0; n < decoder->signal_count() && n < 16; ++n) {
        bo.fields.push_back(decoder->signal(n).name);
      }
      builder = std::make_unique<record::RecordBuilder>(io, store, sink, bo);
    } else {
      record::RawFrameOptions ro;
      ro.enabled = true;
      for (const can_frame& k : records) {
        const can::CanFrame f = can::frame_from_kernel(k);
        if (!f.error) {
          if (f.extended && f.id <= 0x7FF) {
            ro.extended_ids.push_back(f.id);
          } else {
            ro.ids.push_back(f.id);
          }
        }
      }
      raw = std::make_unique<record::RawFrameRecorder>(sink, ro, record::RecordFormat::space);
    }
    service::FrameRouter router(store, std::move(decoder), raw.get());

    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, fds) != 0) {
      std::perror("socketpair");
      return 1;
    }
    int big = 8 << 20;
    ::setsockopt(fds[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    ::setsockopt(fds[0], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    int on = 1;  // as on a CAN socket: a kernel receive timestamp with every frame
    ::setsockopt(fds[0], SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);

    std::uint64_t routed = 0;
    std::uint64_t next_record = po.frames_per_record;
    can::CanFrameReaderCallbacks callbacks;
    callbacks.frames = [&](std::span<const can::CanFrame> frames) {
      router.on_frames(frames);
      routed += frames.size();
      if (builder && routed >= next_record) {
        builder->build_once();  // the timer's work, once per period's worth of frames
        next_record += po.frames_per_record;
      }
    };
    can::CanFrameReaderOptions options;
    options.read_batch = 32;
    can::CanFrameReader reader(io, fds[0], "can0", 1, options, std::move(callbacks));
    reader.start();

    constexpr std::size_t kChunk = 1024;
    std::vector<mmsghdr> headers(kChunk);
    std::vector<iovec> iov(kChunk);
    std::chrono::steady_clock::duration receiving{};
    auto run_pass = [&]() -> bool {
      for (std::size_t at = 0; at < records.size(); at += kChunk) {
        const std::size_t n = std::min(kChunk, records.size() - at);
        if (!feed(fds[1], records.data() + at, n, headers, iov)) {
          return false;
        }
        const std::uint64_t target = routed + n;
        const auto t0 = std::chrono::steady_clock::now();
        while (routed < target) {
          io.run_one();
        }
        receiving += std::chrono::steady_clock::now() - t0;
      }
      return true;
    };
    auto wait_durable = [&] {
      const std::uint64_t last = q.next_sequence() - 1;
      while (durable < last) {
        io.run_one();
      }
    };
    if (!run_pass()) {  // warm-up: segment creation, first allocations
      return 1;
    }
    wait_durable();
    const std::uint64_t first_seq = q.next_sequence();
    const std::uint64_t first_snapshots = builder ? builder->counters().records : 0;
    receiving = {};
    CALLGRIND_START_INSTRUMENTATION;
    for (int p = 0; p < po.passes && rc == 0; ++p) {
      rc = run_pass() ? 0 : 1;
    }
    wait_durable();
    CALLGRIND_STOP_INSTRUMENTATION;
    const std::uint64_t frames = records.size() * static_cast<std::uint64_t>(po.passes);
    const double seconds = std::chrono::duration<double>(receiving).count();
    std::printf(
        "measured: %llu frames, %llu records queued (%llu snapshot records), %.0f frames/s "
        "(receiving side, %.3f s)\n",
        static_cast<unsigned long long>(frames),
        static_cast<unsigned long long>(q.next_sequence() - first_seq),
        static_cast<unsigned long long>(builder ? builder->counters().records - first_snapshots
                                                : 0),
        seconds > 0 ? static_cast<double>(frames) / seconds : 0.0, seconds);
    // Raw mode selects every id of the log: one record per frame, or the figures lie.
    if (!po.snapshot && q.next_sequence() - first_seq != frames) {
      std::fprintf(stderr, "error: %llu frames measured but %llu records queued\n",
                   static_cast<unsigned long long>(frames),
                   static_cast<unsigned long long>(q.next_sequence() - first_seq));
      rc = 1;
    }
    ::close(fds[1]);
    g_frames = routed;
    g_signals = store.publish_count();
    q.close();
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return rc;
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
  std::uint64_t frames_per_record = 4000;
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--frames-per-record") {
      frames_per_record =
          std::max<std::uint64_t>(1, std::strtoull(args[i + 1].c_str(), nullptr, 10));
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i),
                 args.begin() + static_cast<std::ptrdiff_t>(i) + 2);
      break;
    }
  }
  const bool pipeline = !args.empty() && (args[0] == "raw" || args[0] == "capture");
  if (args.size() < 2 ||
      (!pipeline && args[0] != "replay" && args[0] != "snapshot" && args[0] != "reader")) {
    std::fprintf(stderr,
                 "usage: %s replay|snapshot|reader|raw|capture LOG [PASSES] [--dbc FILE] "
                 "[--frames-per-record N]\n",
                 argv[0]);
    return 2;
  }
  log::logger().set_level(log::Severity::error);  // keep the progress lines out
  const std::string& mode = args[0];
  const std::string& log_file = args[1];
  const int passes = args.size() > 2 ? std::atoi(args[2].c_str()) : 1;
  int rc = 0;
  if (pipeline) {
    PipelineOptions po;
    po.snapshot = mode == "capture";
    po.passes = std::max(1, passes);
    po.dbc_file = dbc_file;
    po.frames_per_record = frames_per_record;
    rc = run_pipeline(log_file, po);
  } else if (mode == "reader") {
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
