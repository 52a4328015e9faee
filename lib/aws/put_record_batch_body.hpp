#pragma once
// Builds the JSON body of a PutRecordBatch request record by record, knowing its exact
// encoded size at every step, so a batcher can fill a request to Firehose's limits
// without encoding anything twice:
//
//   {"DeliveryStreamName":"edge-gw","Records":[{"Data":"<base64>"},{"Data":"<base64>"}]}
//
// Limits (Firehose quotas, checked by fits()):
//   at most 500 records per call;
//   at most 4 MiB (4,194,304 bytes) per call, counted on this encoded body - base64 and
//     JSON punctuation included, so a batch that fits here fits on the wire;
//   at most 1,000 KiB (1,024,000 bytes) of data per record, before base64.

#include <cstddef>
#include <string>
#include <string_view>

namespace canhose::aws {

inline constexpr std::size_t max_batch_records = 500;
inline constexpr std::size_t max_batch_body_bytes = 4 * 1024 * 1024;
inline constexpr std::size_t max_record_data_bytes = 1'024'000;

class PutRecordBatchBody {
 public:
  // `stream_name` must be a valid stream name (see validate_stream_name); it is JSON-
  // escaped regardless.
  explicit PutRecordBatchBody(std::string_view stream_name);

  // The body's size once finished, with the records added so far.
  std::size_t size() const { return text_.size() + closing_.size(); }
  std::size_t record_count() const { return records_; }
  // The finished size if one more record of `data_bytes` bytes were added.
  std::size_t size_with(std::size_t data_bytes) const;
  // Whether one more record of `data_bytes` bytes keeps the request within every limit.
  bool fits(std::size_t data_bytes) const;
  // Reserves room for a body of `bytes` (e.g. the batcher's target size), saving the
  // reallocations of a growing body.
  void reserve(std::size_t bytes) { text_.reserve(bytes); }
  // Adds a record; returns false (and adds nothing) if it would break a limit.
  bool add(std::string_view data);
  // Bytes one record of `data_bytes` adds to a body that already has a record.
  static std::size_t encoded_record_size(std::size_t data_bytes);

  // The complete body. The builder is spent afterwards: start a new one for the next batch.
  std::string finish();

 private:
  std::string text_;
  std::string closing_ = "]}";
  std::size_t records_ = 0;
};

}  // namespace canhose::aws
