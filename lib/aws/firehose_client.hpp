#pragma once
// Typed asynchronous Firehose calls. Each call builds the AWS JSON 1.1 body and the
// headers the AWS SDK signs (Host, Content-Type, X-Amz-Target; X-Amz-Date and
// X-Amz-Security-Token from the signer); SignedRequestSender signs it with the current
// credentials at the corrected time, sends it through the HttpTransport and learns the
// clock from the response's Date header; the call completes with a typed result.
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
#include "aws/signed_request_sender.hpp"
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

  const https::Endpoint& endpoint() const { return sender_.endpoint(); }
  const std::string& region() const { return sender_.region(); }
  // Requests re-sent after a clock-skew rejection, since construction.
  std::uint64_t skew_resends() const { return sender_.skew_resends(); }

 private:
  void invoke_redacted(std::string_view operation, std::string body, Finish finish);
  void invoke_redacted(std::string_view operation, https::HttpTransport::SharedBody body,
                       Finish finish);

  // Signing, clock correction, the skew re-send and the credentials refresh; destroying
  // it drops the callbacks of calls in flight.
  SignedRequestSender sender_;
};

}  // namespace canhose::aws
