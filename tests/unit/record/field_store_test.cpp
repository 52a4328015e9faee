#include "record/field_store.hpp"

#include <gtest/gtest.h>

#include <string>

namespace canhose::record {
namespace {

using namespace std::chrono_literals;

TEST(FieldStore, NumberBatchPublishesLikePublishWithAFieldValue) {
  FieldStore store;
  const FieldId speed = store.id_of("speed");
  const FieldId gear = store.id_of("gear");
  const FieldId rpm = store.id_of("rpm");
  store.publish(gear, FieldValue(std::string("D")));  // a string replaced by a number
  store.publish(rpm, FieldValue(std::int64_t{900}));  // an integer replaced by a double
  const auto t = FieldStore::Clock::now();
  {
    FieldStore::NumberBatch numbers = store.number_batch(t);
    numbers.publish(speed, 88.5);  // never published before
    numbers.publish(gear, 3.0);
    numbers.publish(rpm, 2500.25);
    numbers.publish(speed, 89.0);  // the latest value wins
    numbers.count(4);
  }
  EXPECT_EQ(store.publish_count(), 6u);
  ASSERT_NE(store.get(speed, t, 1s), nullptr);
  EXPECT_EQ(std::get<double>(*store.get(speed, t, 1s)), 89.0);
  EXPECT_EQ(std::get<double>(*store.get(gear, t, 1s)), 3.0);
  EXPECT_EQ(std::get<double>(*store.get(rpm, t, 1s)), 2500.25);
  // Stamped with the batch's time: expired 1 s later like any published value.
  EXPECT_EQ(store.get(speed, t + 2s, 1s), nullptr);
  store.clear(speed);
  EXPECT_EQ(store.get(speed, t, 1s), nullptr);
}

}  // namespace
}  // namespace canhose::record
