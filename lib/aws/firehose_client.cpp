#include "aws/firehose_client.hpp"

#include "log/logger.hpp"

namespace canhose::aws {

namespace {

// Every field of an error may quote the server (and the server may quote our request).
void redact(FirehoseError& error, const ServerTextRedactor& redactor) {
  error.code = redactor.redact(error.code);
  error.message = redactor.redact(error.message);
  error.request_id = redactor.redact(error.request_id);
}

// The server's words inside a 200 response.
template <class T>
void redact_value(T&, const ServerTextRedactor&) {}
void redact_value(PutRecordBatchResult& result, const ServerTextRedactor& redactor) {
  for (RecordResult& record : result.records) {
    if (!record.ok()) {
      record.error_code = redactor.redact(record.error_code);
      record.error_message = redactor.redact(record.error_message);
    }
  }
}
void redact_value(DeliveryStreamDescription& description, const ServerTextRedactor& redactor) {
  description.failure_description = redactor.redact(description.failure_description);
}

template <class T, class Parse>
FirehoseClient::Finish typed(FirehoseClient::Callback<T> done, Parse parse) {
  return [done = std::move(done), parse](const FirehoseError& error, std::string_view body,
                                         const ServerTextRedactor& redactor) {
    if (!error.ok()) {
      FirehoseOutcome<T> out;
      out.error = error;
      done(std::move(out));
      return;
    }
    FirehoseOutcome<T> out = parse(body);
    redact(out.error, redactor);
    redact_value(out.value, redactor);
    done(std::move(out));
  };
}

}  // namespace

FirehoseClient::FirehoseClient(asio::any_io_executor executor, https::HttpTransport& transport,
                               CachedCredentials& credentials, ClockOffset& clock,
                               std::string region, https::Endpoint endpoint)
    : sender_(std::move(executor), transport, credentials, clock, std::move(region),
              std::string(firehose_service), std::move(endpoint)) {}

FirehoseClient::~FirehoseClient() = default;

void FirehoseClient::put_record_batch(std::string body, std::size_t record_count,
                                      Callback<PutRecordBatchResult> done) {
  put_record_batch(std::make_shared<const std::string>(std::move(body)), record_count,
                   std::move(done));
}

void FirehoseClient::put_record_batch(https::HttpTransport::SharedBody body,
                                      std::size_t record_count,
                                      Callback<PutRecordBatchResult> done) {
  invoke_redacted("PutRecordBatch", std::move(body),
                  typed<PutRecordBatchResult>(std::move(done), [record_count](std::string_view b) {
                    return parse_put_record_batch_response(b, record_count);
                  }));
}

void FirehoseClient::put_record(std::string_view stream_name, std::string_view data,
                                Callback<PutRecordResult> done) {
  invoke_redacted("PutRecord", build_put_record_body(stream_name, data),
                  typed<PutRecordResult>(std::move(done), parse_put_record_response));
}

void FirehoseClient::describe_delivery_stream(std::string_view stream_name,
                                              Callback<DeliveryStreamDescription> done) {
  invoke_redacted(
      "DescribeDeliveryStream", build_describe_delivery_stream_body(stream_name),
      typed<DeliveryStreamDescription>(std::move(done), parse_describe_delivery_stream_response));
}

void FirehoseClient::list_delivery_streams(const ListDeliveryStreamsRequest& request,
                                           Callback<ListDeliveryStreamsResult> done) {
  invoke_redacted(
      "ListDeliveryStreams", build_list_delivery_streams_body(request),
      typed<ListDeliveryStreamsResult>(std::move(done), parse_list_delivery_streams_response));
}

void FirehoseClient::create_delivery_stream(const CreateDeliveryStreamRequest& request,
                                            Callback<CreateDeliveryStreamResult> done) {
  invoke_redacted(
      "CreateDeliveryStream", build_create_delivery_stream_body(request),
      typed<CreateDeliveryStreamResult>(std::move(done), parse_create_delivery_stream_response));
}

void FirehoseClient::delete_delivery_stream(std::string_view stream_name, bool allow_force_delete,
                                            Callback<DeleteDeliveryStreamResult> done) {
  invoke_redacted(
      "DeleteDeliveryStream", build_delete_delivery_stream_body(stream_name, allow_force_delete),
      typed<DeleteDeliveryStreamResult>(std::move(done), parse_delete_delivery_stream_response));
}

void FirehoseClient::invoke(
    std::string_view operation, std::string body,
    std::function<void(const FirehoseError&, std::string_view, const ServerTextRedactor&)> finish) {
  invoke_redacted(operation, std::move(body), std::move(finish));
}

void FirehoseClient::invoke_redacted(std::string_view operation, std::string body, Finish finish) {
  invoke_redacted(operation, std::make_shared<const std::string>(std::move(body)),
                  std::move(finish));
}

void FirehoseClient::invoke_redacted(std::string_view operation,
                                     https::HttpTransport::SharedBody body, Finish finish) {
  SignedRequestSender::Request request;
  request.operation = std::string(operation);
  std::string target(firehose_target_prefix);
  target += '.';
  target += operation;
  request.headers = {{"Content-Type", std::string(firehose_content_type)},
                     {"X-Amz-Target", std::move(target)}};
  request.body = std::move(body);
  request.judge = [](const https::HttpResponse& response, const ServerTextRedactor& redactor) {
    const FirehoseError error = classify_error_response(response, redactor);
    SignedRequestSender::Judgement judgement;
    if (error.kind == FirehoseErrorKind::clock_skew) {
      judgement.verdict = SignedRequestSender::Verdict::clock_skew;
      judgement.reason = redactor.redact(error.message);
    } else if (error.kind == FirehoseErrorKind::expired_credentials ||
               error.kind == FirehoseErrorKind::auth) {
      judgement.verdict = SignedRequestSender::Verdict::refresh_credentials;
    }
    return judgement;
  };
  request.done = [operation = request.operation,
                  finish = std::move(finish)](SignedRequestSender::Result result) {
    FirehoseError error;
    std::string_view answer;  // the 200 body
    if (!result.credentials_error.empty()) {
      error.kind = FirehoseErrorKind::credentials;
      error.message =
          "no AWS credentials to sign " + operation + " with: " + result.credentials_error;
    } else if (!result.http.ok()) {
      error.kind = FirehoseErrorKind::transport;
      error.message = describe_transport_failure(result.http);
    } else if (result.http.response.status == 200) {
      answer = result.http.response.body;
    } else {
      error = classify_error_response(result.http.response, result.redactor);
    }
    // Every error reaching a caller has passed the redactor (see invoke()).
    redact(error, result.redactor);
    if (!error.ok()) {
      log::debug("aws", operation, ": ", error.describe());
    }
    finish(error, answer, result.redactor);
  };
  sender_.send(std::move(request));
}

}  // namespace canhose::aws
