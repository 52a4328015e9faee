#pragma once
// The small XML reader for the answers of AWS Query-protocol services (SNS): a document
// becomes a tree of elements with their decoded text. Those answers are a few hundred
// bytes of plain elements (PublishResponse, ErrorResponse), so a tree is cheap and the
// callers read it by path.
//
// What it accepts (XML 1.0 as AWS and the proxies in front of it write it):
// - an optional UTF-8 byte order mark, XML declaration, comments and processing
//   instructions around the root element;
// - elements with attributes (values quoted with ' or ", checked and dropped: nothing
//   canhose reads is in an attribute, namespace declarations included), empty-element
//   tags, CDATA sections;
// - the predefined entities &amp; &lt; &gt; &quot; &apos; and character references
//   (&#65; &#x41;) for code points XML allows, decoded to UTF-8.
// What it refuses, with a message saying what and at which byte: a document type
// declaration (no DTD, so no entity may expand: a "billion laughs" body is refused at
// once), other entities, a '<' or '&' out of place, mismatched or unclosed tags, text
// or a second element after the root, nesting deeper than max_depth, more than
// max_elements elements, a NUL byte.
// Names are kept as written, prefix included; XmlElement::child() matches the local
// name (the part after ':'), so "sns:MessageId" and "MessageId" are the same element.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace canhose::aws {

struct XmlElement {
  std::string name;  // as written: "PublishResponse", "sns:MessageId"
  // The decoded character data directly inside this element (the pieces between its
  // children joined), whitespace kept.
  std::string text;
  std::vector<XmlElement> children;

  // The name after its prefix: "MessageId" for "sns:MessageId".
  std::string_view local_name() const;
  // The first child with this local name, or nullptr.
  const XmlElement* child(std::string_view local_name) const;
  // How many children have this local name.
  std::size_t count(std::string_view local_name) const;
};

struct XmlParseResult {
  XmlElement root;
  std::string error;  // empty when the document was well-formed
  bool ok() const { return error.empty(); }
};

inline constexpr std::size_t xml_max_depth = 32;
inline constexpr std::size_t xml_max_elements = 10'000;

XmlParseResult parse_xml(std::string_view document);

}  // namespace canhose::aws
