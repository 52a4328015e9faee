#include "obd/dtc.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "obd/pid_table.hpp"

namespace canhose::obd {
namespace {

MonitorStatus status_of(std::vector<std::uint8_t> data) {
  std::vector<std::uint8_t> payload{0x41, 0x01};
  payload.insert(payload.end(), data.begin(), data.end());
  const auto v = decode_mode01_response(pid_monitor_status, payload);
  EXPECT_TRUE(v.has_value());
  return decode_monitor_status(static_cast<std::uint8_t>(v ? v->value : 0));
}

TEST(MonitorStatus, BitSevenIsTheMilAndTheRestTheDtcCount) {
  const MonitorStatus on = status_of({0x83, 0x07, 0x65, 0x00});
  EXPECT_TRUE(on.mil);
  EXPECT_EQ(on.dtc_count, 3);
  const MonitorStatus off = status_of({0x00, 0x07, 0x65, 0x00});
  EXPECT_FALSE(off.mil);
  EXPECT_EQ(off.dtc_count, 0);
  // Counted but not lit (a pending emission fault the ECU does not flag), and the reverse.
  EXPECT_EQ(decode_monitor_status(0x02).mil, false);
  EXPECT_EQ(decode_monitor_status(0x02).dtc_count, 2);
  EXPECT_EQ(decode_monitor_status(0x80).mil, true);
  EXPECT_EQ(decode_monitor_status(0x80).dtc_count, 0);
  EXPECT_EQ(decode_monitor_status(0xFF).dtc_count, 127);
}

TEST(DtcText, TheTopTwoBitsAreTheSystemLetter) {
  EXPECT_EQ(dtc_text(0x0301), "P0301");
  EXPECT_EQ(dtc_text(0x4123), "C0123");
  EXPECT_EQ(dtc_text(0x9234), "B1234");
  EXPECT_EQ(dtc_text(0xC155), "U0155");
}

TEST(DtcText, TheNextTwoBitsAreTheFirstDigitAndTheRestHex) {
  EXPECT_EQ(dtc_text(0x1ABC), "P1ABC");
  EXPECT_EQ(dtc_text(0x2000), "P2000");
  EXPECT_EQ(dtc_text(0x3FFF), "P3FFF");
  EXPECT_EQ(dtc_text(0x7FFF), "C3FFF");
  EXPECT_EQ(dtc_text(0xBFFF), "B3FFF");
  EXPECT_EQ(dtc_text(0xFFFF), "U3FFF");
  EXPECT_EQ(dtc_text(0x0000), "P0000");
}

TEST(StoredDtcs, CountByteThenTwoBytesPerCode) {
  const std::vector<std::uint8_t> three{0x43, 0x03, 0x03, 0x01, 0x04, 0x20, 0x41, 0x23};
  const StoredDtcs r = parse_stored_dtcs(three);
  ASSERT_TRUE(r.codes) << r.error;
  EXPECT_EQ(*r.codes, (std::vector<std::uint16_t>{0x0301, 0x0420, 0x4123}));
}

TEST(StoredDtcs, NoneStoredIsAnEmptyListNotAnError) {
  const std::vector<std::uint8_t> none{0x43, 0x00};
  const StoredDtcs r = parse_stored_dtcs(none);
  ASSERT_TRUE(r.codes) << r.error;
  EXPECT_TRUE(r.codes->empty());
}

TEST(StoredDtcs, MalformedAnswersAreRejectedWithTheReason) {
  const auto error = [](std::vector<std::uint8_t> payload) {
    const StoredDtcs r = parse_stored_dtcs(payload);
    EXPECT_FALSE(r.codes);
    return r.error;
  };
  EXPECT_EQ(error({}), "not a mode 03 response");
  EXPECT_EQ(error({0x41, 0x01, 0x83}), "not a mode 03 response");
  EXPECT_EQ(error({0x43}), "no DTC count byte after 43");
  // An odd number of code bytes: a code cut in half.
  EXPECT_EQ(error({0x43, 0x02, 0x03, 0x01, 0x04}),
            "announces 2 DTCs (4 bytes) but carries 3 bytes");
  // A whole code missing, and one more than announced.
  EXPECT_EQ(error({0x43, 0x02, 0x03, 0x01}), "announces 2 DTCs (4 bytes) but carries 2 bytes");
  EXPECT_EQ(error({0x43, 0x01, 0x03, 0x01, 0x04, 0x20}),
            "announces 1 DTCs (2 bytes) but carries 4 bytes");
  // Without the CAN count byte (an older protocol's layout): 43 03 01 04 20 reads as
  // "3 codes" with 3 bytes.
  EXPECT_EQ(error({0x43, 0x03, 0x01, 0x04, 0x20}),
            "announces 3 DTCs (6 bytes) but carries 3 bytes");
}

TEST(DtcListText, CodesOfSeveralEcusMergeOnceEachInCodeOrder) {
  // Engine 7E8: P0420, C0123, P0301; transmission 7E9: P0700, P0301 (the same misfire).
  std::vector<std::uint16_t> codes{0x0420, 0x4123, 0x0301, 0x0700, 0x0301};
  EXPECT_EQ(dtc_list_text(codes), "P0301 P0420 P0700 C0123");
  // Code order is J2012's system order P, C, B, U, then the number.
  EXPECT_EQ(dtc_list_text({0xC155, 0x9234, 0x4123, 0x0301}), "P0301 C0123 B1234 U0155");
}

TEST(DtcListText, NoCodesIsEmptyAndPaddingIsNoCode) {
  EXPECT_EQ(dtc_list_text({}), "");
  EXPECT_EQ(dtc_list_text({0x0000}), "");
  EXPECT_EQ(dtc_list_text({0x0000, 0x0301, 0x0000}), "P0301");
}

}  // namespace
}  // namespace canhose::obd
