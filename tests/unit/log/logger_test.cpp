#include "log/logger.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "base/secret.hpp"
#include "log/journal_sink.hpp"
#include "log/stderr_sink.hpp"
#include "support/temp_dir.hpp"

namespace canhose::log {
namespace {

struct CapturedLine {
  Severity severity;
  std::string component;
  std::string message;
  std::vector<std::pair<std::string, std::string>> fields;
};

class CapturingSink : public LogSink {
 public:
  void write(const LogRecord& r) override {
    CapturedLine line{r.severity, std::string(r.component), std::string(r.message), {}};
    for (const LogField& f : r.fields) {
      line.fields.emplace_back(f.name, f.value);
    }
    lines.push_back(std::move(line));
  }
  std::vector<CapturedLine> lines;
};

// A clock the tests move by hand, so rate-limit windows do not depend on how fast the
// machine (or qemu) runs the test.
std::chrono::steady_clock::time_point fake_now;
std::chrono::steady_clock::time_point fake_clock() {
  return fake_now;
}

class LoggerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sink_ = std::make_shared<CapturingSink>();
    logger().set_sink(sink_);
    logger().set_level(Severity::info);
    logger().set_rate_limit(2, std::chrono::hours(1));
    fake_now = std::chrono::steady_clock::time_point(std::chrono::hours(1000));
    logger().set_clock(&fake_clock);
  }
  void TearDown() override {
    logger().flush_all_suppressed();  // no window outlives its test
    logger().set_sink(std::make_shared<StderrSink>());
    logger().set_rate_limit(10, std::chrono::seconds(30));
    logger().set_clock(nullptr);
  }
  std::shared_ptr<CapturingSink> sink_;
};

TEST_F(LoggerTest, MessagesBelowTheLevelAreDropped) {
  debug("test", "hidden ", 1);
  info("test", "shown ", 2, " of ", 3.5);
  ASSERT_EQ(sink_->lines.size(), 1u);
  EXPECT_EQ(sink_->lines[0].message, "shown 2 of 3.5");
  EXPECT_EQ(sink_->lines[0].severity, Severity::info);
  EXPECT_EQ(sink_->lines[0].component, "test");
}

TEST_F(LoggerTest, RepeatedIdenticalMessagesAreRateLimited) {
  for (int i = 0; i < 5; ++i) {
    warning("queue", "disk full");
  }
  warning("queue", "another message");
  ASSERT_EQ(sink_->lines.size(), 3u);
  EXPECT_EQ(sink_->lines[0].message, "disk full");
  EXPECT_EQ(sink_->lines[1].message, "disk full");
  EXPECT_EQ(sink_->lines[2].message, "another message");
}

TEST_F(LoggerTest, SuppressedRepeatsAreCountedWhenTheWindowEnds) {
  logger().set_rate_limit(1, std::chrono::seconds(30));
  for (int i = 0; i < 4; ++i) {
    error("delivery", "stream not found");
  }
  fake_now += std::chrono::seconds(29);
  logger().flush_suppressed();
  ASSERT_EQ(sink_->lines.size(), 1u) << "the window is not over yet";
  fake_now += std::chrono::seconds(2);
  logger().flush_suppressed();
  ASSERT_EQ(sink_->lines.size(), 2u);
  EXPECT_EQ(sink_->lines[1].message, "stream not found; repeated 3 more times");
  EXPECT_EQ(sink_->lines[1].component, "delivery");
  EXPECT_EQ(sink_->lines[1].severity, Severity::error);
}

TEST_F(LoggerTest, AMessageAfterItsWindowFirstSaysHowOftenItRepeated) {
  logger().set_rate_limit(1, std::chrono::seconds(30));
  for (int i = 0; i < 3; ++i) {
    warning("queue", "record dropped: memory_full");
  }
  fake_now += std::chrono::seconds(31);
  warning("queue", "record dropped: memory_full");
  ASSERT_EQ(sink_->lines.size(), 3u);
  EXPECT_EQ(sink_->lines[1].message, "record dropped: memory_full; repeated 2 more times");
  EXPECT_EQ(sink_->lines[1].severity, Severity::warning);
  EXPECT_EQ(sink_->lines[2].message, "record dropped: memory_full");
}

TEST_F(LoggerTest, AtExitEveryCountIsReportedOpenWindowsToo) {
  logger().set_rate_limit(1, std::chrono::hours(1));
  for (int i = 0; i < 5; ++i) {
    warning("queue", "record dropped: memory_full");
  }
  info("queue", "said once");
  logger().flush_suppressed();
  ASSERT_EQ(sink_->lines.size(), 2u) << "the window is still open";
  logger().flush_all_suppressed();
  ASSERT_EQ(sink_->lines.size(), 3u);
  EXPECT_EQ(sink_->lines[2].message, "record dropped: memory_full; repeated 4 more times");
  logger().flush_all_suppressed();
  EXPECT_EQ(sink_->lines.size(), 3u) << "reported once";
}

// A Secret cannot be streamed into a log line: this must not compile, which the type
// system checks here at compile time.
template <class T>
concept Streamable = requires(std::ostringstream& os, const T& t) {
  os << t;
};
static_assert(!Streamable<base::Secret>, "a Secret must never be streamable into a log line");
static_assert(Streamable<std::string>);

TEST(StderrSink, WritesTimestampSeverityComponentAndMessage) {
  test::TempDir dir;
  const auto path = dir.path() / "out.txt";
  std::FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  StderrSink sink(f);
  sink.write(
      LogRecord{Severity::warning, "queue", "segment 3 ends in a torn record",
                std::chrono::system_clock::time_point(std::chrono::milliseconds(1764093600123))});
  std::fclose(f);
  EXPECT_EQ(test::read_file(path),
            "2025-11-25T18:00:00.123Z warning queue: segment 3 ends in a torn record\n");
}

TEST(JournalDetection, OnlyWhenJournalStreamMatchesStderr) {
  unsetenv("JOURNAL_STREAM");
  EXPECT_FALSE(stderr_is_journal());
  setenv("JOURNAL_STREAM", "1:2", 1);
  EXPECT_FALSE(stderr_is_journal());  // inherited from a parent, but stderr is something else
  struct stat st {};
  ASSERT_EQ(fstat(2, &st), 0);
  const std::string matching = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  setenv("JOURNAL_STREAM", matching.c_str(), 1);
  EXPECT_TRUE(stderr_is_journal());
  unsetenv("JOURNAL_STREAM");
}

TEST_F(LoggerTest, StructuredFieldsReachTheSinkButNotTheRepeatCount) {
  const std::array<LogField, 2> fields{LogField{"RULE", "harsh_braking"}, LogField{"COUNT", "4"}};
  for (int i = 0; i < 3; ++i) {
    logger().write(Severity::warning, "alerts", "alert harsh_braking", fields);
  }
  logger().flush_all_suppressed();
  ASSERT_EQ(sink_->lines.size(), 3u);  // two admitted, then the repeat count
  const std::vector<std::pair<std::string, std::string>> expected{{"RULE", "harsh_braking"},
                                                                  {"COUNT", "4"}};
  EXPECT_EQ(sink_->lines[0].fields, expected);
  EXPECT_EQ(sink_->lines[1].fields, expected);
  EXPECT_EQ(sink_->lines[2].message, "alert harsh_braking; repeated 1 more times");
  EXPECT_TRUE(sink_->lines[2].fields.empty());
}

TEST(JournalSink, EntryCarriesPriorityComponentAndPrefixedFields) {
  const std::array<LogField, 1> fields{LogField{"RULE", "bus_off"}};
  const LogRecord record{Severity::warning, "alerts", "alert bus_off",
                         std::chrono::system_clock::now(), fields};
  const std::vector<std::string> entry = journal_entry(record);
  const std::vector<std::string> expected{"MESSAGE=alert bus_off", "PRIORITY=4",
                                          "SYSLOG_IDENTIFIER=canhosed", "CANHOSE_COMPONENT=alerts",
                                          "CANHOSE_RULE=bus_off"};
  EXPECT_EQ(entry, expected);
}

}  // namespace
}  // namespace canhose::log
