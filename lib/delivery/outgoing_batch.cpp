#include "delivery/outgoing_batch.hpp"

#include <algorithm>

#include "aws/put_record_batch_body.hpp"

namespace canhose::delivery {

OutgoingBatch::OutgoingBatch(std::string stream, std::uint64_t pack_bytes)
    : stream_(std::move(stream)),
      pack_bytes_(std::min<std::uint64_t>(pack_bytes, aws::max_record_data_bytes)),
      empty_body_bytes_(aws::PutRecordBatchBody(stream_).size()) {}

std::size_t OutgoingBatch::encoded_bytes() const {
  // encoded_record_size counts a ',' before every record; the first has none.
  return empty_body_bytes_ + records_bytes_ - (records_.empty() ? 0 : 1);
}

bool OutgoingBatch::add(std::uint64_t seq, std::string_view data) {
  const bool newline_ended = !data.empty() && data.back() == '\n';
  if (pack_bytes_ > 0 && last_open_ && newline_ended &&
      records_.back().data.size() + data.size() <= pack_bytes_) {
    FirehoseRecord& last = records_.back();
    const std::size_t grown =
        aws::PutRecordBatchBody::encoded_record_size(last.data.size() + data.size()) -
        aws::PutRecordBatchBody::encoded_record_size(last.data.size());
    if (encoded_bytes() + grown > aws::max_batch_body_bytes) {
      return false;
    }
    records_bytes_ += grown;
    last.data.append(data);
    last.seqs.push_back(seq);
  } else {
    const std::size_t cost =
        aws::PutRecordBatchBody::encoded_record_size(data.size()) - (records_.empty() ? 1 : 0);
    if (records_.size() >= aws::max_batch_records || data.size() > aws::max_record_data_bytes ||
        encoded_bytes() + cost > aws::max_batch_body_bytes) {
      return false;
    }
    records_bytes_ += aws::PutRecordBatchBody::encoded_record_size(data.size());
    records_.push_back(FirehoseRecord{std::string(data), {seq}});
    // A record without a final newline is never packed with the next one: the lines
    // would run together in S3.
    last_open_ = pack_bytes_ > 0 && newline_ended;
  }
  ++queue_records_;
  payload_bytes_ += data.size();
  return true;
}

std::string OutgoingBatch::body() const {
  aws::PutRecordBatchBody body(stream_);
  body.reserve(encoded_bytes());  // exact: the body never grows (and copies) while built
  for (const FirehoseRecord& r : records_) {
    body.add(r.data);
  }
  return body.finish();
}

OutgoingBatch OutgoingBatch::subset(const std::vector<std::size_t>& indices) const {
  OutgoingBatch out(stream_, 0);
  out.pack_bytes_ = pack_bytes_;
  for (std::size_t i : indices) {
    const FirehoseRecord& r = records_.at(i);
    out.records_bytes_ += aws::PutRecordBatchBody::encoded_record_size(r.data.size());
    out.records_.push_back(r);
    out.queue_records_ += r.seqs.size();
    out.payload_bytes_ += r.data.size();
  }
  return out;  // closed: a resent batch takes no new records
}

std::pair<OutgoingBatch, OutgoingBatch> OutgoingBatch::split() const {
  std::vector<std::size_t> first;
  std::vector<std::size_t> second;
  for (std::size_t i = 0; i < records_.size(); ++i) {
    (i < records_.size() / 2 ? first : second).push_back(i);
  }
  return {subset(first), subset(second)};
}

}  // namespace canhose::delivery
