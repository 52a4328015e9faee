#include "delivery/outgoing_batch.hpp"

#include <algorithm>

#include "aws/crypto.hpp"
#include "aws/put_record_batch_body.hpp"

namespace canhose::delivery {
namespace {
// PutRecordBatchBody's framing: {"DeliveryStreamName":"s","Records":[{"Data":"..."},...]}
constexpr std::string_view kRecordOpen = "{\"Data\":\"";
constexpr std::string_view kRecordClose = "\"}";
constexpr std::string_view kBodyClose = "]}";

std::uint64_t whole_steps(std::uint64_t bytes) {
  return bytes / billing_step_bytes * billing_step_bytes;
}
}  // namespace

OutgoingBatch::OutgoingBatch(std::string stream, std::uint64_t pack_bytes, Buffer buffer)
    : stream_(std::move(stream)),
      pack_bytes_(std::min<std::uint64_t>(
          pack_bytes >= billing_step_bytes ? whole_steps(pack_bytes) : pack_bytes,
          aws::max_record_data_bytes)),
      body_(std::move(buffer)),
      empty_body_bytes_(aws::PutRecordBatchBody(stream_).size()) {
  if (body_) {
    body_->clear();
  }
}

OutgoingBatch::OutgoingBatch(const OutgoingBatch& other)
    : stream_(other.stream_),
      pack_bytes_(other.pack_bytes_),
      body_(other.body_ ? std::make_shared<std::string>(*other.body_) : nullptr),
      entries_(other.entries_),
      runs_(other.runs_),
      tail_(other.tail_),
      tail_size_(other.tail_size_),
      empty_body_bytes_(other.empty_body_bytes_),
      records_bytes_(other.records_bytes_),
      queue_records_(other.queue_records_),
      payload_bytes_(other.payload_bytes_),
      last_open_(other.last_open_),
      finished_(other.finished_),
      open_lines_(other.open_lines_),
      cut_bytes_(other.cut_bytes_),
      cut_lines_(other.cut_lines_),
      after_cut_(other.after_cut_) {}

OutgoingBatch& OutgoingBatch::operator=(const OutgoingBatch& other) {
  if (this != &other) {
    *this = OutgoingBatch(other);
  }
  return *this;
}

std::size_t OutgoingBatch::encoded_bytes() const {
  // encoded_record_size counts a ',' before every record; the first has none.
  return empty_body_bytes_ + records_bytes_ - (entries_.empty() ? 0 : 1);
}

void OutgoingBatch::start_body(std::size_t reserve) {
  if (!body_) {
    body_ = std::make_shared<std::string>();
  }
  if (body_->empty()) {
    body_->reserve(reserve);
    const std::string empty = aws::PutRecordBatchBody(stream_).finish();
    body_->assign(empty, 0, empty.size() - kBodyClose.size());
  }
}

bool OutgoingBatch::add(std::uint64_t seq, std::string_view data, Clock::time_point since) {
  if (finished_) {
    return false;
  }
  const bool newline_ended = !data.empty() && data.back() == '\n';
  if (pack_bytes_ > 0 && last_open_ && newline_ended &&
      entries_.back().data_bytes + data.size() <= pack_bytes_) {
    Entry& last = entries_.back();
    const std::size_t grown =
        aws::PutRecordBatchBody::encoded_record_size(last.data_bytes + data.size()) -
        aws::PutRecordBatchBody::encoded_record_size(last.data_bytes);
    if (encoded_bytes() + grown > aws::max_batch_body_bytes) {
      return false;
    }
    records_bytes_ += grown;
    track_steps(last.data_bytes, last.data_bytes + data.size(), open_lines_ + 1, since);
    encode(data);
    last.data_bytes += data.size();
    ++open_lines_;
    add_seq(seq, false);
  } else {
    const std::size_t cost =
        aws::PutRecordBatchBody::encoded_record_size(data.size()) - (entries_.empty() ? 1 : 0);
    if (entries_.size() >= aws::max_batch_records || data.size() > aws::max_record_data_bytes ||
        encoded_bytes() + cost > aws::max_batch_body_bytes) {
      return false;
    }
    if (last_open_) {
      close_open_record();
    }
    // The whole request's room at once: a body growing by doubling would reallocate and,
    // for a moment, hold two copies.
    start_body(aws::max_batch_body_bytes);
    std::string& body = *body_;
    if (!entries_.empty()) {
      body += ',';
    }
    entries_.push_back(Entry{body.size(), 0, data.size(), runs_.size()});
    body += kRecordOpen;
    records_bytes_ += aws::PutRecordBatchBody::encoded_record_size(data.size());
    encode(data);
    add_seq(seq, true);
    // A record without a final newline is never packed with the next one: the lines
    // would run together in S3.
    last_open_ = pack_bytes_ > 0 && newline_ended;
    open_lines_ = 1;
    cut_bytes_ = 0;
    cut_lines_ = 0;
    after_cut_.clear();
    if (last_open_) {
      track_steps(0, data.size(), 1, since);
    } else {
      close_open_record();
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
  if (finished_ || !last_open_ || entries_.empty()) {
    return tail;
  }
  const std::size_t size = entries_.back().data_bytes;
  if (cut_bytes_ == size || (cut_lines_ == 0 && entries_.size() == 1)) {
    close_open_record();
    return tail;
  }
  // Only the base64 from the group that holds the cut on is decoded (the lines past the
  // cut, and the 0-2 bytes before it in that group): the whole steps before it stay
  // encoded in the body, which is cut back to them.
  const std::size_t index = entries_.size() - 1;
  const Entry open = entries_.back();
  const std::size_t groups = cut_bytes_ / 3;
  const std::size_t offset = groups * 3;  // the record's byte that `rest` starts with
  const std::size_t from = open.begin + kRecordOpen.size() + groups * 4;
  std::string rest =
      aws::crypto::base64_decode(std::string_view(*body_).substr(from, open.end - from))
          .value();  // our own encoding, whole groups (the last 0-2 bytes are in tail_)
  rest.append(tail_.data(), tail_size_);
  std::vector<std::uint64_t> seqs;
  seqs.reserve(seq_count(index));
  for_each_seq(index, [&seqs](std::uint64_t seq) { seqs.push_back(seq); });
  std::size_t begin = cut_bytes_;
  for (std::size_t i = 0; i < after_cut_.size(); ++i) {
    const std::size_t end = after_cut_[i].end;
    tail.push_back(
        Line{seqs[cut_lines_ + i], rest.substr(begin - offset, end - begin), after_cut_[i].since});
    begin = end;
  }
  records_bytes_ -= aws::PutRecordBatchBody::encoded_record_size(size);
  queue_records_ -= seqs.size() - cut_lines_;
  payload_bytes_ -= size - cut_bytes_;
  runs_.resize(open.first_run);
  if (cut_lines_ == 0) {
    // All of it goes back, and its ',' with it.
    entries_.pop_back();
    body_->resize(entries_.empty() ? open.begin : open.begin - 1);
    tail_size_ = 0;
    last_open_ = false;
  } else {
    // The whole steps stay, closed.
    body_->resize(from);
    tail_size_ = cut_bytes_ - offset;
    std::copy_n(rest.data(), tail_size_, tail_.data());
    entries_.back().end = from;
    entries_.back().data_bytes = cut_bytes_;
    for (std::size_t i = 0; i < cut_lines_; ++i) {
      add_seq(seqs[i], i == 0);
    }
    close_open_record();
    records_bytes_ += aws::PutRecordBatchBody::encoded_record_size(cut_bytes_);
  }
  after_cut_.clear();
  return tail;
}

void OutgoingBatch::encode(std::string_view data) {
  std::string& body = *body_;
  if (tail_size_ > 0) {
    // Complete the group the previous line left unfinished.
    const std::size_t take = std::min(3 - tail_size_, data.size());
    std::array<char, 3> group{};
    std::copy_n(tail_.data(), tail_size_, group.data());
    std::copy_n(data.data(), take, group.data() + tail_size_);
    data.remove_prefix(take);
    if (tail_size_ + take < 3) {  // still not a whole group (data was 1 byte)
      tail_size_ += take;
      std::copy_n(group.data(), tail_size_, tail_.data());
      return;
    }
    aws::crypto::base64_encode_append({group.data(), 3}, body);
    tail_size_ = 0;
  }
  const std::size_t whole = data.size() / 3 * 3;  // base64 of whole groups has no padding
  aws::crypto::base64_encode_append(data.substr(0, whole), body);
  tail_size_ = data.size() - whole;
  std::copy_n(data.data() + whole, tail_size_, tail_.data());
  entries_.back().end = body.size();
}

void OutgoingBatch::close_open_record() {
  std::string& body = *body_;
  aws::crypto::base64_encode_append({tail_.data(), tail_size_}, body);
  tail_size_ = 0;
  body += kRecordClose;
  entries_.back().end = body.size();
  last_open_ = false;
}

void OutgoingBatch::add_seq(std::uint64_t seq, bool new_record) {
  if (!new_record && runs_.back().first + runs_.back().count == seq) {
    ++runs_.back().count;
  } else {
    runs_.push_back(Run{seq, 1});
  }
}

std::size_t OutgoingBatch::seq_count(std::size_t i) const {
  std::size_t n = 0;
  for (std::size_t r = entries_.at(i).first_run; r < runs_end(i); ++r) {
    n += runs_[r].count;
  }
  return n;
}

void OutgoingBatch::append_record_json(std::size_t i, std::string& out) const {
  const Entry& e = entries_.at(i);
  out.append(*body_, e.begin, e.end - e.begin);
  if (last_open_ && i + 1 == entries_.size()) {
    aws::crypto::base64_encode_append({tail_.data(), tail_size_}, out);
    out += kRecordClose;
  }
}

FirehoseRecord OutgoingBatch::record(std::size_t i) const {
  std::string json;
  append_record_json(i, json);
  const std::string_view base64 = std::string_view(json).substr(
      kRecordOpen.size(), json.size() - kRecordOpen.size() - kRecordClose.size());
  FirehoseRecord r;
  r.data = aws::crypto::base64_decode(base64).value();  // our own encoding
  r.seqs.reserve(seq_count(i));
  for_each_seq(i, [&r](std::uint64_t seq) { r.seqs.push_back(seq); });
  return r;
}

std::vector<FirehoseRecord> OutgoingBatch::records() const {
  std::vector<FirehoseRecord> out;
  out.reserve(entries_.size());
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    out.push_back(record(i));
  }
  return out;
}

std::string OutgoingBatch::body() const {
  if (!body_ || body_->empty()) {
    return aws::PutRecordBatchBody(stream_).finish();
  }
  std::string out = *body_;
  if (!finished_) {
    if (last_open_) {
      aws::crypto::base64_encode_append({tail_.data(), tail_size_}, out);
      out += kRecordClose;
    }
    out += kBodyClose;
  }
  return out;
}

std::shared_ptr<const std::string> OutgoingBatch::finish() {
  if (!finished_) {
    start_body(empty_body_bytes_);  // an empty batch: just the head
    if (last_open_) {
      close_open_record();
    }
    *body_ += kBodyClose;
    finished_ = true;
  }
  return body_;
}

OutgoingBatch::Buffer OutgoingBatch::take_buffer() {
  Buffer buffer = std::move(body_);
  *this = OutgoingBatch(std::move(stream_), pack_bytes_);
  if (!buffer || buffer.use_count() != 1) {
    return nullptr;
  }
  buffer->clear();
  return buffer;
}

OutgoingBatch OutgoingBatch::subset(const std::vector<std::size_t>& indices) const {
  OutgoingBatch out(stream_, 0);
  out.pack_bytes_ = pack_bytes_;
  if (indices.empty()) {
    return out;
  }
  std::size_t bytes = empty_body_bytes_;
  for (std::size_t i : indices) {
    bytes += aws::PutRecordBatchBody::encoded_record_size(entries_.at(i).data_bytes);
  }
  out.start_body(bytes);
  std::string& body = *out.body_;
  for (std::size_t i : indices) {
    const Entry& e = entries_.at(i);
    if (!out.entries_.empty()) {
      body += ',';
    }
    out.entries_.push_back(Entry{body.size(), 0, e.data_bytes, out.runs_.size()});
    append_record_json(i, body);
    out.entries_.back().end = body.size();
    out.runs_.insert(out.runs_.end(), runs_.begin() + static_cast<std::ptrdiff_t>(e.first_run),
                     runs_.begin() + static_cast<std::ptrdiff_t>(runs_end(i)));
    out.records_bytes_ += aws::PutRecordBatchBody::encoded_record_size(e.data_bytes);
    out.queue_records_ += seq_count(i);
    out.payload_bytes_ += e.data_bytes;
  }
  return out;  // closed: a resent batch takes no new records
}

std::pair<OutgoingBatch, OutgoingBatch> OutgoingBatch::split() const {
  std::vector<std::size_t> first;
  std::vector<std::size_t> second;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    (i < entries_.size() / 2 ? first : second).push_back(i);
  }
  return {subset(first), subset(second)};
}

}  // namespace canhose::delivery
