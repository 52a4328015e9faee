#include "aws/put_record_batch_body.hpp"

#include <nlohmann/json.hpp>

#include "aws/crypto.hpp"

namespace canhose::aws {

namespace {
constexpr std::string_view record_open = "{\"Data\":\"";
constexpr std::string_view record_close = "\"}";
}  // namespace

PutRecordBatchBody::PutRecordBatchBody(std::string_view stream_name) {
  text_ = "{\"DeliveryStreamName\":";
  text_ += nlohmann::json(std::string(stream_name)).dump();
  text_ += ",\"Records\":[";
}

std::size_t PutRecordBatchBody::encoded_record_size(std::size_t data_bytes) {
  return 1 /* ',' */ + record_open.size() + crypto::base64_encoded_size(data_bytes) +
         record_close.size();
}

std::size_t PutRecordBatchBody::size_with(std::size_t data_bytes) const {
  // The first record has no ',' before it.
  return size() + encoded_record_size(data_bytes) - (records_ == 0 ? 1 : 0);
}

bool PutRecordBatchBody::fits(std::size_t data_bytes) const {
  return records_ < max_batch_records && data_bytes <= max_record_data_bytes &&
         size_with(data_bytes) <= max_batch_body_bytes;
}

bool PutRecordBatchBody::add(std::string_view data) {
  if (!fits(data.size())) {
    return false;
  }
  if (records_ > 0) {
    text_ += ',';
  }
  text_ += record_open;
  crypto::base64_encode_append(data, text_);
  text_ += record_close;
  ++records_;
  return true;
}

std::string PutRecordBatchBody::finish() {
  text_ += closing_;
  std::string out = std::move(text_);
  text_.clear();
  records_ = 0;
  return out;
}

}  // namespace canhose::aws
