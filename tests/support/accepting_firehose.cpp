#include "support/accepting_firehose.hpp"

namespace canhose::test {

std::size_t count_put_records(std::string_view body) {
  constexpr std::string_view kDataKey = R"({"Data":")";
  std::size_t count = 0;
  for (std::size_t at = body.find(kDataKey); at != std::string_view::npos;
       at = body.find(kDataKey, at + kDataKey.size())) {
    ++count;
  }
  return count;
}

std::string accepted_put_record_batch_response(std::size_t count) {
  std::string body = R"({"Encrypted":false,"FailedPutCount":0,"RequestResponses":[)";
  for (std::size_t i = 0; i < count; ++i) {
    if (i != 0) {
      body += ',';
    }
    body += R"({"RecordId":")";
    body += std::string(56, static_cast<char>('0' + i % 10));
    body += "\"}";
  }
  return body + "]}";
}

}  // namespace canhose::test
