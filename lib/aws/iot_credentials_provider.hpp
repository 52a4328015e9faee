#pragma once
// Temporary AWS credentials from the AWS IoT Core credentials provider: the vehicle
// proves who it is with its X.509 certificate and key (mutual TLS) and gets back keys
// for the IAM role behind a role alias, valid for up to 12 hours. How fleets avoid
// long-lived keys in vehicles.
//
//   GET https://<endpoint>/role-aliases/<alias>/credentials
//   x-amzn-iot-thingname: <thing>
//   200 {"credentials": {"accessKeyId", "secretAccessKey", "sessionToken", "expiration"}}
//
// The request is not SigV4-signed: the client certificate is the authentication. The
// provider has its own HttpsTransport (its own TLS context with the client certificate);
// refreshing before expiry is CachedCredentials' job. Secrets are parsed straight into
// base::Secret and never logged; error messages quote only the service's "message".

#include <functional>
#include <memory>
#include <string>

#include "asio/asio.hpp"
#include "aws/credentials_provider.hpp"
#include "https/http_transport.hpp"
#include "https/https_transport_options.hpp"

namespace canhose::base {
class MappingReader;
}  // namespace canhose::base

namespace canhose::aws {

struct IotCredentialsOptions {
  // [credentials.iot.endpoint] The account's credentials endpoint, as printed by
  // `aws iot describe-endpoint --endpoint-type iot:CredentialProvider`:
  // "c2abc123.credentials.iot.eu-west-1.amazonaws.com" (optionally "https://host[:port]").
  std::string endpoint;
  std::string role_alias;  // [credentials.iot.role_alias]
  std::string thing_name;  // [credentials.iot.thing_name] sent as x-amzn-iot-thingname
  std::string cert_file;   // [credentials.iot.cert_file] the device certificate (PEM)
  std::string key_file;    // [credentials.iot.key_file] its private key (PEM, unencrypted)
  // [credentials.iot.ca_file] CA for the endpoint's certificate; "" = system store
  // (Amazon Root CA 1 is in Debian's ca-certificates).
  std::string ca_file;
  // Timeouts and proxy as for delivery (the wiring may pass delivery's).
  https::HttpTimeouts timeouts;
  std::string proxy;
  std::string no_proxy;
};

class IotCredentialsProvider final : public CredentialsProvider {
 public:
  // Throws std::invalid_argument for a missing or malformed option and
  // std::runtime_error when the certificate, key or CA cannot be loaded (start-up
  // configuration failures). Warns when the key file is readable by others.
  IotCredentialsProvider(asio::any_io_executor executor, IotCredentialsOptions options);
  // For tests and composition: send through the given transport (it must have been made
  // with the client certificate).
  IotCredentialsProvider(std::shared_ptr<https::HttpTransport> transport,
                         IotCredentialsOptions options);

  std::string_view name() const override { return "iot"; }
  void fetch(std::function<void(CredentialsResult)> done) override;

  // Turns the endpoint's answer into credentials or a clear error. Public for tests.
  static CredentialsResult parse_response(const https::HttpResult& result,
                                          const std::string& where);

 private:
  void validate();

  std::shared_ptr<https::HttpTransport> transport_;
  IotCredentialsOptions options_;
  https::Endpoint endpoint_;
};

// Reads the `credentials.iot` section of canhose.yaml into `options` (defaults: what it holds);
// each mistake is reported on the reader with its key.
void read_options(base::MappingReader& reader, IotCredentialsOptions& options);

}  // namespace canhose::aws
