#include "cli/stream_description_view.hpp"

#include "cli/status_report.hpp"

namespace canhose::cli {
namespace {

std::string text_of(const nlohmann::json* object, const char* key, const char* fallback = "-") {
  if (object == nullptr) {
    return fallback;
  }
  const auto it = object->find(key);
  return it != object->end() && it->is_string() ? it->get<std::string>() : std::string(fallback);
}

const nlohmann::json* object_in(const nlohmann::json* object, const char* key) {
  if (object == nullptr) {
    return nullptr;
  }
  const auto it = object->find(key);
  return it != object->end() && it->is_object() ? &*it : nullptr;
}

}  // namespace

StreamDescriptionView::StreamDescriptionView(std::string_view response_body)
    : body_(nlohmann::json::parse(response_body, nullptr, false)) {
  if (!body_.is_object()) {
    return;
  }
  description_ = object_in(&body_, "DeliveryStreamDescription");
  if (description_ == nullptr) {
    return;
  }
  const auto destinations = description_->find("Destinations");
  if (destinations == description_->end() || !destinations->is_array() || destinations->empty() ||
      !destinations->front().is_object()) {
    return;
  }
  const nlohmann::json* first = &destinations->front();
  s3_ = object_in(first, "ExtendedS3DestinationDescription");
  if (s3_ == nullptr) {
    s3_ = object_in(first, "S3DestinationDescription");
  }
}

std::string StreamDescriptionView::name() const {
  return text_of(description_, "DeliveryStreamName");
}
std::string StreamDescriptionView::status() const {
  return text_of(description_, "DeliveryStreamStatus", "?");
}
std::string StreamDescriptionView::arn() const {
  return text_of(description_, "DeliveryStreamARN");
}
std::string StreamDescriptionView::type() const {
  return text_of(description_, "DeliveryStreamType");
}

std::string StreamDescriptionView::created() const {
  if (description_ == nullptr) {
    return "-";
  }
  const auto it = description_->find("CreateTimestamp");
  return it != description_->end() && it->is_number() ? format_utc(it->get<double>()) : "-";
}

std::string StreamDescriptionView::bucket() const {
  // "arn:aws:s3:::fleet-telemetry" -> "fleet-telemetry".
  const std::string arn = text_of(s3_, "BucketARN");
  const std::string prefix = "arn:aws:s3:::";
  return arn.compare(0, prefix.size(), prefix) == 0 ? arn.substr(prefix.size()) : arn;
}

std::string StreamDescriptionView::prefix() const {
  const std::string p = text_of(s3_, "Prefix", "");
  return p.empty() ? "(none: YYYY/MM/DD/HH/)" : p;
}

std::string StreamDescriptionView::buffering() const {
  const nlohmann::json* hints = object_in(s3_, "BufferingHints");
  if (hints == nullptr) {
    return "-";
  }
  std::string text;
  const auto size = hints->find("SizeInMBs");
  if (size != hints->end() && size->is_number_integer()) {
    text += std::to_string(size->get<long long>()) + " MiB";
  }
  const auto interval = hints->find("IntervalInSeconds");
  if (interval != hints->end() && interval->is_number_integer()) {
    text += (text.empty() ? "" : " or ") + std::to_string(interval->get<long long>()) + " s";
  }
  return text.empty() ? "-" : text + ", whichever comes first";
}

std::string StreamDescriptionView::compression() const {
  return text_of(s3_, "CompressionFormat", "UNCOMPRESSED");
}
std::string StreamDescriptionView::role_arn() const {
  return text_of(s3_, "RoleARN");
}

std::string StreamDescriptionView::encryption() const {
  std::string text = "server-side ";
  if (const nlohmann::json* sse =
          object_in(description_, "DeliveryStreamEncryptionConfiguration")) {
    text += text_of(sse, "Status", "DISABLED");
    if (sse->contains("KeyType")) {
      text += " (" + text_of(sse, "KeyType") + ")";
    }
  } else {
    text += "DISABLED";
  }
  if (const nlohmann::json* s3_encryption = object_in(s3_, "EncryptionConfiguration")) {
    const nlohmann::json* kms = object_in(s3_encryption, "KMSEncryptionConfig");
    text += kms != nullptr ? "; S3 objects KMS " + text_of(kms, "AWSKMSKeyARN")
                           : "; S3 objects not KMS-encrypted";
  }
  return text;
}

std::string StreamDescriptionView::failure() const {
  return text_of(object_in(description_, "FailureDescription"), "Details", "");
}

}  // namespace canhose::cli
