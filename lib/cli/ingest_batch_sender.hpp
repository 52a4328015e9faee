#pragma once
// IngestBatchSender: `canhose put`'s PutRecordBatch calls to the local ingest endpoint,
// SigV4-signed (service "firehose"), with its retries:
// - records refused one by one in a 200 answer (FailedPutCount > 0; the queue is full:
//   ServiceUnavailableException) are sent again, only those, in their order;
// - a whole call answered 503 ServiceUnavailableException (every record refused, the
//   endpoint's body budget), another 5xx, or a connection lost after canhosed had answered
//   once (a restart) is sent again;
// both after a full-jitter backoff, until `retry_for` has passed without a record
// accepted. Anything else (an unknown stream, a refused signature, an invalid request) is
// final at once: retrying the same bytes cannot help. A record counts as accepted only
// with its RecordId: canhosed answers once it is durable in its queue.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "aws/credentials.hpp"
#include "aws/sigv4_signer.hpp"
#include "base/units.hpp"
#include "cli/ingest_http_client.hpp"
#include "cli/line_batcher.hpp"

namespace canhose::cli {

struct IngestBatchSenderOptions {
  std::string stream;  // DeliveryStreamName
  std::string region;  // of the signature's scope
  aws::Credentials credentials;
  base::Duration retry_for{60'000};
  base::Duration backoff_base{100};
  base::Duration backoff_max{5'000};
  // Told about each retry ("3 records refused (...); again in 0.4 s"); may be empty.
  std::function<void(const std::string&)> on_retry;
};

struct IngestSendOutcome {
  enum class Result {
    sent,         // every record of the batch was accepted
    refused,      // canhosed refused the call or records, finally or for too long
    unreachable,  // no answer from canhosed (before the first answer: at once)
  };
  Result result = Result::sent;
  std::string error;         // why, with the server's message; empty when sent
  std::size_t accepted = 0;  // records of the batch accepted
  // The input line of the first record not accepted (nullopt when sent).
  std::optional<std::uint64_t> first_line_not_accepted;
  bool later_accepted = false;  // a record after that line was accepted
  // Which connection failure (unreachable only), for the command's advice.
  IngestReply::Failure failure = IngestReply::Failure::none;
};

class IngestBatchSender {
 public:
  // `client` must outlive the sender.
  IngestBatchSender(IngestHttpClient& client, IngestBatchSenderOptions options);

  IngestSendOutcome send(const LineBatch& batch);

  std::uint64_t calls() const { return calls_; }
  std::uint64_t retries() const { return retries_; }

 private:
  // The signed PutRecordBatch of the `pending` records of `batch` (its body in body_).
  https::HttpRequest signed_call(const LineBatch& batch, const std::vector<std::size_t>& pending);

  IngestHttpClient& client_;
  IngestBatchSenderOptions options_;
  aws::SigV4Signer signer_;
  std::string body_;
  bool answered_ = false;  // canhosed answered a call of this run
  std::uint64_t calls_ = 0;
  std::uint64_t retries_ = 0;
};

}  // namespace canhose::cli
