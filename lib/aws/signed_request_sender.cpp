#include "aws/signed_request_sender.hpp"

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

}  // namespace

std::string describe_transport_failure(const https::HttpResult& result) {
  return std::string(phase_name(result.phase)) +
         " failed: " + (result.message.empty() ? result.error.message() : result.message);
}

struct SignedRequestSender::Call {
  Request request;
  bool resent_after_skew = false;
  // Knows the credentials the request was last signed with; shape-based only until then.
  ServerTextRedactor redactor;
};

SignedRequestSender::SignedRequestSender(asio::any_io_executor executor,
                                         https::HttpTransport& transport,
                                         CachedCredentials& credentials, ClockOffset& clock,
                                         std::string region, std::string service,
                                         https::Endpoint endpoint)
    : executor_(std::move(executor)),
      transport_(transport),
      credentials_(credentials),
      clock_(clock),
      endpoint_(std::move(endpoint)),
      host_header_(endpoint_.host_header()),
      signer_(std::move(region), std::move(service)),
      self_(std::make_shared<SignedRequestSender*>(this)) {}

SignedRequestSender::~SignedRequestSender() {
  self_.reset();
}

void SignedRequestSender::send(Request request) {
  auto call = std::make_shared<Call>();
  call->request = std::move(request);
  if (!call->request.body) {
    call->request.body = std::make_shared<const std::string>();
  }
  start(std::move(call));
}

void SignedRequestSender::finish(const std::shared_ptr<Call>& call, Result result) {
  call->request.body.reset();  // the caller may reuse the buffer from `done` on
  result.redactor = call->redactor;
  call->request.done(std::move(result));
}

void SignedRequestSender::start(std::shared_ptr<Call> call) {
  std::weak_ptr<SignedRequestSender*> weak = self_;
  credentials_.get([weak, call](CredentialsResult got) {
    auto self = weak.lock();
    if (!self) {
      return;
    }
    if (got.ok()) {
      (*self)->transmit(call, got.credentials);
      return;
    }
    // Posted: a completion never runs inside the call that started the operation.
    Result result;
    result.credentials_error = got.message;
    asio::post((*self)->executor_, [weak, call, result = std::move(result)]() mutable {
      if (auto alive = weak.lock()) {
        (*alive)->finish(call, std::move(result));
      }
    });
  });
}

void SignedRequestSender::transmit(const std::shared_ptr<Call>& call,
                                   const Credentials& credentials) {
  https::HttpRequest request;
  request.method = "POST";
  request.path = "/";
  request.headers.reserve(call->request.headers.size() + 4);
  request.headers.emplace_back("Host", host_header_);
  for (const auto& header : call->request.headers) {
    request.headers.push_back(header);
  }
  request.payload = *call->request.body;
  signer_.sign(request, credentials, clock_.now());
  call->redactor = ServerTextRedactor(credentials);
  log::debug("aws", call->request.operation, ": sending ", call->request.body->size(), " bytes to ",
             host_header_);
  std::weak_ptr<SignedRequestSender*> weak = self_;
  // The transport shares the body: this call keeps it for a possible re-sign after a
  // clock correction, without a second copy.
  transport_.async_send(endpoint_, std::move(request), call->request.body,
                        [weak, call](https::HttpResult result) {
                          if (auto self = weak.lock()) {
                            (*self)->on_response(call, std::move(result));
                          }
                        });
}

void SignedRequestSender::on_response(const std::shared_ptr<Call>& call, https::HttpResult http) {
  Result result;
  if (http.ok()) {
    const https::HttpResponse& response = http.response;
    if (const std::string* date = response.header("Date")) {
      clock_.learn_from_http_date(*date, http.sent_at, http.received_at);
    }
    if (response.status != 200) {
      const Judgement judgement = call->request.judge(response, call->redactor);
      if (judgement.verdict == Verdict::clock_skew && !call->resent_after_skew) {
        call->resent_after_skew = true;
        ++skew_resends_;
        log::info("aws", call->request.operation, " rejected for clock skew (", judgement.reason,
                  "); re-signing with the corrected clock (offset ",
                  static_cast<double>(clock_.offset().count()) / 1000.0, " s)");
        start(call);
        return;
      }
      if (judgement.verdict == Verdict::refresh_credentials) {
        // New credentials (a refreshed token, a rotated key in the file) serve the next call.
        credentials_.refresh_now();
      }
    } else {
      log::debug("aws", call->request.operation, ": HTTP 200, ", response.body.size(), " bytes");
    }
  }
  result.http = std::move(http);
  finish(call, std::move(result));
}

}  // namespace canhose::aws
