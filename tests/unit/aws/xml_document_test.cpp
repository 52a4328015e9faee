// The small XML reader behind the SNS answers: what it reads, and every malformed input it
// must refuse with a message instead of guessing.

#include "aws/xml_document.hpp"

#include <gtest/gtest.h>

namespace canhose::aws {
namespace {

TEST(XmlDocumentTest, ReadsAnSnsPublishResponseAsAWSSendsIt) {
  const auto doc = parse_xml(
      "<?xml version=\"1.0\"?>\n"
      "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">\n"
      "  <PublishResult>\n"
      "    <MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0</MessageId>\n"
      "  </PublishResult>\n"
      "  <ResponseMetadata>\n"
      "    <RequestId>d74b8436-ae13-5ab4-a9ff-ce54dfea72a0</RequestId>\n"
      "  </ResponseMetadata>\n"
      "</PublishResponse>\n");
  ASSERT_TRUE(doc.ok()) << doc.error;
  EXPECT_EQ(doc.root.name, "PublishResponse");
  ASSERT_EQ(doc.root.children.size(), 2u);
  const XmlElement* result = doc.root.child("PublishResult");
  ASSERT_NE(result, nullptr);
  ASSERT_NE(result->child("MessageId"), nullptr);
  EXPECT_EQ(result->child("MessageId")->text, "567910cd-659e-55d4-8ccb-5aaf14679dc0");
  EXPECT_EQ(doc.root.child("ResponseMetadata")->child("RequestId")->text,
            "d74b8436-ae13-5ab4-a9ff-ce54dfea72a0");
  EXPECT_EQ(doc.root.child("Missing"), nullptr);
}

TEST(XmlDocumentTest, DecodesPredefinedEntitiesAndCharacterReferences) {
  const auto doc = parse_xml(
      "<m>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#65;&#x42;"
      "&#xe9;&#x20AC;&#x1F697;</m>");
  ASSERT_TRUE(doc.ok()) << doc.error;
  EXPECT_EQ(doc.root.text, "a & b <c> \"d\" 'e' AB\xC3\xA9\xE2\x82\xAC\xF0\x9F\x9A\x97");
}

TEST(XmlDocumentTest, AcceptsCommentsCdataPrefixesEmptyElementsAndABom) {
  const auto doc = parse_xml(
      "\xEF\xBB\xBF<!-- before --><sns:R a='1' b = \"x&amp;y\"><!-- in --><e/>"
      "<t><![CDATA[<raw> & text]]></t><?pi data?></sns:R><!-- after -->\n");
  ASSERT_TRUE(doc.ok()) << doc.error;
  EXPECT_EQ(doc.root.name, "sns:R");
  EXPECT_EQ(doc.root.local_name(), "R");
  ASSERT_NE(doc.root.child("e"), nullptr);
  EXPECT_TRUE(doc.root.child("e")->text.empty());
  EXPECT_EQ(doc.root.child("t")->text, "<raw> & text");
  EXPECT_EQ(doc.root.count("e"), 1u);
}

TEST(XmlDocumentTest, RefusesMalformedDocumentsSayingWhere) {
  const struct {
    const char* body;
    const char* says;
  } cases[] = {
      {"", "empty document"},
      {"   ", "no root element"},
      {"text", "expected the root element"},
      {"<a>", "unclosed element <a>"},
      {"<a></b>", "</b> closes <a>"},
      {"<a><b></a></b>", "</a> closes <b>"},
      {"<a>x</a><b/>", "content after the root element"},
      {"<a>x</a>trailing", "content after the root element"},
      {"<a>&unknown;</a>", "unknown entity"},
      {"<a>&amp</a>", "'&' that does not start"},
      {"<a>a & b</a>", "'&' that does not start"},
      {"<a>&#0;</a>", "code point XML does not allow"},
      {"<a>&#xD800;</a>", "code point XML does not allow"},
      {"<a>&#x110000;</a>", "code point XML does not allow"},
      {"<a>&#9999999;</a>", "code point XML does not allow"},
      {"<a>&#0000000000000065;</a>", "'&' that does not start"},  // longer than any entity
      {"<a>&#x;</a>", "empty character reference"},
      {"<a>&#12a;</a>", "bad character reference"},
      {"<a b=1/>", "quoted attribute value"},
      {"<a b=\"1\"c=\"2\"/>", "expected whitespace"},
      {"<a b=\"<\"/>", "'<' inside an attribute value"},
      {"<a b=\"1/>", "unterminated attribute value"},
      {"<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", "document type declaration"},
      {"<a><!DOCTYPE b></a>", "a declaration inside an element"},
      {"<a><!-- x -- y --></a>", "\"--\" inside a comment"},
      {"<a><!-- x </a>", "unterminated comment"},
      {"<a><![CDATA[x</a>", "unterminated CDATA section"},
      {"<a>]]></a>", "\"]]>\" in text"},
      {"<a><?xml version=\"1.0\"?></a>", "only at the start"},
      {"<1a/>", "expected a name"},
      {"<a>\x01</a>", "not a valid UTF-8 XML character"},
      {"<a>\xC3</a>", "not a valid UTF-8 XML character"},
      {"<a>\xED\xA0\x80</a>", "not a valid UTF-8 XML character"},  // a UTF-8 surrogate
      {"<a>\xC0\xAF</a>", "not a valid UTF-8 XML character"},      // overlong
  };
  for (const auto& c : cases) {
    const auto doc = parse_xml(c.body);
    EXPECT_FALSE(doc.ok()) << c.body;
    EXPECT_NE(doc.error.find(c.says), std::string::npos) << c.body << " -> " << doc.error;
  }
}

TEST(XmlDocumentTest, ANulByteIsRefused) {
  const std::string body("<a>x\0y</a>", 10);
  const auto doc = parse_xml(body);
  EXPECT_FALSE(doc.ok());
  EXPECT_NE(doc.error.find("byte 4"), std::string::npos) << doc.error;
}

TEST(XmlDocumentTest, DepthAndElementCountAreBounded) {
  std::string deep;
  for (std::size_t i = 0; i < xml_max_depth; ++i) {
    deep += "<a>";
  }
  std::string closing;
  for (std::size_t i = 0; i < xml_max_depth; ++i) {
    closing += "</a>";
  }
  EXPECT_TRUE(parse_xml(deep + closing).ok());
  const auto too_deep = parse_xml("<a>" + deep + closing + "</a>");
  EXPECT_FALSE(too_deep.ok());
  EXPECT_NE(too_deep.error.find("nested deeper than 32"), std::string::npos) << too_deep.error;

  std::string wide = "<r>";
  for (std::size_t i = 0; i < xml_max_elements; ++i) {
    wide += "<e/>";
  }
  wide += "</r>";
  const auto too_many = parse_xml(wide);
  EXPECT_FALSE(too_many.ok());
  EXPECT_NE(too_many.error.find("more than 10000 elements"), std::string::npos) << too_many.error;
}

}  // namespace
}  // namespace canhose::aws
