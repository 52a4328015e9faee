// MappingReader::value_mark and error_at: where a value starts and whether it is plain,
// so a part can point at a character inside a value.

#include <gtest/gtest.h>

#include "base/mapping_reader.hpp"

namespace canhose::base {
namespace {

TEST(MappingReaderValueMarkTest, PlainQuotedAndBlockValues) {
  ReaderContext context("t.yaml");
  MappingReader r(context, YAML::Load("a: x > 1\nb:   \"x\"\nc: 'y'\nd: |\n  z\ne:\n"), "s", "s");
  const auto a = r.value_mark("a");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->mark.line, 0);
  EXPECT_EQ(a->mark.column, 3);
  EXPECT_TRUE(a->plain);
  const auto b = r.value_mark("b");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->mark.line, 1);
  EXPECT_EQ(b->mark.column, 5);  // at the quote
  EXPECT_FALSE(b->plain);
  EXPECT_FALSE(r.value_mark("c")->plain);
  const auto d = r.value_mark("d");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->mark.line, 3);
  EXPECT_FALSE(d->plain);
  EXPECT_FALSE(r.value_mark("e").has_value());  // null
  EXPECT_FALSE(r.value_mark("f").has_value());  // absent
  // Asking for a mark does not make a key known.
  std::string text;
  for (const char* k : {"a", "b", "c", "d", "e"}) {
    r.value(k, text);
  }
}

TEST(MappingReaderValueMarkTest, ErrorAtReportsTheGivenPosition) {
  ReaderContext context("t.yaml");
  {
    MappingReader r(context, YAML::Load("a: x > 1\n"), "s", "s");
    std::string text;
    r.value("a", text);
    YAML::Mark mark = r.value_mark("a")->mark;
    mark.column += 4;
    r.error_at(mark, "a", "bad");
  }
  ASSERT_EQ(context.errors().size(), 1u);
  EXPECT_EQ(context.errors()[0].to_string(), "t.yaml:1:8: s.a: bad");
}

}  // namespace
}  // namespace canhose::base
