#include "aws/firehose_client.hpp"

#include "log/logger.hpp"

namespace canhose::aws {

namespace {

std::string_view phase_name(https::HttpPhase phase) {
  switch (phase) {
    case https::HttpPhase::none:
      return "request";
    case https::HttpPhase::resolve:
      return "DNS resolution";
    case https::HttpPhase::connect:
      return "connect";
    case https::HttpPhase::proxy:
      return "proxy CONNECT";
    case https::HttpPhase::tls_handshake:
      return "TLS handshake";
    case https::HttpPhase::write:
      return "sending the request";
    case https::HttpPhase::read:
      return "reading the response";
    case https::HttpPhase::timeout:
      return "timeout";
  }
  return "request";
}

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

struct FirehoseClient::Call {
  std::string operation;  // "PutRecordBatch"
  // Shared with the transport while a request is in flight; kept for a re-sign.
  https::HttpTransport::SharedBody body;
  bool resent_after_skew = false;
  // Knows the credentials the request was last signed with, so that a server quoting them
  // back does not put them in a log line; shape-based only until then.
  ServerTextRedactor redactor;
  Finish finish;
};

FirehoseClient::FirehoseClient(asio::any_io_executor executor, https::HttpTransport& transport,
                               CachedCredentials& credentials, ClockOffset& clock,
                               std::string region, https::Endpoint endpoint)
    : executor_(std::move(executor)),
      transport_(transport),
      credentials_(credentials),
      clock_(clock),
      endpoint_(std::move(endpoint)),
      host_header_(endpoint_.host_header()),
      signer_(std::move(region), std::string(firehose_service)),
      self_(std::make_shared<FirehoseClient*>(this)) {}

FirehoseClient::~FirehoseClient() {
  self_.reset();
}

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
  auto call = std::make_shared<Call>();
  call->operation = std::string(operation);
  call->body = body ? std::move(body) : std::make_shared<const std::string>();
  call->finish = std::move(finish);
  start(std::move(call));
}

void FirehoseClient::complete(const std::shared_ptr<Call>& call, FirehoseError error,
                              std::string_view body) {
  redact(error, call->redactor);
  if (!error.ok()) {
    log::debug("aws", call->operation, ": ", error.describe());
  }
  call->body.reset();  // the caller may reuse the buffer from `finish` on
  call->finish(error, body, call->redactor);
}

void FirehoseClient::start(std::shared_ptr<Call> call) {
  std::weak_ptr<FirehoseClient*> weak = self_;
  credentials_.get([weak, call](CredentialsResult result) {
    auto self = weak.lock();
    if (!self)
      return;
    FirehoseClient& client = **self;
    if (!result.ok()) {
      FirehoseError error;
      error.kind = FirehoseErrorKind::credentials;
      error.message = "no AWS credentials to sign " + call->operation + " with: " + result.message;
      client.fail_later(call, std::move(error));
      return;
    }
    client.send(call, result.credentials);
  });
}

void FirehoseClient::fail_later(const std::shared_ptr<Call>& call, FirehoseError error) {
  // Posted: a completion never runs inside the call that started the operation.
  std::weak_ptr<FirehoseClient*> weak = self_;
  asio::post(executor_, [weak, call, error = std::move(error)]() mutable {
    if (auto self = weak.lock()) {
      (*self)->complete(call, std::move(error), {});
    }
  });
}

void FirehoseClient::send(const std::shared_ptr<Call>& call, const Credentials& credentials) {
  https::HttpRequest request;
  request.method = "POST";
  request.path = "/";
  request.headers.reserve(6);
  request.headers.emplace_back("Host", host_header_);
  request.headers.emplace_back("Content-Type", std::string(firehose_content_type));
  std::string target(firehose_target_prefix);
  target += '.';
  target += call->operation;
  request.headers.emplace_back("X-Amz-Target", std::move(target));
  request.payload = *call->body;
  signer_.sign(request, credentials, clock_.now());
  call->redactor = ServerTextRedactor(credentials);
  log::debug("aws", call->operation, ": sending ", call->body->size(), " bytes to ", host_header_);
  std::weak_ptr<FirehoseClient*> weak = self_;
  // The transport shares the body: this call keeps it for a possible re-sign after a
  // clock correction, without a second copy.
  transport_.async_send(endpoint_, std::move(request), call->body,
                        [weak, call](https::HttpResult result) {
                          if (auto self = weak.lock()) {
                            (*self)->on_response(call, std::move(result));
                          }
                        });
}

void FirehoseClient::on_response(const std::shared_ptr<Call>& call, https::HttpResult result) {
  if (!result.ok()) {
    FirehoseError error;
    error.kind = FirehoseErrorKind::transport;
    error.message = std::string(phase_name(result.phase)) + " failed: " +
                    (result.message.empty() ? result.error.message() : result.message);
    complete(call, std::move(error), {});
    return;
  }
  const https::HttpResponse& response = result.response;
  if (const std::string* date = response.header("Date")) {
    clock_.learn_from_http_date(*date, result.sent_at, result.received_at);
  }
  if (response.status == 200) {
    log::debug("aws", call->operation, ": HTTP 200, ", response.body.size(), " bytes");
    complete(call, FirehoseError{}, response.body);
    return;
  }
  FirehoseError error = classify_error_response(response, call->redactor);
  if (error.kind == FirehoseErrorKind::clock_skew && !call->resent_after_skew) {
    call->resent_after_skew = true;
    ++skew_resends_;
    log::info("aws", call->operation, " rejected for clock skew (",
              call->redactor.redact(error.message),
              "); re-signing with the corrected clock (offset ",
              static_cast<double>(clock_.offset().count()) / 1000.0, " s)");
    start(call);
    return;
  }
  if (error.kind == FirehoseErrorKind::expired_credentials ||
      error.kind == FirehoseErrorKind::auth) {
    // New credentials (a refreshed token, a rotated key in the file) serve the next call.
    credentials_.refresh_now();
  }
  complete(call, std::move(error), {});
}

}  // namespace canhose::aws
