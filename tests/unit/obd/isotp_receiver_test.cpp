#include "obd/isotp_receiver.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "obd/isotp_pci.hpp"
#include "support/simulated_can_bus.hpp"

namespace canhose::obd {
namespace {

using Bytes = std::vector<std::uint8_t>;

ObdFrame frame(std::uint32_t id, Bytes data) {
  ObdFrame f;
  f.id = id;
  f.len = static_cast<std::uint8_t>(data.size());
  std::copy(data.begin(), data.end(), f.data.begin());
  f.timestamp_ns = 1'700'000'000'000'000'000;
  return f;
}

// Splits `payload` into a first frame and consecutive frames as an ECU would send them,
// padding the last one with `padding`.
std::vector<ObdFrame> segment(std::uint32_t id, const Bytes& payload, std::uint8_t padding) {
  std::vector<ObdFrame> out;
  out.push_back(isotp::make_first_frame(id, payload.size(),
                                        std::span<const std::uint8_t>(payload.data(), 6)));
  std::uint8_t sequence = 1;
  for (std::size_t at = 6; at < payload.size(); at += 7) {
    const std::size_t n = std::min<std::size_t>(7, payload.size() - at);
    out.push_back(isotp::make_consecutive_frame(
        id, sequence, std::span<const std::uint8_t>(payload.data() + at, n), padding));
    sequence = static_cast<std::uint8_t>((sequence + 1) & 0x0F);
  }
  return out;
}

class IsoTpReceiverTest : public ::testing::Test {
 protected:
  IsoTpReceiverTest() { make(std::chrono::milliseconds(1000), 4095); }

  void make(std::chrono::milliseconds n_cr, std::size_t max_message) {
    receiver_.reset();
    IsoTpReceiver::Handlers h;
    h.on_message = [this](std::span<const std::uint8_t> p, std::int64_t ts) {
      messages_.emplace_back(p.begin(), p.end());
      timestamps_.push_back(ts);
    };
    h.on_aborted = [this](std::string_view reason) { aborts_.emplace_back(reason); };
    receiver_ = std::make_unique<IsoTpReceiver>(
        io_, 0x7E8, 0x7E0, [this](const ObdFrame& f) { sent_.push_back(f); }, std::move(h), n_cr,
        max_message);
  }

  asio::io_context io_;
  std::unique_ptr<IsoTpReceiver> receiver_;
  std::vector<Bytes> messages_;
  std::vector<std::int64_t> timestamps_;
  std::vector<std::string> aborts_;
  std::vector<ObdFrame> sent_;
};

TEST_F(IsoTpReceiverTest, SingleFrameIsDeliveredWithoutItsPadding) {
  for (std::uint8_t pad : {0x00, 0x55, 0xAA, 0xCC}) {
    receiver_->on_frame(frame(0x7E8, {0x03, 0x41, 0x0D, 0x3C, pad, pad, pad, pad}));
  }
  ASSERT_EQ(messages_.size(), 4u);
  for (const Bytes& m : messages_) {
    EXPECT_EQ(m, (Bytes{0x41, 0x0D, 0x3C}));
  }
  EXPECT_EQ(timestamps_[0], 1'700'000'000'000'000'000);
  EXPECT_TRUE(sent_.empty());
}

TEST_F(IsoTpReceiverTest, FirstFrameGetsClearToSendOnThePhysicalRequestId) {
  Bytes vin{0x49, 0x02, 0x01};
  const std::string text = "1G1JC5444R7252367";
  vin.insert(vin.end(), text.begin(), text.end());
  const auto frames = segment(0x7E8, vin, 0x55);
  ASSERT_EQ(frames.size(), 3u);  // 20 bytes: 6 + 7 + 7
  receiver_->on_frame(frames[0]);
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(sent_[0].id, 0x7E0u);
  EXPECT_EQ(sent_[0].len, 8);
  EXPECT_EQ(sent_[0].data[0], 0x30);  // flow control, clear to send
  EXPECT_EQ(sent_[0].data[1], 0x00);  // block size 0: everything
  EXPECT_EQ(sent_[0].data[2], 0x00);  // STmin 0
  EXPECT_TRUE(receiver_->in_progress());
  receiver_->on_frame(frames[1]);
  receiver_->on_frame(frames[2]);
  ASSERT_EQ(messages_.size(), 1u);
  EXPECT_EQ(messages_[0], vin);
  EXPECT_FALSE(receiver_->in_progress());
}

TEST_F(IsoTpReceiverTest, SequenceNumbersWrapFromFToZero) {
  Bytes payload(6 + 7 * 20);  // 20 consecutive frames: sequence 1..F, 0, 1..4
  for (std::size_t i = 0; i < payload.size(); ++i) {
    payload[i] = static_cast<std::uint8_t>(i * 7);
  }
  const auto frames = segment(0x7E8, payload, 0xCC);
  EXPECT_EQ(frames[15].data[0], 0x2F);
  EXPECT_EQ(frames[16].data[0], 0x20);
  for (const ObdFrame& f : frames) {
    receiver_->on_frame(f);
  }
  ASSERT_EQ(messages_.size(), 1u);
  EXPECT_EQ(messages_[0], payload);
  EXPECT_EQ(receiver_->stats().sequence_errors, 0u);
}

TEST_F(IsoTpReceiverTest, LargestMessageOf4095BytesReassembles) {
  Bytes payload(4095);
  for (std::size_t i = 0; i < payload.size(); ++i) {
    payload[i] = static_cast<std::uint8_t>(i);
  }
  for (const ObdFrame& f : segment(0x7E8, payload, 0x00)) {
    receiver_->on_frame(f);
  }
  ASSERT_EQ(messages_.size(), 1u);
  EXPECT_EQ(messages_[0], payload);
}

TEST_F(IsoTpReceiverTest, OutOfSequenceConsecutiveFrameAbortsTheTransfer) {
  const Bytes payload(30, 0x11);
  auto frames = segment(0x7E8, payload, 0xAA);
  receiver_->on_frame(frames[0]);
  receiver_->on_frame(frames[2]);  // sequence 2 where 1 is due
  receiver_->on_frame(frames[1]);  // now unexpected: nothing in progress
  EXPECT_TRUE(messages_.empty());
  ASSERT_EQ(aborts_.size(), 1u);
  EXPECT_EQ(receiver_->stats().sequence_errors, 1u);
  EXPECT_EQ(receiver_->stats().unexpected_frames, 1u);
  EXPECT_FALSE(receiver_->in_progress());
}

TEST_F(IsoTpReceiverTest, ConsecutiveFrameWithoutFirstFrameIsCountedAndIgnored) {
  receiver_->on_frame(frame(0x7E8, {0x21, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_TRUE(messages_.empty());
  EXPECT_TRUE(aborts_.empty());
  EXPECT_EQ(receiver_->stats().unexpected_frames, 1u);
}

TEST_F(IsoTpReceiverTest, TruncatedAndMalformedFramesAreCountedNeverDelivered) {
  receiver_->on_frame(frame(0x7E8, {0x06, 0x41, 0x0C, 0x1A}));        // claims 6, carries 3
  receiver_->on_frame(frame(0x7E8, {0x00, 0x41, 0x0C}));              // SF_DL 0 (CAN FD escape)
  receiver_->on_frame(frame(0x7E8, {0x08, 1, 2, 3, 4, 5, 6, 7}));     // SF_DL 8 > 7
  receiver_->on_frame(frame(0x7E8, {0x45, 0, 0, 0, 0, 0, 0, 0}));     // PCI type 4
  receiver_->on_frame(frame(0x7E8, {}));                              // no data at all
  receiver_->on_frame(frame(0x7E8, {0x10, 0x05, 1, 2, 3, 4, 5, 6}));  // FF length 5 < 8
  receiver_->on_frame(frame(0x7E8, {0x10, 0x14, 1, 2, 3}));           // FF shorter than 8 bytes
  ObdFrame too_long = frame(0x7E8, {0x03, 0x41, 0x0D, 0x3C});
  too_long.len = 12;  // breaks the ObdFrame invariant: must not read past 8 bytes
  receiver_->on_frame(too_long);
  EXPECT_TRUE(messages_.empty());
  EXPECT_EQ(receiver_->stats().malformed_frames, 8u);
  EXPECT_TRUE(sent_.empty());
  // And it still works afterwards.
  receiver_->on_frame(frame(0x7E8, {0x03, 0x41, 0x0D, 0x3C}));
  EXPECT_EQ(messages_.size(), 1u);
}

TEST_F(IsoTpReceiverTest, ShortConsecutiveFrameMidMessageAbortsTheTransfer) {
  receiver_->on_frame(frame(0x7E8, {0x10, 0x14, 1, 2, 3, 4, 5, 6}));
  receiver_->on_frame(frame(0x7E8, {0x21, 7, 8, 9}));  // 3 bytes where 7 are due
  EXPECT_TRUE(messages_.empty());
  EXPECT_EQ(aborts_.size(), 1u);
  EXPECT_EQ(receiver_->stats().malformed_frames, 1u);
}

TEST_F(IsoTpReceiverTest, AnnouncedLengthAboveTheLimitGetsOverflowFlowControl) {
  make(std::chrono::milliseconds(1000), 64);
  receiver_->on_frame(frame(0x7E8, {0x10, 0x41, 1, 2, 3, 4, 5, 6}));  // 65 bytes
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(sent_[0].data[0], 0x32);  // flow control, overflow
  EXPECT_FALSE(receiver_->in_progress());
  EXPECT_EQ(receiver_->stats().overflows, 1u);
  // A 32-bit length escape (FF_DL 0) is beyond OBD-II's 4095 too.
  receiver_->on_frame(frame(0x7E8, {0x10, 0x00, 0, 0, 0x10, 0, 1, 2}));
  EXPECT_EQ(receiver_->stats().overflows, 2u);
}

TEST_F(IsoTpReceiverTest, MissingConsecutiveFrameTimesOutAfterNCr) {
  make(std::chrono::milliseconds(20), 4095);
  receiver_->on_frame(frame(0x7E8, {0x10, 0x14, 1, 2, 3, 4, 5, 6}));
  receiver_->on_frame(frame(0x7E8, {0x21, 7, 8, 9, 10, 11, 12, 13}));
  ASSERT_TRUE(test::run_until(io_, [&] { return !aborts_.empty(); }));
  EXPECT_EQ(receiver_->stats().timeouts, 1u);
  EXPECT_FALSE(receiver_->in_progress());
  EXPECT_TRUE(messages_.empty());
  // The late last frame is not glued onto anything.
  receiver_->on_frame(frame(0x7E8, {0x22, 14, 15, 16, 17, 18, 19, 20}));
  EXPECT_TRUE(messages_.empty());
  EXPECT_EQ(receiver_->stats().unexpected_frames, 1u);
}

TEST_F(IsoTpReceiverTest, NCrCountsFromTheLatestFrameNotTheFirst) {
  // A slow sender: 50 ms between frames, 300 ms in total, with N_Cr 200 ms. Every gap is
  // within N_Cr, so the message must arrive even though the transfer outlasts N_Cr.
  make(std::chrono::milliseconds(200), 4095);
  const Bytes payload(6 + 7 * 6, 0x5A);
  const auto frames = segment(0x7E8, payload, 0xAA);
  asio::steady_timer pace(io_);
  std::size_t next = 0;
  std::function<void()> feed = [&] {
    receiver_->on_frame(frames[next++]);
    if (next < frames.size()) {
      pace.expires_after(std::chrono::milliseconds(50));
      pace.async_wait([&](const boost::system::error_code& ec) {
        if (!ec) {
          feed();
        }
      });
    }
  };
  feed();
  ASSERT_TRUE(test::run_until(io_, [&] { return !messages_.empty() || !aborts_.empty(); }));
  ASSERT_EQ(messages_.size(), 1u);
  EXPECT_EQ(messages_[0], payload);
  EXPECT_EQ(receiver_->stats().timeouts, 0u);
}

TEST_F(IsoTpReceiverTest, NewFirstFrameReplacesATransferInProgress) {
  receiver_->on_frame(frame(0x7E8, {0x10, 0x14, 9, 9, 9, 9, 9, 9}));
  const Bytes payload(10, 0x42);
  for (const ObdFrame& f : segment(0x7E8, payload, 0xAA)) {
    receiver_->on_frame(f);
  }
  ASSERT_EQ(messages_.size(), 1u);
  EXPECT_EQ(messages_[0], payload);
  EXPECT_EQ(receiver_->stats().interrupted, 1u);
  EXPECT_EQ(aborts_.size(), 1u);
}

TEST_F(IsoTpReceiverTest, RandomFramesNeverCrashOrOverrunTheLimit) {
  // Deterministic noise biased towards plausible PCI bytes, so transfers start, run and
  // break in every way. The invariant: every delivered message respects the PCI length
  // rules and the limit, and the counters account for the frames.
  make(std::chrono::milliseconds(1000), 100);
  std::mt19937 rng(12345);
  std::size_t frames = 0;
  for (int i = 0; i < 200000; ++i) {
    ObdFrame f;
    f.id = 0x7E8;
    f.len = static_cast<std::uint8_t>(rng() % 9);
    for (auto& b : f.data) {
      b = static_cast<std::uint8_t>(rng());
    }
    const unsigned pick = rng() % 10;
    if (pick < 3) {
      f.data[0] = static_cast<std::uint8_t>(0x20 | (f.data[0] & 0x0F));  // consecutive
    } else if (pick < 5) {
      f.data[0] = static_cast<std::uint8_t>(0x10);  // first frame, length 0..255
    } else if (pick < 7) {
      f.data[0] = static_cast<std::uint8_t>(f.data[0] & 0x0F);  // single
    }
    receiver_->on_frame(f);
    ++frames;
  }
  for (const Bytes& m : messages_) {
    ASSERT_GE(m.size(), 1u);
    ASSERT_LE(m.size(), 100u);
  }
  const IsoTpReceiverStats& s = receiver_->stats();
  EXPECT_EQ(s.messages, messages_.size());
  EXPECT_GT(s.messages, 0u);
  EXPECT_GT(s.sequence_errors, 0u);
  EXPECT_GT(s.overflows, 0u);
  EXPECT_LE(s.messages + s.malformed_frames + s.unexpected_frames + s.sequence_errors, frames);
}

TEST_F(IsoTpReceiverTest, FramesForOtherIdsAreIgnored) {
  receiver_->on_frame(frame(0x7E9, {0x03, 0x41, 0x0D, 0x3C}));
  EXPECT_TRUE(messages_.empty());
  EXPECT_EQ(receiver_->stats().malformed_frames, 0u);
}

}  // namespace
}  // namespace canhose::obd
