#pragma once
// Typed asynchronous Firehose calls. Each call builds the AWS JSON 1.1 body, a request
// with the headers the AWS SDK signs (Host, Content-Type, X-Amz-Target; X-Amz-Date and
// X-Amz-Security-Token from the signer), signs it with the current credentials at the
// corrected time, sends it through the HttpTransport, learns the clock from the
// response's Date header, and completes with a typed result.
//
// - A clock-skew rejection (RequestTimeTooSkewed, "Signature expired"/"not yet current")
//   is answered by re-signing with the corrected clock and sending once more.
// - ExpiredTokenException and other authentication errors ask the credentials to refresh
//   (a rotated key or token is then used by the next call) and are returned.
// - No other retries happen here: retrying, backoff and resending failed records belong to
//   the delivery part, guided by FirehoseError::kind / action_for().
//
// Completion callbacks run on the event loop, never inside the call that started them.
// The client must outlive no call: destroying it drops the callbacks of calls in flight.
// Not thread-safe: use it from its event loop.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "asio/asio.hpp"
#include "aws/cached_credentials.hpp"
#include "aws/clock_offset.hpp"
#include "aws/firehose_api.hpp"
#include "aws/server_text_redactor.hpp"
#include "aws/sigv4_signer.hpp"
#include "https/http_transport.hpp"

namespace canhose::aws {

class FirehoseClient {
 public:
  template <class T>
  using Callback = std::function<void(FirehoseOutcome<T>)>;
  // How a call completes inside the client: the error (already redacted), the 200 body,
  // and the redactor for the server's words inside that body.
  using Finish =
      std::function<void(const FirehoseError&, std::string_view body, const ServerTextRedactor&)>;

  // `transport`, `credentials` and `clock` must outlive the client. `endpoint` is usually
  // parse_endpoint(default_firehose_endpoint(region)).endpoint.
  FirehoseClient(asio::any_io_executor executor, https::HttpTransport& transport,
                 CachedCredentials& credentials, ClockOffset& clock, std::string region,
                 https::Endpoint endpoint);
  ~FirehoseClient();
  FirehoseClient(const FirehoseClient&) = delete;
  FirehoseClient& operator=(const FirehoseClient&) = delete;

  // `body` comes from PutRecordBatchBody::finish(); `record_count` is its record count.
  // The result holds one entry per record, in request order.
  void put_record_batch(std::string body, std::size_t record_count,
                        Callback<PutRecordBatchResult> done);
  // The same with a body the caller shares (no copy). The client lets go of it before
  // `done` runs, so the caller may then reuse its buffer.
  void put_record_batch(https::HttpTransport::SharedBody body, std::size_t record_count,
                        Callback<PutRecordBatchResult> done);
  void put_record(std::string_view stream_name, std::string_view data,
                  Callback<PutRecordResult> done);
  void describe_delivery_stream(std::string_view stream_name,
                                Callback<DeliveryStreamDescription> done);
  void list_delivery_streams(const ListDeliveryStreamsRequest& request,
                             Callback<ListDeliveryStreamsResult> done);
  void create_delivery_stream(const CreateDeliveryStreamRequest& request,
                              Callback<CreateDeliveryStreamResult> done);
  void delete_delivery_stream(std::string_view stream_name, bool allow_force_delete,
                              Callback<DeleteDeliveryStreamResult> done);

  // Any Firehose operation with a body the caller built: `finish` gets the error, or
  // success and the 200 response body as the service sent it (`canhose streams --json`
  // prints it), and the redactor that knows the credentials the request was signed with:
  // the caller passes the server's words it shows (a stream's failure description, a
  // parse error quoting the body) through it. Signing, clock correction and credentials as for the
  // typed calls. Every error reaching a callback has passed ServerTextRedactor with the credentials
  // the request was signed with: a server quoting the session token or a signature back
  // (InvalidSignatureException quotes the canonical request) cannot put it in a log line,
  // a metrics label or `canhose status`. So have the typed calls' per-record error
  // messages and a stream's failure description.
  void invoke(
      std::string_view operation, std::string body,
      std::function<void(const FirehoseError&, std::string_view body, const ServerTextRedactor&)>
          finish);

  const https::Endpoint& endpoint() const { return endpoint_; }
  const std::string& region() const { return signer_.region(); }
  // Requests re-sent after a clock-skew rejection, since construction.
  std::uint64_t skew_resends() const { return skew_resends_; }

 private:
  struct Call;
  void invoke_redacted(std::string_view operation, std::string body, Finish finish);
  void invoke_redacted(std::string_view operation, https::HttpTransport::SharedBody body,
                       Finish finish);
  // The one way a call ends: redacts the error, then runs the call's finish.
  void complete(const std::shared_ptr<Call>& call, FirehoseError error, std::string_view body);
  void start(std::shared_ptr<Call> call);
  void send(const std::shared_ptr<Call>& call, const Credentials& credentials);
  void on_response(const std::shared_ptr<Call>& call, https::HttpResult result);
  void fail_later(const std::shared_ptr<Call>& call, FirehoseError error);

  asio::any_io_executor executor_;
  https::HttpTransport& transport_;
  CachedCredentials& credentials_;
  ClockOffset& clock_;
  https::Endpoint endpoint_;
  std::string host_header_;
  SigV4Signer signer_;
  std::uint64_t skew_resends_ = 0;
  // Completions hold a weak_ptr to this, so a transport finishing after the client is
  // gone does nothing.
  std::shared_ptr<FirehoseClient*> self_;
};

}  // namespace canhose::aws
