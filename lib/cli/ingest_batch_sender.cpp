#include "cli/ingest_batch_sender.hpp"

#include <algorithm>
#include <thread>

#include "aws/firehose_api.hpp"
#include "aws/firehose_error.hpp"
#include "aws/put_record_batch_body.hpp"
#include "base/backoff.hpp"

namespace canhose::cli {
namespace {

using Result = IngestSendOutcome::Result;

// Only "slow down" and transient server trouble are worth the same bytes again; a refused
// signature or an unknown stream stays so (canhose put and canhosed share the clock).
bool worth_retrying(aws::FirehoseErrorKind kind) {
  return kind == aws::FirehoseErrorKind::throttled || kind == aws::FirehoseErrorKind::server;
}

std::string seconds(base::Duration d) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s", std::chrono::duration<double>(d).count());
  return text;
}

}  // namespace

IngestBatchSender::IngestBatchSender(IngestHttpClient& client, IngestBatchSenderOptions options)
    : client_(client),
      options_(std::move(options)),
      signer_(options_.region, std::string(aws::firehose_service)) {}

https::HttpRequest IngestBatchSender::signed_call(const LineBatch& batch,
                                                  const std::vector<std::size_t>& pending) {
  aws::PutRecordBatchBody body(options_.stream);
  for (const std::size_t i : pending) {
    body.add(batch.record(i));  // the batcher kept the batch within every limit
  }
  body_ = body.finish();
  https::HttpRequest request;
  request.method = "POST";
  request.path = "/";
  request.headers = {
      {"Host", client_.endpoint().host_header()},
      {"Content-Type", std::string(aws::firehose_content_type)},
      {"X-Amz-Target", std::string(aws::firehose_target_prefix) + ".PutRecordBatch"}};
  request.payload = body_;
  signer_.sign(request, options_.credentials, std::chrono::system_clock::now());
  request.set_header("User-Agent", "canhose-put/" CANHOSE_VERSION);
  return request;
}

IngestSendOutcome IngestBatchSender::send(const LineBatch& batch) {
  IngestSendOutcome outcome;
  std::vector<std::size_t> pending(batch.records.size());
  for (std::size_t i = 0; i < pending.size(); ++i) {
    pending[i] = i;
  }
  base::Backoff backoff(options_.backoff_base, options_.backoff_max);
  auto stalled_since = std::chrono::steady_clock::now();
  std::optional<std::size_t> last_accepted;  // index in the batch
  const auto finish = [&](Result result, std::string error) {
    outcome.result = result;
    outcome.error = std::move(error);
    if (!pending.empty()) {
      outcome.first_line_not_accepted = batch.records[pending.front()].line;
      outcome.later_accepted = last_accepted && *last_accepted > pending.front();
    }
    return outcome;
  };
  for (;;) {
    https::HttpRequest request = signed_call(batch, pending);
    const IngestReply reply = client_.exchange(request);
    ++calls_;
    std::string problem;
    Result kind = Result::refused;
    if (!reply.ok()) {
      outcome.failure = reply.failure;
      if (!answered_ || reply.failure == IngestReply::Failure::tls ||
          reply.failure == IngestReply::Failure::permission) {
        return finish(Result::unreachable, reply.error);
      }
      problem = reply.error;  // canhosed answered before: restarting, perhaps
      kind = Result::unreachable;
    } else if (reply.response.status != 200) {
      answered_ = true;
      const aws::FirehoseError error = aws::classify_error_response(reply.response);
      if (!worth_retrying(error.kind)) {
        return finish(Result::refused, error.describe());
      }
      problem = error.describe();
    } else {
      answered_ = true;
      const auto parsed = aws::parse_put_record_batch_response(reply.response.body, pending.size());
      if (!parsed.ok()) {
        return finish(Result::refused, "canhosed's answer: " + parsed.error.describe());
      }
      std::vector<std::size_t> refused;
      for (std::size_t k = 0; k < pending.size(); ++k) {
        const aws::RecordResult& r = parsed.value.records[k];
        if (r.ok()) {
          ++outcome.accepted;
          last_accepted = std::max(last_accepted.value_or(0), pending[k]);
          continue;
        }
        const std::string what = r.error_code + ": " + r.error_message;
        if (!worth_retrying(aws::kind_for_code(r.error_code, r.error_message, 200))) {
          pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(k));
          return finish(
              Result::refused,
              "line " + std::to_string(batch.records[pending.front()].line) + " refused: " + what);
        }
        refused.push_back(pending[k]);
        problem = what;
      }
      if (refused.size() < pending.size()) {  // progress: the window starts again
        backoff.reset();
        stalled_since = std::chrono::steady_clock::now();
      }
      const std::size_t refused_count = refused.size();
      pending = std::move(refused);
      if (pending.empty()) {
        return outcome;
      }
      problem = std::to_string(refused_count) + " of the " + std::to_string(batch.records.size()) +
                " records of lines " + std::to_string(batch.records.front().line) + "-" +
                std::to_string(batch.records.back().line) + " refused (" + problem + ")";
    }
    const auto waited = std::chrono::duration_cast<base::Duration>(
        std::chrono::steady_clock::now() - stalled_since);
    if (waited >= options_.retry_for) {
      return finish(kind, problem + "; gave up after retrying for " +
                              base::format_duration(options_.retry_for) + " (--retry-for)");
    }
    const base::Duration wait = std::min(backoff.next(), options_.retry_for - waited);
    if (options_.on_retry) {
      options_.on_retry(problem + "; again in " + seconds(wait));
    }
    std::this_thread::sleep_for(wait);
    ++retries_;
  }
}

}  // namespace canhose::cli
