#pragma once
// One signed AWS request from credentials to answer, whatever the service's protocol
// (Firehose's JSON 1.1, SNS's Query): it gets the current credentials, builds the request
// (Host, then the protocol's headers), signs it at the corrected time, sends it through
// the HttpTransport, learns the clock from the response's Date header, and hands the
// answer to the caller with the redactor that knows the credentials it was signed with.
//
// The protocol says what a non-200 answer means through its Judge:
// - clock_skew: the request is re-signed with the corrected clock and sent once more (a
//   second skew rejection is handed back, never looped);
// - refresh_credentials: the credentials are asked to refresh (a rotated key or token then
//   serves the next call) and the answer is handed back.
// Nothing else is retried here: retries and backoff belong to the caller.
//
// Completion callbacks run on the event loop, never inside send(). Destroying the sender
// drops the callbacks of requests in flight. Not thread-safe: use it from its event loop.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "asio/asio.hpp"
#include "aws/cached_credentials.hpp"
#include "aws/clock_offset.hpp"
#include "aws/server_text_redactor.hpp"
#include "aws/sigv4_signer.hpp"
#include "https/http_transport.hpp"

namespace canhose::aws {

class SignedRequestSender {
 public:
  enum class Verdict { final, clock_skew, refresh_credentials };
  struct Judgement {
    Verdict verdict = Verdict::final;
    std::string reason;  // for the log line of a re-sign (already redacted)
  };
  // Reads a non-200 response; `redactor` knows the credentials it was signed with.
  using Judge =
      std::function<Judgement(const https::HttpResponse& response, const ServerTextRedactor&)>;

  struct Result {
    // Set when no credentials could be obtained: nothing was sent, `http` is empty.
    std::string credentials_error;
    // The answer (any status) or the transport failure.
    https::HttpResult http;
    // Knows the credentials the request was last signed with (shape-based only when none
    // could be obtained): every text the caller keeps from the answer passes it.
    ServerTextRedactor redactor;
  };

  struct Request {
    std::string operation;  // "PutRecordBatch", "Publish": for log lines
    // Sent after Host and signed: Content-Type, X-Amz-Target ...
    std::vector<std::pair<std::string, std::string>> headers;
    https::HttpTransport::SharedBody body;  // null means empty
    Judge judge;
    // Called once. The sender has let go of `body` before, so the caller may reuse it.
    std::function<void(Result)> done;
  };

  // `transport`, `credentials` and `clock` must outlive the sender.
  SignedRequestSender(asio::any_io_executor executor, https::HttpTransport& transport,
                      CachedCredentials& credentials, ClockOffset& clock, std::string region,
                      std::string service, https::Endpoint endpoint);
  ~SignedRequestSender();
  SignedRequestSender(const SignedRequestSender&) = delete;
  SignedRequestSender& operator=(const SignedRequestSender&) = delete;

  void send(Request request);

  const https::Endpoint& endpoint() const { return endpoint_; }
  const std::string& region() const { return signer_.region(); }
  // Requests re-sent after a clock-skew rejection, since construction.
  std::uint64_t skew_resends() const { return skew_resends_; }

 private:
  struct Call;
  void start(std::shared_ptr<Call> call);
  void transmit(const std::shared_ptr<Call>& call, const Credentials& credentials);
  void on_response(const std::shared_ptr<Call>& call, https::HttpResult result);
  void finish(const std::shared_ptr<Call>& call, Result result);

  asio::any_io_executor executor_;
  https::HttpTransport& transport_;
  CachedCredentials& credentials_;
  ClockOffset& clock_;
  https::Endpoint endpoint_;
  std::string host_header_;
  SigV4Signer signer_;
  std::uint64_t skew_resends_ = 0;
  // Completions hold a weak_ptr to this, so a transport finishing after the sender is
  // gone does nothing.
  std::shared_ptr<SignedRequestSender*> self_;
};

// "TLS handshake failed: certificate verify failed (...)": a transport failure in words,
// naming the phase that failed.
std::string describe_transport_failure(const https::HttpResult& result);

}  // namespace canhose::aws
