#include "delivery/outgoing_batch.hpp"

#include <algorithm>

#include "aws/put_record_batch_body.hpp"

namespace canhose::delivery {

namespace {

std::uint64_t whole_steps(std::uint64_t bytes) {
  return bytes / billing_step_bytes * billing_step_bytes;
}

}  // namespace

OutgoingBatch::OutgoingBatch(std::string stream, std::uint64_t pack_bytes)
    : stream_(std::move(stream)),
      pack_bytes_(std::min<std::uint64_t>(
          pack_bytes >= billing_step_bytes ? whole_steps(pack_bytes) : pack_bytes,
          aws::max_record_data_bytes)),
      empty_body_bytes_(aws::PutRecordBatchBody(stream_).size()) {}

std::size_t OutgoingBatch::encoded_bytes() const {
  // encoded_record_size counts a ',' before every record; the first has none.
  return empty_body_bytes_ + records_bytes_ - (records_.empty() ? 0 : 1);
}

bool OutgoingBatch::add(std::uint64_t seq, std::string_view data, Clock::time_point since) {
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
    track_steps(last.data.size(), last.data.size() + data.size(), last.seqs.size() + 1, since);
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
    cut_bytes_ = 0;
    cut_lines_ = 0;
    after_cut_.clear();
    if (last_open_) {
      track_steps(0, data.size(), 1, since);
    }
  }
  ++queue_records_;
  payload_bytes_ += data.size();
  return true;
}

void OutgoingBatch::track_steps(std::size_t old_size, std::size_t new_size, std::size_t lines,
                                Clock::time_point since) {
  const std::uint64_t step_end = whole_steps(new_size);
  if (step_end <= whole_steps(old_size)) {
    after_cut_.push_back({static_cast<std::uint32_t>(new_size), since});
  } else if (new_size == step_end) {
    // The line ends exactly on a step.
    cut_bytes_ = new_size;
    cut_lines_ = lines;
    after_cut_.clear();
  } else {
    // The line crosses a step: the whole lines before it are the last within one.
    cut_bytes_ = old_size;
    cut_lines_ = lines - 1;
    after_cut_.assign(1, {static_cast<std::uint32_t>(new_size), since});
  }
}

std::vector<OutgoingBatch::Line> OutgoingBatch::take_partial_step() {
  std::vector<Line> tail;
  if (!last_open_ || records_.empty()) {
    return tail;
  }
  last_open_ = false;
  FirehoseRecord& last = records_.back();
  const std::size_t size = last.data.size();
  if (cut_bytes_ == size || (cut_lines_ == 0 && records_.size() == 1)) {
    return tail;
  }
  std::size_t begin = cut_bytes_;
  for (std::size_t i = 0; i < after_cut_.size(); ++i) {
    const std::size_t end = after_cut_[i].end;
    tail.push_back(
        Line{last.seqs[cut_lines_ + i], last.data.substr(begin, end - begin), after_cut_[i].since});
    begin = end;
  }
  records_bytes_ -= aws::PutRecordBatchBody::encoded_record_size(size);
  queue_records_ -= tail.size();
  payload_bytes_ -= size - cut_bytes_;
  if (cut_lines_ == 0) {
    records_.pop_back();
  } else {
    last.data.resize(cut_bytes_);
    last.seqs.resize(cut_lines_);
    records_bytes_ += aws::PutRecordBatchBody::encoded_record_size(cut_bytes_);
  }
  after_cut_.clear();
  return tail;
}

std::string OutgoingBatch::body() const {
  aws::PutRecordBatchBody body(stream_);
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
