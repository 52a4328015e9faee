#include "delivery/outgoing_batch.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

#include "aws/crypto.hpp"
#include "aws/put_record_batch_body.hpp"

namespace canhose::delivery {
namespace {

std::string line(std::size_t n, char c = 'x') {
  return std::string(n - 1, c) + "\n";
}

TEST(OutgoingBatch, EncodedSizeIsExactlyTheBodySize) {
  for (std::uint64_t pack : {0ull, 1000ull}) {
    OutgoingBatch b("fleet-telemetry", pack);
    EXPECT_EQ(b.encoded_bytes(), b.body().size());
    for (int i = 1; i <= 40; ++i) {
      ASSERT_TRUE(b.add(static_cast<std::uint64_t>(i), line(static_cast<std::size_t>(i % 7 + 1))));
      EXPECT_EQ(b.encoded_bytes(), b.body().size()) << "pack " << pack << " after " << i;
    }
  }
}

TEST(OutgoingBatch, UnpackedKeepsOneQueueRecordPerFirehoseRecordUpTo500) {
  OutgoingBatch b("s", 0);
  for (std::uint64_t i = 1; i <= 500; ++i) {
    ASSERT_TRUE(b.add(i, "a b c\n"));
  }
  EXPECT_FALSE(b.add(501, "a b c\n"));
  EXPECT_EQ(b.firehose_records(), 500u);
  EXPECT_EQ(b.queue_records(), 500u);
}

TEST(OutgoingBatch, PackingConcatenatesLinesUpToPackBytesAndKeepsTheSequences) {
  OutgoingBatch b("s", 10);
  ASSERT_TRUE(b.add(1, "aaaa\n"));
  ASSERT_TRUE(b.add(2, "bbbb\n"));  // 10 bytes: still one record
  ASSERT_TRUE(b.add(3, "cc\n"));    // would be 13: a new record
  ASSERT_EQ(b.firehose_records(), 2u);
  EXPECT_EQ(b.records()[0].data, "aaaa\nbbbb\n");
  EXPECT_EQ(b.records()[0].seqs, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(b.records()[1].seqs, (std::vector<std::uint64_t>{3}));
  const auto body = nlohmann::json::parse(b.body());
  EXPECT_EQ(body["DeliveryStreamName"], "s");
  EXPECT_EQ(aws::crypto::base64_decode(body["Records"][0]["Data"].get<std::string>()),
            "aaaa\nbbbb\n");
}

TEST(OutgoingBatch, ARecordWithoutTrailingNewlineIsNeverPackedWithTheNext) {
  OutgoingBatch b("s", 1000);
  ASSERT_TRUE(b.add(1, "no newline"));
  ASSERT_TRUE(b.add(2, "next\n"));
  ASSERT_TRUE(b.add(3, "more\n"));
  ASSERT_EQ(b.firehose_records(), 2u);
  EXPECT_EQ(b.records()[0].data, "no newline");
  EXPECT_EQ(b.records()[1].data, "next\nmore\n");
}

TEST(OutgoingBatch, NeverExceedsFourMebibytesEncoded) {
  OutgoingBatch b("s", 0);
  const std::string big(1'000'000, 'z');
  std::uint64_t seq = 0;
  while (b.add(++seq, big)) {
  }
  EXPECT_LE(b.body().size(), aws::max_batch_body_bytes);
  EXPECT_EQ(b.firehose_records(), 3u);  // 4 x 1,333,336 base64 bytes would pass 4 MiB
}

TEST(OutgoingBatch, PackedRecordsStayWithinTheFirehoseRecordLimit) {
  OutgoingBatch b("s", 5'000'000);  // clamped to 1,024,000
  std::uint64_t seq = 0;
  const std::string l = line(1000);
  while (b.add(++seq, l)) {
  }
  for (const auto& r : b.records()) {
    EXPECT_LE(r.data.size(), aws::max_record_data_bytes);
  }
  EXPECT_LE(b.body().size(), aws::max_batch_body_bytes);
}

TEST(OutgoingBatch, SubsetAndSplitKeepRecordsAndSizes) {
  OutgoingBatch b("s", 0);
  for (std::uint64_t i = 1; i <= 5; ++i) {
    b.add(i, line(10 * i));
  }
  const OutgoingBatch sub = b.subset({1, 3});
  ASSERT_EQ(sub.firehose_records(), 2u);
  EXPECT_EQ(sub.records()[0].seqs.front(), 2u);
  EXPECT_EQ(sub.records()[1].seqs.front(), 4u);
  EXPECT_EQ(sub.encoded_bytes(), sub.body().size());
  auto [first, second] = b.split();
  EXPECT_EQ(first.firehose_records(), 2u);
  EXPECT_EQ(second.firehose_records(), 3u);
  EXPECT_EQ(second.encoded_bytes(), second.body().size());
}

// Records are encoded into the body as they are added, a packed record's last 0-2 bytes
// kept aside until it closes: the bytes must be exactly those PutRecordBatchBody makes of
// the whole records, after every add.
TEST(OutgoingBatch, TheBodyIsByteForByteWhatPutRecordBatchBodyMakesOfTheRecords) {
  std::mt19937 rng(15);
  for (std::uint64_t pack : {0ull, 1ull, 2ull, 5ull, 64ull, 1000ull}) {
    OutgoingBatch b("fleet-telemetry", pack);
    std::vector<std::string> model;  // the Firehose records the batch should hold
    bool open = false;
    for (std::uint64_t seq = 1; seq <= 300; ++seq) {
      std::string data(rng() % 10, '\0');
      for (char& c : data) {
        c = static_cast<char>(rng() % 256);
      }
      if (rng() % 4 != 0) {
        data += '\n';
      }
      const bool newline = !data.empty() && data.back() == '\n';
      if (pack > 0 && open && newline && model.back().size() + data.size() <= pack) {
        model.back() += data;
      } else {
        model.push_back(data);
        open = pack > 0 && newline;
      }
      ASSERT_TRUE(b.add(seq, data));
      aws::PutRecordBatchBody expected("fleet-telemetry");
      for (const std::string& r : model) {
        ASSERT_TRUE(expected.add(r));
      }
      ASSERT_EQ(b.body(), expected.finish()) << "pack " << pack << " after " << seq;
    }
    ASSERT_EQ(b.firehose_records(), model.size());
    for (std::size_t i = 0; i < model.size(); ++i) {
      EXPECT_EQ(b.record(i).data, model[i]);
      EXPECT_EQ(b.data_bytes(i), model[i].size());
    }
    const std::string body = b.body();
    EXPECT_EQ(*b.finish(), body);
  }
}

TEST(OutgoingBatch, FinishSharesTheBodyAndClosesTheBatch) {
  OutgoingBatch b("s", 1000);
  ASSERT_TRUE(b.add(1, "ab\n"));
  ASSERT_TRUE(b.add(2, "c\n"));
  const std::string expected = b.body();
  const auto body = b.finish();
  EXPECT_EQ(*body, expected);
  EXPECT_EQ(b.finish(), body);  // the same string: a resend sends it again
  EXPECT_FALSE(b.add(3, "d\n"));
  EXPECT_EQ(b.body(), expected);
  EXPECT_EQ(b.record(0).data, "ab\nc\n");
  EXPECT_EQ(b.record(0).seqs, (std::vector<std::uint64_t>{1, 2}));
}

TEST(OutgoingBatch, SequenceNumbersWithGapsStayInOrder) {
  OutgoingBatch b("s", 1000);
  for (std::uint64_t seq : {1, 2, 5, 6, 7, 9}) {
    ASSERT_TRUE(b.add(seq, "x\n"));
  }
  ASSERT_EQ(b.firehose_records(), 1u);
  EXPECT_EQ(b.seq_count(0), 6u);
  EXPECT_EQ(b.record(0).seqs, (std::vector<std::uint64_t>{1, 2, 5, 6, 7, 9}));
}

TEST(OutgoingBatch, SubsetOfTheOpenPackedRecordClosesItsCopy) {
  OutgoingBatch b("s", 1000);
  ASSERT_TRUE(b.add(1, "a\n"));
  ASSERT_TRUE(b.add(2, "bcde\n"));  // 7 bytes: one byte waits for its base64 group
  const OutgoingBatch sub = b.subset({0});
  EXPECT_EQ(sub.body(), b.body());
  EXPECT_EQ(sub.record(0).seqs, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(sub.encoded_bytes(), sub.body().size());
}

TEST(OutgoingBatch, ACopyHasABodyOfItsOwn) {
  OutgoingBatch b("s", 1000);
  ASSERT_TRUE(b.add(1, "a\n"));
  const std::string before = b.body();
  OutgoingBatch copy = b;
  ASSERT_TRUE(copy.add(2, "b\n"));
  EXPECT_EQ(b.body(), before);
  EXPECT_NE(copy.body(), before);
}

// A structural property, not a size: the next batch is built in the buffer of a delivered
// one, but never in a body someone still holds.
TEST(OutgoingBatch, ADeliveredBodysBufferIsReusedOnlyWhenNoOneElseHoldsIt) {
  OutgoingBatch held("s", 0);
  ASSERT_TRUE(held.add(1, "one\n"));
  const auto kept = held.finish();
  const std::string kept_text = *kept;
  EXPECT_EQ(held.take_buffer(), nullptr);
  EXPECT_EQ(*kept, kept_text);

  OutgoingBatch done("s", 0);
  ASSERT_TRUE(done.add(2, "two\n"));
  const char* storage = done.finish()->data();
  OutgoingBatch::Buffer buffer = done.take_buffer();
  ASSERT_NE(buffer, nullptr);
  EXPECT_TRUE(done.empty());
  EXPECT_GE(buffer->capacity(), aws::max_batch_body_bytes);
  OutgoingBatch next("s", 0, std::move(buffer));
  ASSERT_TRUE(next.add(3, "three\n"));
  const auto body = next.finish();
  EXPECT_EQ(body->data(), storage);
  EXPECT_EQ(aws::crypto::base64_decode(
                nlohmann::json::parse(*body)["Records"][0]["Data"].get<std::string>()),
            "three\n");
}

}  // namespace
}  // namespace canhose::delivery
