#include "aws/sns_api.hpp"

#include <algorithm>

#include "aws/sigv4_signer.hpp"
#include "aws/xml_document.hpp"

namespace canhose::aws {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
// a-z A-Z 0-9 and ASCII punctuation: every printable ASCII character but the space.
bool is_fifo_id_char(char c) {
  return c >= 0x21 && c <= 0x7e;
}

// The length of the UTF-8 sequence at `text[i]` that is well-formed and a character XML
// (hence the Query protocol's XML answers and SNS's deliveries) can carry; 0 if it is not.
std::size_t valid_sequence(std::string_view text, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (b0 < 0x80) {
    return (b0 >= 0x20 || b0 == '\t' || b0 == '\n' || b0 == '\r') ? 1 : 0;
  }
  std::size_t length = 0;
  std::uint32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
    cp = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    cp = b0 & 0x0Fu;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    cp = b0 & 0x07u;
  } else {
    return 0;
  }
  if (text.size() - i < length) {
    return 0;
  }
  for (std::size_t k = 1; k < length; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if ((b & 0xC0) != 0x80) {
      return 0;
    }
    cp = (cp << 6) | (b & 0x3Fu);
  }
  const bool overlong = (length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000);
  const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
  const bool non_character = cp == 0xFFFE || cp == 0xFFFF || cp > 0x10FFFF;
  return (overlong || surrogate || non_character) ? 0 : length;
}

// Skips the continuation bytes of a UTF-8 sequence starting at text[i]; returns the next
// index.
std::size_t skip_sequence(std::string_view text, std::size_t i) {
  ++i;
  while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) {
    ++i;
  }
  return i;
}

std::string fifo_id_problem(std::string_view name, std::string_view id) {
  if (id.empty() || id.size() > sns_max_fifo_id_chars) {
    return std::string(name) + " must have 1 to 128 characters";
  }
  if (!std::all_of(id.begin(), id.end(), is_fifo_id_char)) {
    return std::string(name) + " may hold only a-z, A-Z, 0-9 and punctuation";
  }
  return {};
}

void append_parameter(std::string& body, std::string_view name, std::string_view value) {
  if (!body.empty()) {
    body += '&';
  }
  body += name;
  body += '=';
  body += SigV4Signer::uri_encode(value, false);
}

SnsError malformed(std::string what) {
  SnsError e;
  e.kind = SnsErrorKind::malformed_response;
  e.http_status = 200;
  e.message = "PublishResponse: " + std::move(what);
  return e;
}

// The one child named `name`, or nullptr with `error` set when there are none or several.
const XmlElement* only_child(const XmlElement& parent, std::string_view name, SnsError& error) {
  const std::size_t n = parent.count(name);
  if (n != 1) {
    error = malformed(std::string(n == 0 ? "no " : "more than one ") + std::string(name) + " in " +
                      parent.name);
    return nullptr;
  }
  return parent.child(name);
}

// Element text without the indentation a pretty-printed answer puts around it.
std::string_view trim(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!text.empty() && space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

SnsTopicArnParse parse_topic_arn(std::string_view arn) {
  SnsTopicArnParse out;
  const auto fail = [&](std::string why) {
    out.error = "\"" + std::string(arn.substr(0, 300)) + "\" is not an SNS topic ARN: " + why +
                " (expected arn:aws:sns:<region>:<account>:<topic>)";
    return out;
  };
  std::string_view parts[6];
  std::string_view rest = arn;
  for (std::size_t i = 0; i < 5; ++i) {
    const auto colon = rest.find(':');
    if (colon == std::string_view::npos) {
      return fail("it has fewer than six ':'-separated parts");
    }
    parts[i] = rest.substr(0, colon);
    rest.remove_prefix(colon + 1);
  }
  parts[5] = rest;
  if (parts[0] != "arn") {
    return fail("it does not start with \"arn:\"");
  }
  const std::string_view partition = parts[1];
  const bool partition_ok =
      partition == "aws" || (partition.size() > 4 && partition.substr(0, 4) == "aws-" &&
                             std::all_of(partition.begin(), partition.end(), [](char c) {
                               return (c >= 'a' && c <= 'z') || c == '-';
                             }));
  if (!partition_ok) {
    return fail("unknown partition \"" + std::string(partition) + "\"");
  }
  if (parts[2] != "sns") {
    return fail("the service is \"" + std::string(parts[2]) + "\", not \"sns\"");
  }
  const std::string_view region = parts[3];
  if (region.empty() || !std::all_of(region.begin(), region.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-';
      })) {
    return fail("the region \"" + std::string(region) +
                "\" is not an AWS region such as eu-west-1");
  }
  const std::string_view account = parts[4];
  if (account.size() != 12 || !std::all_of(account.begin(), account.end(), is_digit)) {
    return fail("the account \"" + std::string(account) + "\" is not 12 digits");
  }
  std::string_view name = parts[5];
  const bool fifo = name.size() > 5 && name.substr(name.size() - 5) == ".fifo";
  const std::string_view base = fifo ? name.substr(0, name.size() - 5) : name;
  if (name.empty() || name.size() > 256 || base.empty() ||
      !std::all_of(base.begin(), base.end(),
                   [](char c) { return is_alnum(c) || c == '-' || c == '_'; })) {
    return fail(
        "a topic name has 1 to 256 letters, digits, '-' and '_' (a FIFO topic's ends in "
        "\".fifo\")");
  }
  out.topic.arn = std::string(arn);
  out.topic.partition = std::string(partition);
  out.topic.region = std::string(region);
  out.topic.account = std::string(account);
  out.topic.name = std::string(name);
  out.topic.fifo = fifo;
  return out;
}

std::optional<std::string> default_sns_endpoint(const SnsTopicArn& topic) {
  // The partitions' DNS suffixes, as botocore's partitions.json lists them.
  std::string_view suffix;
  if (topic.partition == "aws" || topic.partition == "aws-us-gov") {
    suffix = "amazonaws.com";
  } else if (topic.partition == "aws-cn") {
    suffix = "amazonaws.com.cn";
  } else if (topic.partition == "aws-iso") {
    suffix = "c2s.ic.gov";
  } else if (topic.partition == "aws-iso-b") {
    suffix = "sc2s.sgov.gov";
  } else {
    return std::nullopt;
  }
  return "https://sns." + topic.region + "." + std::string(suffix);
}

std::string make_valid_subject(std::string_view text) {
  std::string out;
  out.reserve(std::min(text.size(), sns_max_subject_chars + 1));
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    char c = '?';
    if (byte < 0x20 || byte == 0x7f) {
      c = ' ';  // line breaks, tabs and other control characters
    } else if (byte < 0x80) {
      c = static_cast<char>(byte);
    }
    i = byte < 0x80 ? i + 1 : skip_sequence(text, i);
    if (c == ' ' && (out.empty() || out.back() == ' ')) {
      continue;  // no leading space, no runs
    }
    out.push_back(c);
    if (out.size() > sns_max_subject_chars) {
      break;  // enough to know it must be cut
    }
  }
  if (out.size() > sns_max_subject_chars) {
    out.resize(sns_max_subject_chars - 3);
    while (!out.empty() && out.back() == ' ') {
      out.pop_back();
    }
    out += "...";
  }
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  return out;
}

std::string make_valid_message(std::string_view text) {
  static constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD
  std::string out;
  out.reserve(std::min(text.size(), sns_max_message_bytes));
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t length = valid_sequence(text, i);
    const std::size_t added = length == 0 ? replacement.size() : length;
    if (out.size() + added > sns_max_message_bytes) {
      break;
    }
    if (length == 0) {
      out += replacement;
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  if (i < text.size()) {
    // Cut: make room for the note at a character boundary.
    static constexpr std::string_view note = "\n[message cut: longer than SNS's 256 KiB]";
    std::size_t keep = sns_max_message_bytes - note.size();
    while (keep > 0 && (static_cast<unsigned char>(out[keep]) & 0xC0) == 0x80) {
      --keep;
    }
    out.resize(keep);
    out += note;
  }
  return out;
}

std::string make_valid_fifo_id(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size() && out.size() < sns_max_fifo_id_chars;) {
    const auto byte = static_cast<unsigned char>(text[i]);
    out.push_back(is_fifo_id_char(static_cast<char>(byte)) ? static_cast<char>(byte) : '_');
    i = byte < 0x80 ? i + 1 : skip_sequence(text, i);
  }
  return out;
}

SnsPublishBody build_publish_body(const SnsTopicArn& topic, const SnsPublishRequest& request) {
  SnsPublishBody out;
  const std::string message = make_valid_message(request.message);
  if (message.empty()) {
    out.error = "an SNS message cannot be empty";
    return out;
  }
  if (topic.fifo) {
    if (request.message_group_id.empty()) {
      out.error = "the FIFO topic " + topic.arn + " needs a MessageGroupId";
      return out;
    }
    out.error = fifo_id_problem("MessageGroupId", request.message_group_id);
    if (out.error.empty() && !request.message_deduplication_id.empty()) {
      out.error = fifo_id_problem("MessageDeduplicationId", request.message_deduplication_id);
    }
    if (!out.error.empty()) {
      return out;
    }
  }
  append_parameter(out.body, "Action", "Publish");
  append_parameter(out.body, "Version", sns_api_version);
  append_parameter(out.body, "TopicArn", topic.arn);
  append_parameter(out.body, "Message", message);
  const std::string subject = make_valid_subject(request.subject);
  if (!subject.empty()) {
    append_parameter(out.body, "Subject", subject);
  }
  if (topic.fifo) {
    append_parameter(out.body, "MessageGroupId", request.message_group_id);
    if (!request.message_deduplication_id.empty()) {
      append_parameter(out.body, "MessageDeduplicationId", request.message_deduplication_id);
    }
  }
  return out;
}

SnsOutcome<SnsPublishResult> parse_publish_response(std::string_view body) {
  SnsOutcome<SnsPublishResult> out;
  const XmlParseResult document = parse_xml(body);
  if (!document.ok()) {
    out.error = malformed("not well-formed XML (" + std::to_string(body.size()) +
                          " bytes; truncated?): " + document.error);
    return out;
  }
  if (document.root.local_name() != "PublishResponse") {
    out.error = malformed("the root element is <" + document.root.name.substr(0, 64) +
                          ">, not <PublishResponse>");
    return out;
  }
  const XmlElement* result = only_child(document.root, "PublishResult", out.error);
  if (result == nullptr) {
    return out;
  }
  const XmlElement* id = only_child(*result, "MessageId", out.error);
  if (id == nullptr) {
    return out;
  }
  const std::string_view message_id = trim(id->text);
  if (message_id.empty() || message_id.size() > 100 || !id->children.empty()) {
    out.error = malformed("MessageId is empty, longer than 100 characters or not text");
    return out;
  }
  out.value.message_id = std::string(message_id);
  if (const std::size_t n = result->count("SequenceNumber"); n > 0) {
    const std::string_view sequence = trim(result->child("SequenceNumber")->text);
    if (n > 1 || sequence.empty() || !std::all_of(sequence.begin(), sequence.end(), is_digit)) {
      out.error = malformed("SequenceNumber is repeated or not a number");
      out.value = {};
      return out;
    }
    out.value.sequence_number = std::string(sequence);
  }
  if (const XmlElement* metadata = document.root.child("ResponseMetadata")) {
    if (const XmlElement* request_id = metadata->child("RequestId")) {
      out.value.request_id = std::string(trim(request_id->text));
    }
  }
  return out;
}

}  // namespace canhose::aws
