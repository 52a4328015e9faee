#pragma once
// StreamDescriptionView: the fields `canhose streams` shows from a DescribeDeliveryStream
// response body, read from the JSON as the service sent it (the typed
// aws::DeliveryStreamDescription has no destination details). A field the body lacks
// reads as "-"; a body that is not JSON gives a view where every field is "-".

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace canhose::cli {

class StreamDescriptionView {
 public:
  explicit StreamDescriptionView(std::string_view response_body);

  std::string name() const;
  std::string status() const;
  std::string arn() const;
  std::string type() const;
  std::string created() const;  // "2026-11-25 20:47:46 UTC"
  bool has_s3_destination() const { return s3_ != nullptr; }
  std::string bucket() const;     // the bucket name from BucketARN
  std::string prefix() const;     // "(none: YYYY/MM/DD/HH/)" when empty
  std::string buffering() const;  // "2 MiB or 120 s, whichever comes first"
  std::string compression() const;
  std::string role_arn() const;
  // "server-side DISABLED; S3 objects not KMS-encrypted"
  std::string encryption() const;
  std::string failure() const;  // FailureDescription.Details, "" when there is none

 private:
  nlohmann::json body_;
  const nlohmann::json* description_ = nullptr;  // into body_
  const nlohmann::json* s3_ = nullptr;           // the first S3 destination, into body_
};

}  // namespace canhose::cli
