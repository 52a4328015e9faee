#include "aws/xml_document.hpp"

#include <cstdint>

namespace canhose::aws {

std::string_view XmlElement::local_name() const {
  const std::string_view n = name;
  const auto colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

const XmlElement* XmlElement::child(std::string_view wanted) const {
  for (const XmlElement& c : children) {
    if (c.local_name() == wanted) {
      return &c;
    }
  }
  return nullptr;
}

std::size_t XmlElement::count(std::string_view wanted) const {
  std::size_t n = 0;
  for (const XmlElement& c : children) {
    n += c.local_name() == wanted ? 1 : 0;
  }
  return n;
}

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool is_name_start(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || u >= 0x80;
}

bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

// XML 1.0 "Char": the code points a document (or a character reference) may hold.
bool is_xml_char(std::uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

void append_utf8(std::uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// The offset of the first byte that is not well-formed UTF-8 or not an XML Char, or npos.
std::size_t first_bad_character(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    std::uint32_t cp = 0;
    std::size_t length = 0;
    if (b0 < 0x80) {
      cp = b0;
      length = 1;
    } else if (b0 >= 0xC2 && b0 <= 0xDF) {
      cp = b0 & 0x1Fu;
      length = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      cp = b0 & 0x0Fu;
      length = 3;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      cp = b0 & 0x07u;
      length = 4;
    } else {
      return i;
    }
    if (text.size() - i < length) {
      return i;
    }
    for (std::size_t k = 1; k < length; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      if ((b & 0xC0) != 0x80) {
        return i;
      }
      cp = (cp << 6) | (b & 0x3Fu);
    }
    // Overlong forms and surrogates are not well-formed UTF-8.
    const bool overlong = (length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000);
    if (overlong || !is_xml_char(cp)) {
      return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

class XmlParser {
 public:
  explicit XmlParser(std::string_view in) : in_(in) {}

  XmlParseResult run() {
    XmlParseResult result;
    if (in_.substr(0, 3) == "\xEF\xBB\xBF") {
      pos_ = 3;
    }
    if (const auto bad = first_bad_character(in_); bad != std::string_view::npos) {
      result.error = "byte " + std::to_string(bad) + " is not a valid UTF-8 XML character";
      return result;
    }
    if (at("<?xml") && pos_ + 5 < in_.size() && is_space(in_[pos_ + 5])) {
      if (!processing_instruction(true)) {
        result.error = error_;
        return result;
      }
    }
    if (!misc()) {
      result.error = error_;
      return result;
    }
    if (pos_ >= in_.size()) {
      result.error = in_.empty() ? "empty document" : "no root element";
      return result;
    }
    if (in_[pos_] != '<' || !element(result.root, 1) || !misc()) {
      result.error = error_.empty() ? fail_text("expected the root element") : error_;
      return result;
    }
    if (pos_ < in_.size()) {
      result.error = fail_text("content after the root element");
    }
    return result;
  }

 private:
  std::string fail_text(std::string_view what) const {
    return std::string(what) + " at byte " + std::to_string(pos_);
  }
  bool fail(std::string_view what) {
    if (error_.empty()) {
      error_ = fail_text(what);
    }
    return false;
  }
  bool at(std::string_view s) const { return in_.substr(pos_, s.size()) == s; }
  void skip_space() {
    while (pos_ < in_.size() && is_space(in_[pos_])) {
      ++pos_;
    }
  }

  // Whitespace, comments and processing instructions (outside the root element).
  bool misc() {
    for (;;) {
      skip_space();
      if (at("<!--")) {
        if (!comment()) {
          return false;
        }
      } else if (at("<?")) {
        if (!processing_instruction(false)) {
          return false;
        }
      } else if (at("<!")) {
        return fail("a document type declaration is not accepted");
      } else {
        return true;
      }
    }
  }

  bool comment() {
    pos_ += 4;
    const auto end = in_.find("--", pos_);
    if (end == std::string_view::npos) {
      return fail("unterminated comment");
    }
    if (end + 2 >= in_.size() || in_[end + 2] != '>') {
      pos_ = end;
      return fail("\"--\" inside a comment");
    }
    pos_ = end + 3;
    return true;
  }

  // `declaration`: the XML declaration at the very start; elsewhere a target "xml" (in
  // any case) is reserved and refused.
  bool processing_instruction(bool declaration) {
    pos_ += 2;
    const std::size_t target_start = pos_;
    if (pos_ >= in_.size() || !is_name_start(in_[pos_])) {
      return fail("expected a processing instruction target");
    }
    while (pos_ < in_.size() && is_name_char(in_[pos_])) {
      ++pos_;
    }
    const std::string_view target = in_.substr(target_start, pos_ - target_start);
    const bool reserved = target.size() == 3 && (target[0] | 0x20) == 'x' &&
                          (target[1] | 0x20) == 'm' && (target[2] | 0x20) == 'l';
    if (reserved && !declaration) {
      pos_ = target_start;
      return fail("an XML declaration is allowed only at the start");
    }
    const auto end = in_.find("?>", pos_);
    if (end == std::string_view::npos) {
      return fail("unterminated processing instruction");
    }
    pos_ = end + 2;
    return true;
  }

  bool name(std::string& out) {
    const std::size_t start = pos_;
    if (pos_ >= in_.size() || !is_name_start(in_[pos_])) {
      return fail("expected a name");
    }
    while (pos_ < in_.size() && is_name_char(in_[pos_])) {
      ++pos_;
    }
    out.assign(in_.substr(start, pos_ - start));
    return true;
  }

  // At '&': appends the decoded entity or character reference.
  bool reference(std::string& out) {
    const std::size_t start = pos_;
    const auto semicolon = in_.find(';', pos_);
    if (semicolon == std::string_view::npos || semicolon - pos_ > 12) {
      return fail("'&' that does not start an entity reference");
    }
    const std::string_view ref = in_.substr(pos_ + 1, semicolon - pos_ - 1);
    pos_ = semicolon + 1;
    if (ref == "amp") {
      out.push_back('&');
    } else if (ref == "lt") {
      out.push_back('<');
    } else if (ref == "gt") {
      out.push_back('>');
    } else if (ref == "quot") {
      out.push_back('"');
    } else if (ref == "apos") {
      out.push_back('\'');
    } else if (ref.size() >= 2 && ref[0] == '#') {
      const bool hex = ref[1] == 'x';
      const std::string_view digits = ref.substr(hex ? 2 : 1);
      if (digits.empty()) {
        pos_ = start;
        return fail("empty character reference");
      }
      std::uint32_t cp = 0;
      for (char c : digits) {
        std::uint32_t d = 0;
        if (c >= '0' && c <= '9') {
          d = static_cast<std::uint32_t>(c - '0');
        } else if (hex && c >= 'a' && c <= 'f') {
          d = static_cast<std::uint32_t>(c - 'a' + 10);
        } else if (hex && c >= 'A' && c <= 'F') {
          d = static_cast<std::uint32_t>(c - 'A' + 10);
        } else {
          pos_ = start;
          return fail("bad character reference");
        }
        cp = cp * (hex ? 16 : 10) + d;
        if (cp > 0x10FFFF) {
          break;  // at most 12 characters: cannot overflow before this check
        }
      }
      if (!is_xml_char(cp)) {
        pos_ = start;
        return fail("character reference to a code point XML does not allow");
      }
      append_utf8(cp, out);
    } else {
      pos_ = start;
      return fail("unknown entity (only &amp; &lt; &gt; &quot; &apos; and &#...; are accepted)");
    }
    return true;
  }

  bool attributes(bool& empty_element) {
    for (;;) {
      const std::size_t before_space = pos_;
      skip_space();
      if (at("/>")) {
        pos_ += 2;
        empty_element = true;
        return true;
      }
      if (at(">")) {
        ++pos_;
        empty_element = false;
        return true;
      }
      if (pos_ == before_space) {
        return fail("expected whitespace, '>' or '/>' in a start tag");
      }
      std::string attribute_name;
      if (!name(attribute_name)) {
        return false;
      }
      skip_space();
      if (!at("=")) {
        return fail("expected '=' after an attribute name");
      }
      ++pos_;
      skip_space();
      if (pos_ >= in_.size() || (in_[pos_] != '"' && in_[pos_] != '\'')) {
        return fail("expected a quoted attribute value");
      }
      const char quote = in_[pos_++];
      std::string ignored;
      for (;;) {
        if (pos_ >= in_.size()) {
          return fail("unterminated attribute value");
        }
        const char c = in_[pos_];
        if (c == quote) {
          ++pos_;
          break;
        }
        if (c == '<') {
          return fail("'<' inside an attribute value");
        }
        if (c == '&') {
          if (!reference(ignored)) {
            return false;
          }
        } else {
          ++pos_;
        }
      }
    }
  }

  // At '<' of a start tag.
  bool element(XmlElement& out, std::size_t depth) {
    if (depth > xml_max_depth) {
      return fail("elements nested deeper than " + std::to_string(xml_max_depth));
    }
    if (++elements_ > xml_max_elements) {
      return fail("more than " + std::to_string(xml_max_elements) + " elements");
    }
    ++pos_;
    if (!name(out.name)) {
      return false;
    }
    bool empty_element = false;
    if (!attributes(empty_element)) {
      return false;
    }
    if (empty_element) {
      return true;
    }
    for (;;) {
      if (pos_ >= in_.size()) {
        return fail("unclosed element <" + out.name + ">");
      }
      const char c = in_[pos_];
      if (c == '&') {
        if (!reference(out.text)) {
          return false;
        }
      } else if (c != '<') {
        if (at("]]>")) {
          return fail("\"]]>\" in text");
        }
        out.text.push_back(c);
        ++pos_;
      } else if (at("</")) {
        pos_ += 2;
        std::string closing;
        if (!name(closing)) {
          return false;
        }
        if (closing != out.name) {
          return fail("</" + closing + "> closes <" + out.name + ">");
        }
        skip_space();
        if (!at(">")) {
          return fail("expected '>' to end </" + closing + ">");
        }
        ++pos_;
        return true;
      } else if (at("<!--")) {
        if (!comment()) {
          return false;
        }
      } else if (at("<![CDATA[")) {
        pos_ += 9;
        const auto end = in_.find("]]>", pos_);
        if (end == std::string_view::npos) {
          return fail("unterminated CDATA section");
        }
        out.text.append(in_.substr(pos_, end - pos_));
        pos_ = end + 3;
      } else if (at("<?")) {
        if (!processing_instruction(false)) {
          return false;
        }
      } else if (at("<!")) {
        return fail("a declaration inside an element");
      } else {
        out.children.emplace_back();
        if (!element(out.children.back(), depth + 1)) {
          return false;
        }
      }
    }
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  std::size_t elements_ = 0;
  std::string error_;
};

}  // namespace

XmlParseResult parse_xml(std::string_view document) {
  return XmlParser(document).run();
}

}  // namespace canhose::aws
