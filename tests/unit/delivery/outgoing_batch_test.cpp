#include "delivery/outgoing_batch.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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

}  // namespace
}  // namespace canhose::delivery
