#include "can/can_frame_reader.hpp"
#include "can/receive_metadata.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/can/error.h>
#include <time.h>

#include <array>
#include <cstring>

#include "can_test_support.hpp"

namespace canhose::can {
namespace {

using test::RecordPipe;
using test::run_until;
using test::send_record;

std::int64_t now_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

struct Collector {
  std::vector<CanFrame> frames;
  std::vector<std::size_t> batch_sizes;
  std::vector<std::pair<CanFrame, ErrorFrameInfo>> errors;
  std::optional<std::error_code> closed;

  CanFrameReaderCallbacks callbacks() {
    CanFrameReaderCallbacks c;
    c.frames = [this](std::span<const CanFrame> batch) {
      frames.insert(frames.end(), batch.begin(), batch.end());
      batch_sizes.push_back(batch.size());
    };
    c.error_frame = [this](const CanFrame& f, const ErrorFrameInfo& i) {
      errors.emplace_back(f, i);
    };
    c.closed = [this](std::error_code ec) { closed = ec; };
    return c;
  }
};

TEST(CanFrameReader, ClassicAndFdFramesAreToldApartByRecordSize) {
  asio::io_context io;
  RecordPipe pipe = RecordPipe::make();
  ASSERT_GE(pipe.reader, 0);
  Collector got;
  CanFrameReader reader(io, pipe.reader, "vcan7", 7, {}, got.callbacks());
  reader.start();
  const std::int64_t before = now_ns();
  ASSERT_TRUE(send_record(pipe.writer, test::classic(0x123, {1, 2, 3})));
  canfd_frame fd{};
  fd.can_id = 0x18DAF110 | CAN_EFF_FLAG;
  fd.len = 12;
  fd.flags = CANFD_BRS;
  for (int i = 0; i < 12; ++i) {
    fd.data[i] = static_cast<std::uint8_t>(0xA0 + i);
  }
  ASSERT_TRUE(send_record(pipe.writer, fd));
  ASSERT_TRUE(send_record(pipe.writer, test::classic(0x7DF | CAN_RTR_FLAG, {})));
  ASSERT_TRUE(run_until(io, [&] { return got.frames.size() == 3; }));
  const std::int64_t after = now_ns();

  const CanFrame& a = got.frames[0];
  EXPECT_EQ(a.id, 0x123u);
  EXPECT_FALSE(a.fd);
  EXPECT_FALSE(a.extended);
  EXPECT_EQ(a.len, 3);
  EXPECT_EQ(a.data[2], 3);
  EXPECT_EQ(a.interface, "vcan7");
  EXPECT_EQ(a.ifindex, 7u);
  EXPECT_EQ(a.timestamp_source, TimestampSource::wall_clock);
  EXPECT_GE(a.timestamp_ns, before);
  EXPECT_LE(a.timestamp_ns, after);
  const CanFrame& b = got.frames[1];
  EXPECT_TRUE(b.fd);
  EXPECT_TRUE(b.extended);
  EXPECT_TRUE(b.brs);
  EXPECT_FALSE(b.esi);
  EXPECT_EQ(b.id, 0x18DAF110u);
  EXPECT_EQ(b.len, 12);
  EXPECT_EQ(b.data[11], 0xAB);
  EXPECT_TRUE(got.frames[2].rtr);
  EXPECT_EQ(got.frames[2].id, 0x7DFu);
  EXPECT_EQ(reader.stats().frames, 3u);
  EXPECT_EQ(reader.stats().fd_frames, 1u);
  EXPECT_EQ(reader.stats().malformed, 0u);
}

TEST(CanFrameReader, KernelReceiveTimestampIsUsedWhenTheSocketProvidesIt) {
  asio::io_context io;
  RecordPipe pipe = RecordPipe::make();
  const int on = 1;
  ASSERT_EQ(::setsockopt(pipe.reader, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on), 0);
  Collector got;
  CanFrameReader reader(io, pipe.reader, "can0", 1, {}, got.callbacks());
  reader.start();
  const std::int64_t before = now_ns();
  ASSERT_TRUE(send_record(pipe.writer, test::classic(0x100, {0xFF})));
  const std::int64_t sent = now_ns();
  ASSERT_TRUE(run_until(io, [&] { return got.frames.size() == 1; }));
  EXPECT_EQ(got.frames[0].timestamp_source, TimestampSource::kernel);
  // The kernel stamps the record when it is queued: between before and sent.
  EXPECT_GE(got.frames[0].timestamp_ns, before);
  EXPECT_LE(got.frames[0].timestamp_ns, sent);
}

TEST(CanFrameReader, MalformedRecordsAreCountedAndSkippedNeverFatal) {
  asio::io_context io;
  RecordPipe pipe = RecordPipe::make();
  Collector got;
  CanFrameReader reader(io, pipe.reader, "can0", 1, {}, got.callbacks());
  reader.start();
  const std::uint8_t short_record[10] = {};
  ASSERT_EQ(::send(pipe.writer, short_record, sizeof short_record, 0), 10);
  const std::uint8_t long_record[100] = {};  // more than CANFD_MTU: truncated
  ASSERT_EQ(::send(pipe.writer, long_record, sizeof long_record, 0), 100);
  can_frame bad_len = test::classic(0x1, {});
  bad_len.len = 9;
  ASSERT_TRUE(send_record(pipe.writer, bad_len));
  canfd_frame bad_fd{};
  bad_fd.len = 13;  // not a CAN FD length
  ASSERT_TRUE(send_record(pipe.writer, bad_fd));
  ASSERT_TRUE(send_record(pipe.writer, test::classic(0x2, {0x42})));
  ASSERT_EQ(::send(pipe.writer, short_record, 0, 0), 0);  // empty record
  ASSERT_TRUE(run_until(io, [&] { return !got.frames.empty(); }));
  ASSERT_EQ(got.frames.size(), 1u);
  EXPECT_EQ(got.frames[0].id, 0x2u);
  EXPECT_EQ(reader.stats().malformed, 4u);
  // An empty SEQPACKET record is indistinguishable from end of stream: the reader stops.
  EXPECT_TRUE(got.closed.has_value());
}

TEST(CanFrameReader, ErrorFramesAreCountedReportedAndDelivered) {
  asio::io_context io;
  RecordPipe pipe = RecordPipe::make();
  Collector got;
  CanFrameReader reader(io, pipe.reader, "can0", 1, {}, got.callbacks());
  reader.start();
  ASSERT_TRUE(send_record(pipe.writer,
                          test::classic(CAN_ERR_FLAG | CAN_ERR_BUSOFF, {0, 0, 0, 0, 0, 0, 0, 0})));
  ASSERT_TRUE(
      send_record(pipe.writer, test::classic(CAN_ERR_FLAG | CAN_ERR_CRTL | CAN_ERR_CNT,
                                             {0, CAN_ERR_CRTL_TX_PASSIVE, 0, 0, 0, 0, 128, 3})));
  ASSERT_TRUE(send_record(pipe.writer, test::classic(CAN_ERR_FLAG | CAN_ERR_PROT | CAN_ERR_ACK,
                                                     {0, 0, 0, 0, 0, 0, 0, 0})));
  ASSERT_TRUE(run_until(io, [&] { return got.frames.size() == 3; }));
  ASSERT_EQ(got.errors.size(), 3u);
  EXPECT_TRUE(got.errors[0].second.bus_off);
  EXPECT_TRUE(got.errors[1].second.error_passive);
  EXPECT_EQ(got.errors[1].second.tx_error_count, 128);
  EXPECT_EQ(to_string(got.errors[1].second), "error passive (tx errors 128, rx errors 3)");
  EXPECT_TRUE(got.errors[2].second.no_ack);
  EXPECT_TRUE(got.frames[0].error);
  const CanFrameReaderStats& s = reader.stats();
  EXPECT_EQ(s.errors.error_frames, 3u);
  EXPECT_EQ(s.errors.bus_off, 1u);
  EXPECT_EQ(s.errors.error_passive, 1u);
  EXPECT_EQ(s.errors.controller_problems, 1u);
  EXPECT_EQ(s.errors.protocol_violations, 1u);
  EXPECT_EQ(s.errors.no_ack, 1u);
}

TEST(CanFrameReader, ThousandsOfFramesArriveInOrderInBoundedBatches) {
  asio::io_context io;
  RecordPipe pipe = RecordPipe::make(SOCK_DGRAM);
  int big = 4 << 20;
  ::setsockopt(pipe.writer, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  ::setsockopt(pipe.reader, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  Collector got;
  CanFrameReaderOptions options;
  options.read_batch = 16;
  CanFrameReader reader(io, pipe.reader, "can0", 1, options, got.callbacks());
  reader.start();
  constexpr int kFrames = 5000;
  int sent = 0;
  ASSERT_TRUE(run_until(io, [&] {
    // Write as much as the socket takes, then let the reader drain.
    while (sent < kFrames) {
      can_frame f = test::classic(static_cast<canid_t>(sent % 0x800), {0, 0});
      f.data[0] = static_cast<std::uint8_t>(sent >> 8);
      f.data[1] = static_cast<std::uint8_t>(sent);
      if (::send(pipe.writer, &f, sizeof f, MSG_DONTWAIT) != sizeof f) {
        break;
      }
      ++sent;
    }
    return got.frames.size() == kFrames;
  }));
  for (int i = 0; i < kFrames; ++i) {
    ASSERT_EQ(got.frames[static_cast<std::size_t>(i)].data[0] * 256 +
                  got.frames[static_cast<std::size_t>(i)].data[1],
              i % 65536);
  }
  for (std::size_t n : got.batch_sizes) {
    EXPECT_LE(n, 16u);
  }
  EXPECT_GE(reader.stats().read_calls, static_cast<std::uint64_t>(kFrames / 16));
}

TEST(CanFrameReader, PeerClosingEndsTheStreamWithAClosedCallback) {
  asio::io_context io;
  RecordPipe pipe = RecordPipe::make();
  Collector got;
  CanFrameReader reader(io, pipe.reader, "can0", 1, {}, got.callbacks());
  reader.start();
  ASSERT_TRUE(send_record(pipe.writer, test::classic(0x10, {1})));
  pipe.close_writer();
  ASSERT_TRUE(run_until(io, [&] { return got.closed.has_value(); }));
  EXPECT_EQ(got.frames.size(), 1u);  // the frame before the close still arrived
  EXPECT_FALSE(reader.running());
}

TEST(CanFrameReader, PipeIsReadAsAByteStreamOfFixedSizeRecords) {
  asio::io_context io;
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  Collector got;
  CanFrameReader reader(io, fds[0], "can0", 0, {}, got.callbacks());
  reader.start();
  const can_frame frames[3] = {test::classic(0x1, {1}), test::classic(0x2, {2}),
                               test::classic(0x3, {3})};
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(frames);
  // 2.5 records, then the rest: records straddle the writes.
  ASSERT_EQ(::write(fds[1], bytes, 40), 40);
  ASSERT_TRUE(run_until(io, [&] { return got.frames.size() == 2; }));
  ASSERT_EQ(::write(fds[1], bytes + 40, 8), 8);
  ASSERT_TRUE(run_until(io, [&] { return got.frames.size() == 3; }));
  EXPECT_EQ(got.frames[2].id, 0x3u);
  EXPECT_EQ(got.frames[2].data[0], 3);
  ASSERT_EQ(::write(fds[1], bytes, 5), 5);  // a torn record, then end of stream
  ::close(fds[1]);
  ASSERT_TRUE(run_until(io, [&] { return got.closed.has_value(); }));
  EXPECT_EQ(reader.stats().malformed, 1u);
}

TEST(CanFrameReader, UserSpaceFilterDropsNonMatchingFramesButNotErrors) {
  asio::io_context io;
  RecordPipe pipe = RecordPipe::make();
  Collector got;
  CanFrameReader reader(io, pipe.reader, "can0", 1, {}, got.callbacks());
  reader.set_user_filter(CanIdFilterSet({*parse_can_id_filter("0x7E8/0x7F8").filter}));
  reader.start();
  for (canid_t id : {0x7DFu, 0x7E8u, 0x7EFu, 0x7F0u}) {
    ASSERT_TRUE(send_record(pipe.writer, test::classic(id, {1})));
  }
  ASSERT_TRUE(send_record(pipe.writer, test::classic(CAN_ERR_FLAG | CAN_ERR_BUSOFF, {})));
  ASSERT_TRUE(run_until(io, [&] { return got.frames.size() == 3; }));
  EXPECT_EQ(got.frames[0].id, 0x7E8u);
  EXPECT_EQ(got.frames[1].id, 0x7EFu);
  EXPECT_TRUE(got.frames[2].error);
  EXPECT_EQ(reader.stats().filtered, 2u);
}

TEST(CanFrameReader, NoCallbackAfterStop) {
  asio::io_context io;
  RecordPipe pipe = RecordPipe::make();
  Collector got;
  CanFrameReader reader(io, pipe.reader, "can0", 1, {}, got.callbacks());
  reader.start();
  reader.stop();
  ASSERT_TRUE(send_record(pipe.writer, test::classic(0x10, {1})));
  io.run_for(std::chrono::milliseconds(50));
  EXPECT_TRUE(got.frames.empty());
  EXPECT_FALSE(got.closed.has_value());
}

TEST(CanFrameReader, BytesPastTheLengthAreZeroWhateverTheSlotHeldBefore) {
  // Frames are built in reused batch slots; a long FD frame must leave nothing behind for
  // the shorter frames that take its slot later.
  asio::io_context io;
  RecordPipe pipe = RecordPipe::make();
  ASSERT_GE(pipe.reader, 0);
  Collector got;
  CanFrameReaderOptions options;
  options.read_batch = 1;  // every frame goes through the same slot
  CanFrameReader reader(io, pipe.reader, "can0", 1, options, got.callbacks());
  reader.start();
  canfd_frame full{};
  full.can_id = 0x100;
  full.len = 64;
  std::memset(full.data, 0xEE, sizeof full.data);
  canfd_frame twelve = full;
  twelve.len = 12;
  can_frame classic_full{};
  classic_full.can_id = 0x200;
  classic_full.len = 2;
  std::memset(classic_full.data, 0xAA, sizeof classic_full.data);  // padding bytes set too
  ASSERT_TRUE(send_record(pipe.writer, full));
  ASSERT_TRUE(send_record(pipe.writer, classic_full));
  ASSERT_TRUE(send_record(pipe.writer, full));
  ASSERT_TRUE(send_record(pipe.writer, twelve));
  ASSERT_TRUE(send_record(pipe.writer, test::classic(0x300, {})));
  ASSERT_TRUE(run_until(io, [&] { return got.frames.size() == 5; }));
  const std::array<std::size_t, 5> lengths = {64, 2, 64, 12, 0};
  for (std::size_t i = 0; i < got.frames.size(); ++i) {
    const CanFrame& f = got.frames[i];
    ASSERT_EQ(f.len, lengths[i]) << i;
    for (std::size_t b = 0; b < f.data.size(); ++b) {
      const std::uint8_t expected = b < f.len ? (f.fd ? 0xEE : 0xAA) : 0;
      ASSERT_EQ(f.data[b], expected) << "frame " << i << " byte " << b;
    }
  }
  EXPECT_FALSE(got.frames[1].fd);
  EXPECT_TRUE(got.frames[3].fd);
}

TEST(ReceiveMetadata, TimestampAndDropCounterAreReadFromControlMessages) {
  alignas(cmsghdr) std::uint8_t control[CMSG_SPACE(16) + CMSG_SPACE(4)] = {};
  msghdr msg{};
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SO_TIMESTAMPNS;
  c->cmsg_len = CMSG_LEN(sizeof(timespec));
  const timespec ts{1700000000, 123456789};
  std::memcpy(CMSG_DATA(c), &ts, sizeof ts);
  c = CMSG_NXTHDR(&msg, c);
  ASSERT_NE(c, nullptr);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SO_RXQ_OVFL;
  c->cmsg_len = CMSG_LEN(sizeof(std::uint32_t));
  const std::uint32_t drops = 17;
  std::memcpy(CMSG_DATA(c), &drops, sizeof drops);
  const ReceiveMetadata m = parse_receive_metadata(msg);
  ASSERT_TRUE(m.timestamp_ns.has_value());
  EXPECT_EQ(*m.timestamp_ns, 1700000000123456789LL);
  ASSERT_TRUE(m.drop_count.has_value());
  EXPECT_EQ(*m.drop_count, 17u);
}

TEST(ReceiveMetadata, MicrosecondTimestampAndNoControlMessages) {
  alignas(cmsghdr) std::uint8_t control[CMSG_SPACE(16)] = {};
  msghdr msg{};
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SO_TIMESTAMP;
  c->cmsg_len = CMSG_LEN(sizeof(timeval));
  const timeval tv{1700000000, 654321};
  std::memcpy(CMSG_DATA(c), &tv, sizeof tv);
  EXPECT_EQ(parse_receive_metadata(msg).timestamp_ns.value_or(0), 1700000000654321000LL);
  msghdr empty{};
  EXPECT_FALSE(parse_receive_metadata(empty).timestamp_ns.has_value());
  EXPECT_FALSE(parse_receive_metadata(empty).drop_count.has_value());
}

}  // namespace
}  // namespace canhose::can
