// The SNS subject and message and the alerts.stream JSON lines made from an alert.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "alerting/alert_text.hpp"
#include "aws/sns_api.hpp"
#include "unit/alerting/sample_alert.hpp"

namespace canhose::alerting {
namespace {

using testing::kSecond;
// 2026-12-08T01:02:03.456Z
constexpr std::int64_t kRaised = 1'796'691'723'456'000'000;

alerts::Alert bus_off() {
  alerts::Alert a = testing::sample_alert("bus_off", kRaised, "CAN bus went bus-off 4 times");
  a.first_event_ns = kRaised - 240 * kSecond;
  return a;
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80           ? 1
                          : (c >> 5) == 0x6  ? 2
                          : (c >> 4) == 0xE  ? 3
                          : (c >> 3) == 0x1E ? 4
                                             : 0;
    if (n == 0 || i + n > s.size()) {
      return false;
    }
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
        return false;
      }
    }
    i += n;
  }
  return true;
}

TEST(AlertText, TimesAreIso8601UtcWithMilliseconds) {
  EXPECT_EQ(iso8601_ms(kRaised), "2026-12-08T01:02:03.456Z");
  EXPECT_EQ(iso8601_ms(kRaised + 999'999), "2026-12-08T01:02:03.456Z");
  EXPECT_EQ(iso8601_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso8601_ms(-1), "1969-12-31T23:59:59.999Z");
}

TEST(AlertText, SpansAreForPeople) {
  EXPECT_EQ(human_span(300 * kSecond), "5min");
  EXPECT_EQ(human_span(90 * kSecond), "1min 30s");
  EXPECT_EQ(human_span((2 * 3600 + 3 * 60 + 17) * kSecond), "2h 3min");
  EXPECT_EQ(human_span((3 * 86400 + 4 * 3600) * kSecond), "3d 4h");
  EXPECT_EQ(human_span(45 * kSecond + 500'000'000), "45s");
  EXPECT_EQ(human_span(250'000'000), "250ms");
  EXPECT_EQ(human_span(-5), "0s");
}

TEST(AlertText, SubjectNamesSeverityRuleAndVehicle) {
  const SnsAlertText text = sns_text(bus_off(), "truck-17", kRaised, kRaised + kSecond);
  EXPECT_EQ(text.subject, "canhose critical: bus_off on truck-17");
}

TEST(AlertText, SubjectIsShortPrintableAsciiWhateverTheNames) {
  alerts::Alert a = bus_off();
  a.rule = "harsh\nbraking " + std::string(200, 'r');
  const SnsAlertText text = sns_text(a,
                                     "Lkw-Stra\xC3\x9F"
                                     "e\t17",
                                     kRaised, kRaised);
  EXPECT_LE(text.subject.size(), aws::sns_max_subject_chars);
  for (const char c : text.subject) {
    EXPECT_TRUE(c >= 0x20 && c <= 0x7E) << "character " << static_cast<int>(c);
  }
  EXPECT_EQ(text.subject.rfind("canhose critical: harsh braking rrr", 0), 0u) << text.subject;
  EXPECT_EQ(text.subject.substr(text.subject.size() - 3), "...");
  EXPECT_EQ(sns_text(bus_off(),
                     "Stra\xC3\x9F"
                     "e",
                     kRaised, kRaised)
                .subject,
            "canhose critical: bus_off on Stra?e");
}

TEST(AlertText, MessageNamesVehicleRuleCountWindowTimesAndPosition) {
  const SnsAlertText text = sns_text(bus_off(), "truck-17", kRaised, kRaised + 30 * kSecond);
  const std::string& m = text.message;
  EXPECT_NE(m.find("Vehicle:     truck-17\n"), std::string::npos) << m;
  EXPECT_NE(m.find("Rule:        bus_off\n"), std::string::npos) << m;
  EXPECT_NE(m.find("Severity:    critical\n"), std::string::npos) << m;
  EXPECT_NE(m.find("Events:      4 events within 5min\n"), std::string::npos) << m;
  EXPECT_NE(m.find("First event: 2026-12-08T00:58:03.456Z\n"), std::string::npos) << m;
  EXPECT_NE(m.find("Raised at:   2026-12-08T01:02:03.456Z\n"), std::string::npos) << m;
  EXPECT_NE(m.find("Position:    52.52000, 13.40500\n"), std::string::npos) << m;
  EXPECT_NE(m.find("CAN bus went bus-off 4 times\n"), std::string::npos) << m;
  EXPECT_EQ(m.find("delayed"), std::string::npos) << "sent within a minute: no delay line";
}

TEST(AlertText, ARuleWithoutAWindowSaysNoWindow) {
  alerts::Alert a = bus_off();
  a.count = 1;
  a.window_ns = 0;
  const std::string m = sns_text(a, "truck-17", kRaised, kRaised).message;
  EXPECT_NE(m.find("Events:      1 event\n"), std::string::npos) << m;
}

TEST(AlertText, AnUnknownPositionIsSaid) {
  alerts::Alert a = bus_off();
  a.position.reset();
  EXPECT_NE(
      sns_text(a, "truck-17", kRaised, kRaised).message.find("Position:    position unknown\n"),
      std::string::npos);
}

TEST(AlertText, AnAlertSentLateSaysWhenItWasRaisedAndSent) {
  const std::int64_t sent = kRaised + (2 * 3600 + 3 * 60) * kSecond;
  const std::string m = sns_text(bus_off(), "truck-17", kRaised, sent).message;
  EXPECT_NE(m.find("raised at 2026-12-08T01:02:03.456Z, sent at 2026-12-08T03:05:03.456Z "
                   "(delayed by 2h 3min: "),
            std::string::npos)
      << m;
  // Exactly at the limit: not yet.
  EXPECT_EQ(
      sns_text(bus_off(), "truck-17", kRaised, kRaised + kDelayNoteAfterNs).message.find("delayed"),
      std::string::npos);
}

// A replay with the log's timestamps raises alerts with last year's data time: sent at once,
// it waited on the vehicle for nothing, and the message must not claim otherwise.
TEST(AlertText, TheDelayIsWallClockTimeInTheOutboxNotTheAgeOfTheData) {
  const std::int64_t now = kRaised + 400LL * 86400 * kSecond;
  EXPECT_EQ(sns_text(bus_off(), "truck-17", now - kSecond, now).message.find("delayed"),
            std::string::npos);
  EXPECT_NE(
      sns_text(bus_off(), "truck-17", now - 3 * 3600 * kSecond, now).message.find("(delayed by 3h"),
      std::string::npos);
}

TEST(AlertText, ALongMessageIsCutOnACharacterBoundary) {
  alerts::Alert a = bus_off();
  a.message.clear();
  for (int i = 0; i < 200'000; ++i) {
    a.message += "\xC3\xA9";  // é: two bytes each, 400,000 in all
  }
  a.message += "x";
  const std::string m = sns_text(a, "truck-17", kRaised, kRaised).message;
  EXPECT_LE(m.size(), aws::sns_max_message_bytes);
  EXPECT_GT(m.size(), aws::sns_max_message_bytes - 1000);
  EXPECT_TRUE(valid_utf8(m));
  EXPECT_EQ(m.rfind("canhose alert on truck-17: bus_off (critical)\n", 0), 0u);
}

TEST(AlertText, EventRecordIsOneJsonLine) {
  alerts::Event e;
  e.rule = "harsh_braking";
  e.time_ns = kRaised;
  e.events_in_window = 2;
  const std::string line = event_record(e, "truck-17");
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  const nlohmann::json j = nlohmann::json::parse(line);
  EXPECT_EQ(j, nlohmann::json::parse(R"({"type":"event","vehicle":"truck-17",
    "rule":"harsh_braking","time":"2026-12-08T01:02:03.456Z","events_in_window":2})"));
}

TEST(AlertText, AlertRecordParsesBackWithEveryField) {
  const std::string line = alert_record(bus_off(), "truck-17");
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  const nlohmann::json j = nlohmann::json::parse(line);
  EXPECT_EQ(j.at("type"), "alert");
  EXPECT_EQ(j.at("vehicle"), "truck-17");
  EXPECT_EQ(j.at("rule"), "bus_off");
  EXPECT_EQ(j.at("severity"), "critical");
  EXPECT_EQ(j.at("time"), "2026-12-08T01:02:03.456Z");
  EXPECT_EQ(j.at("first_event"), "2026-12-08T00:58:03.456Z");
  EXPECT_EQ(j.at("count"), 4);
  EXPECT_EQ(j.at("within_s"), 300);
  EXPECT_EQ(j.at("message"), "CAN bus went bus-off 4 times");
  EXPECT_DOUBLE_EQ(j.at("lat").get<double>(), 52.52);
  EXPECT_DOUBLE_EQ(j.at("lon").get<double>(), 13.405);
}

TEST(AlertText, AlertRecordLeavesOutAnUnknownPositionAndSurvivesBadBytes) {
  alerts::Alert a = bus_off();
  a.position.reset();
  a.window_ns = 2'500'000'000;
  a.message = "bad \xFF byte";
  const nlohmann::json j = nlohmann::json::parse(alert_record(a, "truck\xC3"));
  EXPECT_FALSE(j.contains("lat"));
  EXPECT_FALSE(j.contains("lon"));
  EXPECT_DOUBLE_EQ(j.at("within_s").get<double>(), 2.5);
  EXPECT_EQ(j.at("message"), "bad \xEF\xBF\xBD byte");
  EXPECT_EQ(j.at("vehicle"), "truck\xEF\xBF\xBD");
}

}  // namespace
}  // namespace canhose::alerting
