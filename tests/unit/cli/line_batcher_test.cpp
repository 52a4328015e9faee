#include "cli/line_batcher.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <thread>

#include "support/temp_dir.hpp"

namespace canhose::cli {
namespace {

using namespace std::chrono_literals;

// The batcher over a real file holding `contents`.
class FileInput {
 public:
  explicit FileInput(std::string_view contents)
      : fd_(::open(dir_.write("input.txt", contents).c_str(), O_RDONLY | O_CLOEXEC)) {}
  ~FileInput() { ::close(fd_); }
  int fd() const { return fd_; }

 private:
  test::TempDir dir_;
  int fd_;
};

std::vector<LineBatch> all_batches(LineBatcher& batcher) {
  std::vector<LineBatch> out;
  LineBatch batch;
  while (batcher.next(batch)) {
    out.push_back(batch);
  }
  EXPECT_TRUE(batch.records.empty());
  return out;
}

std::string lines(std::size_t count, std::size_t bytes_each) {
  std::string text;
  for (std::size_t i = 0; i < count; ++i) {
    text += std::string(bytes_each, static_cast<char>('a' + i % 26)) + "\n";
  }
  return text;
}

TEST(LineBatcher, EachLineIsARecordWithItsNewlineAtMost500ACall) {
  std::string text;
  for (int i = 1; i <= 1201; ++i) {
    text += "record " + std::to_string(i) + "\n";
  }
  FileInput input(text);
  LineBatcher batcher(input.fd(), {});
  const auto batches = all_batches(batcher);
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0].records.size(), 500u);
  EXPECT_EQ(batches[1].records.size(), 500u);
  EXPECT_EQ(batches[2].records.size(), 201u);
  EXPECT_EQ(batches[0].record(0), "record 1\n");
  EXPECT_EQ(batches[1].record(0), "record 501\n");
  EXPECT_EQ(batches[1].records[0].line, 501u);
  EXPECT_EQ(batches[2].record(200), "record 1201\n");
  EXPECT_EQ(batches[2].records[200].line, 1201u);
  EXPECT_EQ(batcher.lines_read(), 1201u);
  EXPECT_FALSE(batcher.error());
}

TEST(LineBatcher, ARequestBodyStaysWithinFourMiBBase64AndJsonIncluded) {
  // Records of 100,000 bytes: 31 fit a 4 MiB body once base64-encoded (41 would as raw data).
  const std::string stream = "edge-gw";
  FileInput input(lines(100, 99'999));
  LineBatchLimits limits;
  limits.body_overhead_bytes = aws::PutRecordBatchBody(stream).size();
  LineBatcher batcher(input.fd(), limits);
  const auto batches = all_batches(batcher);
  std::size_t records = 0;
  for (std::size_t b = 0; b < batches.size(); ++b) {
    aws::PutRecordBatchBody body(stream);
    for (std::size_t i = 0; i < batches[b].records.size(); ++i) {
      ASSERT_TRUE(body.add(batches[b].record(i))) << "batch " << b << " record " << i;
    }
    EXPECT_LE(body.size(), 4u * 1024 * 1024);
    if (b + 1 < batches.size()) {  // full: the next batch's first record would not fit
      EXPECT_FALSE(body.fits(batches[b + 1].records[0].size)) << "batch " << b;
    }
    records += batches[b].records.size();
  }
  EXPECT_EQ(batches.front().records.size(), 31u);
  EXPECT_EQ(records, 100u);
}

TEST(LineBatcher, ALineOverTheRecordLimitIsAnErrorNamingItAfterTheRecordsBeforeIt) {
  // A record is the line and its newline: 1,023,999 bytes of line is the largest.
  const std::string largest(1'023'999, 'x');
  FileInput input("one\ntwo\n" + largest + "\nthree\n" + std::string(1'024'000, 'y') + "\nnever\n");
  LineBatcher batcher(input.fd(), {});
  LineBatch batch;
  ASSERT_TRUE(batcher.next(batch));
  ASSERT_EQ(batch.records.size(), 4u);
  EXPECT_EQ(batch.record(2).size(), 1'024'000u);
  EXPECT_EQ(batch.record(3), "three\n");
  EXPECT_FALSE(batcher.next(batch)) << "the records before it came first";
  EXPECT_TRUE(batch.records.empty());
  ASSERT_TRUE(batcher.error());
  EXPECT_EQ(batcher.error()->line, 5u);
  EXPECT_EQ(batcher.error()->message,
            "line 5 is longer than 1023999 bytes: a record (the line and its newline) is at "
            "most 1024000 bytes");
  EXPECT_FALSE(batcher.next(batch)) << "it stays stopped";
}

TEST(LineBatcher, ALastLineWithoutNewlineGetsOne) {
  FileInput input("first\nlast");
  LineBatcher batcher(input.fd(), {});
  const auto batches = all_batches(batcher);
  ASSERT_EQ(batches.size(), 1u);
  ASSERT_EQ(batches[0].records.size(), 2u);
  EXPECT_EQ(batches[0].record(1), "last\n");
  EXPECT_EQ(batches[0].data, "first\nlast\n");
}

TEST(LineBatcher, EmptyLinesAreSkippedAndCountedOtherBytesKeptAsRead) {
  FileInput input("\n\nalpha\n\nbeta\r\n \n\n");
  LineBatcher batcher(input.fd(), {});
  const auto batches = all_batches(batcher);
  ASSERT_EQ(batches.size(), 1u);
  ASSERT_EQ(batches[0].records.size(), 3u);
  EXPECT_EQ(batches[0].record(0), "alpha\n");
  EXPECT_EQ(batches[0].records[0].line, 3u);
  EXPECT_EQ(batches[0].record(1), "beta\r\n");
  EXPECT_EQ(batches[0].records[1].line, 5u);
  EXPECT_EQ(batches[0].record(2), " \n") << "a blank is not empty";
  EXPECT_EQ(batcher.lines_read(), 7u);
  EXPECT_EQ(batcher.empty_lines(), 4u);
}

TEST(LineBatcher, NoInputNoBatch) {
  FileInput input("");
  LineBatcher batcher(input.fd(), {});
  LineBatch batch;
  EXPECT_FALSE(batcher.next(batch));
  EXPECT_FALSE(batcher.error());
  EXPECT_EQ(batcher.lines_read(), 0u);
}

TEST(LineBatcher, ARecordThatFitsNoRequestOfTheBodyLimitIsAnError) {
  // canhosed's ingest.max_body_bytes set below what one record needs.
  FileInput input("short\n" + std::string(2000, 'z') + "\n");
  LineBatchLimits limits;
  limits.max_body_bytes = 1000;
  LineBatcher batcher(input.fd(), limits);
  LineBatch batch;
  ASSERT_TRUE(batcher.next(batch));
  EXPECT_EQ(batch.records.size(), 1u);
  EXPECT_FALSE(batcher.next(batch));
  ASSERT_TRUE(batcher.error());
  EXPECT_EQ(batcher.error()->line, 2u);
  EXPECT_NE(batcher.error()->message.find("line 2 (2001 bytes with its newline) does not fit"),
            std::string::npos)
      << batcher.error()->message;
}

TEST(LineBatcher, WhenAPipePausesWhatCameBeforeGoesOutAfterTheLinger) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  LineBatchLimits limits;
  limits.linger = 100ms;
  LineBatcher batcher(fds[0], limits);
  const std::string first = "a\nb\npart";
  ASSERT_EQ(::write(fds[1], first.data(), first.size()), static_cast<ssize_t>(first.size()));
  LineBatch batch;
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(batcher.next(batch));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 100ms);
  EXPECT_EQ(batch.data, "a\nb\n") << "the line still arriving stays for the next batch";

  std::thread writer([&] {
    std::this_thread::sleep_for(300ms);  // longer than the linger: an empty batch waits
    const std::string rest = "ial\nc\n";
    EXPECT_EQ(::write(fds[1], rest.data(), rest.size()), static_cast<ssize_t>(rest.size()));
    ::close(fds[1]);
  });
  ASSERT_TRUE(batcher.next(batch));
  writer.join();
  EXPECT_EQ(batch.data, "partial\nc\n");
  EXPECT_EQ(batch.records[1].line, 4u);
  EXPECT_FALSE(batcher.next(batch));
  EXPECT_FALSE(batcher.error());
  ::close(fds[0]);
}

}  // namespace
}  // namespace canhose::cli
