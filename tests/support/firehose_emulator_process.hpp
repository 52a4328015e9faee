#pragma once
// The Firehose emulator (tests/firehose_emulator/firehose_emulator.py) as a real process for
// C++ tests. The options mirror its command line (see tests/firehose_emulator/README.md);
// the constructor starts it with Debian's /usr/bin/python3 and returns once it printed
// `LISTENING <port>`; the destructor stops it with SIGTERM (it then writes its buffered S3
// objects and exits), and SIGKILLs it if it does not exit in time.
//
// set_faults()/stats()/flush() use its unsigned control endpoint (/_emulator/...) on the
// same port, over TLS when the emulator runs TLS.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/child_process.hpp"
#include "support/test_pki.hpp"

namespace canhose::test {

// The key, region and stream FirehoseEmulatorOptions uses unless told otherwise (the secret
// is the AWS SigV4 test suite's example key).
inline constexpr const char* kEmulatorAccessKeyId = "AKIDEXAMPLE";
inline constexpr const char* kEmulatorSecretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
inline constexpr const char* kEmulatorRegion = "us-east-1";
inline constexpr const char* kEmulatorStream = "edge-gw";

// "arn:aws:sns:<region>:123456789012:<name>": a topic of the emulator (--sns-topic NAME).
std::string sns_topic_arn(const std::string& name, const std::string& region = kEmulatorRegion);

struct FirehoseEmulatorOptions {
  // HTTPS with pki.server_cert (control client verifies it with pki.ca_cert); with `iot`
  // also the IoT credentials endpoint, which accepts pki.client_cert.
  void use_pki(const TestPki& pki, bool iot = false);

  std::string listen_host = "127.0.0.1";  // or "::1"
  std::uint16_t listen_port = 0;          // 0: a free port (see port())
  // HTTPS when both are set (e.g. from make_test_pki()); plain HTTP otherwise.
  std::optional<std::filesystem::path> tls_cert;
  std::optional<std::filesystem::path> tls_key;
  // Used by the control client to verify the emulator's certificate (optional).
  std::optional<std::filesystem::path> tls_ca;
  // The IoT credentials endpoint (mTLS) starts when all three are set.
  std::optional<std::filesystem::path> iot_cert;
  std::optional<std::filesystem::path> iot_key;
  std::optional<std::filesystem::path> iot_client_ca;
  std::vector<std::string> iot_role_aliases;        // empty: any alias
  std::optional<double> iot_credential_lifetime_s;  // emulator default 3600
  // AKID:SECRET[:TOKEN] each.
  std::vector<std::string> credentials = {std::string(kEmulatorAccessKeyId) + ":" +
                                          kEmulatorSecretAccessKey};
  std::string region = kEmulatorRegion;
  std::vector<std::string> streams = {kEmulatorStream};  // pre-created DirectPut streams
  // SNS topics, NAME[:content-based-deduplication] each: arn:aws:sns:<region>:
  // 123456789012:NAME (FIFO when NAME ends in ".fifo"; sns_topic_arn() builds it).
  std::vector<std::string> sns_topics;
  std::optional<std::uint64_t> seed;
  double throttle_fraction = 0;
  double error500_fraction = 0;
  double record_failure_fraction = 0;
  std::string record_failure_code;  // empty: emulator default (ServiceUnavailableException)
  int delay_ms = 0;
  double reset_fraction = 0;
  double date_skew_seconds = 0;
  std::optional<std::uint64_t> buffer_size_bytes;  // emulator default 5 MiB
  std::optional<double> buffer_interval_seconds;   // emulator default 300
  bool verbose = true;                             // one stderr line per request
  std::vector<std::string> extra_args;
};

class FirehoseEmulatorProcess {
 public:
  // `work_dir` receives stdout.txt, stderr.txt and the S3 output in work_dir/s3. Throws
  // std::runtime_error if the emulator does not print LISTENING within `start_limit` (its
  // stderr is in the message).
  FirehoseEmulatorProcess(const FirehoseEmulatorOptions& options,
                          const std::filesystem::path& work_dir,
                          std::chrono::milliseconds start_limit = std::chrono::seconds(30));
  FirehoseEmulatorProcess(const FirehoseEmulatorProcess&) = delete;
  FirehoseEmulatorProcess& operator=(const FirehoseEmulatorProcess&) = delete;
  ~FirehoseEmulatorProcess();

  std::uint16_t port() const { return port_; }
  std::optional<std::uint16_t> iot_port() const { return iot_port_; }
  bool tls() const { return tls_; }
  // "http://127.0.0.1:<port>" or "https://..." ("[::1]" for IPv6).
  std::string endpoint() const;
  // "https://127.0.0.1:<iot_port>" (the IoT credentials endpoint is always TLS); empty
  // when it was not started.
  std::string iot_endpoint() const;
  const std::filesystem::path& output_dir() const { return output_dir_; }
  pid_t pid() const { return child_->pid(); }

  // POST /_emulator/faults with a JSON object of settings; returns the settings now in
  // force. Throws std::runtime_error if the emulator refuses them.
  nlohmann::json set_faults(const nlohmann::json& settings);
  nlohmann::json faults();
  // GET /_emulator/stats.
  nlohmann::json stats();
  // POST /_emulator/flush: writes every buffered record; returns the object paths written.
  std::vector<std::filesystem::path> flush();
  // Every object file under output_dir(), sorted by path.
  std::vector<std::filesystem::path> objects() const;
  // GET /_emulator/sns/messages: every message SNS Publish accepted, in order (objects
  // with topic_arn, message_id, message, subject, message_group_id,
  // message_deduplication_id, sequence_number, timestamp, access_key_id).
  nlohmann::json sns_messages();

  // SIGTERM and wait (SIGKILL after `limit`); idempotent. Returns how it ended.
  ExitStatus stop(std::chrono::milliseconds limit = std::chrono::seconds(20));
  std::string stderr_text() const { return child_->stderr_text(); }

 private:
  nlohmann::json control(const std::string& method, const std::string& path,
                         const std::string& body);

  std::unique_ptr<ChildProcess> child_;
  std::filesystem::path output_dir_;
  std::string host_;
  std::uint16_t port_ = 0;
  std::optional<std::uint16_t> iot_port_;
  bool tls_ = false;
  std::optional<std::filesystem::path> tls_ca_;
  std::optional<ExitStatus> exit_status_;
};

}  // namespace canhose::test
