// The C++ wrapper around the Firehose emulator: it starts the real process, finds its ports,
// talks to its control endpoint (plain and TLS) and stops it with SIGTERM.

#include "support/firehose_emulator_process.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <sstream>

#include "support/child_process.hpp"
#include "support/loopback_http_client.hpp"
#include "support/temp_dir.hpp"
#include "support/test_pki.hpp"

namespace canhose::test {
namespace {

TEST(FirehoseEmulatorProcess, StartsOnAFreePortAndStopsCleanlyOnSigterm) {
  TempDir dir;
  FirehoseEmulatorProcess emulator(FirehoseEmulatorOptions{}, dir.path());
  EXPECT_NE(emulator.port(), 0);
  EXPECT_FALSE(emulator.iot_port().has_value());
  EXPECT_EQ(emulator.iot_endpoint(), "");
  EXPECT_EQ(emulator.endpoint(), "http://127.0.0.1:" + std::to_string(emulator.port()));
  EXPECT_EQ(emulator.stats().at("requests"), 0);
  const ExitStatus status = emulator.stop();
  EXPECT_TRUE(status.exited);
  EXPECT_EQ(status.code, 0);
  EXPECT_NE(emulator.stderr_text().find("stopped"), std::string::npos);
}

TEST(FirehoseEmulatorProcess, UnsignedFirehoseRequestIsRefusedAndCounted) {
  TempDir dir;
  FirehoseEmulatorProcess emulator(FirehoseEmulatorOptions{}, dir.path());
  LoopbackHttpTarget target;
  target.port = emulator.port();
  const LoopbackHttpResponse response =
      loopback_http_request(target, "POST", "/", R"({"DeliveryStreamName":"edge-gw"})");
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(response.body.find("UnknownOperationException"), std::string::npos) << response.body;
  const nlohmann::json stats = emulator.stats();
  EXPECT_EQ(stats.at("requests"), 1);
  EXPECT_EQ(stats.at("errors").at("UnknownOperationException"), 1);
}

TEST(FirehoseEmulatorProcess, FaultsChangedAtRunTimeAreInForce) {
  TempDir dir;
  FirehoseEmulatorOptions options;
  options.seed = 7;
  options.delay_ms = 5;
  FirehoseEmulatorProcess emulator(options, dir.path());
  EXPECT_EQ(emulator.faults().at("delay_ms"), 5);
  const nlohmann::json now =
      emulator.set_faults({{"throttle_next", 2}, {"record_failure_fraction", 0.25}});
  EXPECT_EQ(now.at("throttle_next"), 2);
  EXPECT_DOUBLE_EQ(now.at("record_failure_fraction").get<double>(), 0.25);
  EXPECT_EQ(now.at("seed"), 7);
  EXPECT_THROW(emulator.set_faults({{"no_such_fault", 1}}), std::runtime_error);
}

TEST(FirehoseEmulatorProcess, HttpsAndIotEndpointsWithTheTestPki) {
  TempDir dir;
  const TestPki pki = make_test_pki(dir.path() / "pki");
  FirehoseEmulatorOptions options;
  options.use_pki(pki, /*iot=*/true);
  FirehoseEmulatorProcess emulator(options, dir.path());
  ASSERT_TRUE(emulator.iot_port().has_value());
  EXPECT_NE(*emulator.iot_port(), emulator.port());
  EXPECT_EQ(emulator.iot_endpoint(), "https://127.0.0.1:" + std::to_string(*emulator.iot_port()));
  EXPECT_EQ(emulator.endpoint().rfind("https://127.0.0.1:", 0), 0u);
  // The control client verified the server certificate against the test CA.
  EXPECT_EQ(emulator.stats().at("tls_handshake_failures"), 0);
  // A plain-text client on the TLS port gets no HTTP answer.
  LoopbackHttpTarget plain;
  plain.port = emulator.port();
  EXPECT_THROW(
      loopback_http_request(plain, "GET", "/_emulator/stats", {}, std::chrono::milliseconds(5000)),
      std::runtime_error);
}

TEST(FirehoseEmulatorProcess, ListensOnIpv6Loopback) {
  TempDir dir;
  FirehoseEmulatorOptions options;
  options.listen_host = "::1";
  FirehoseEmulatorProcess emulator(options, dir.path());
  EXPECT_EQ(emulator.endpoint(), "http://[::1]:" + std::to_string(emulator.port()));
  EXPECT_EQ(emulator.stats().at("requests"), 0);
}

// Records accepted but still buffered when SIGTERM arrives are written as an S3 object.
// The records are sent by botocore (the AWS SDK for Python), signed with its SigV4.
TEST(FirehoseEmulatorProcess, BufferedRecordsAreWrittenOnSigterm) {
  TempDir dir;
  FirehoseEmulatorProcess emulator(FirehoseEmulatorOptions{}, dir.path());
  const std::string script =
      "import os, sys, botocore.session\n"
      "for name in ('HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'AWS_PROFILE'):\n"
      "    os.environ.pop(name, None)\n"
      "os.environ.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,\n"
      "                  AWS_EC2_METADATA_DISABLED='true')\n"
      "s = botocore.session.get_session()\n"
      "s.set_credentials('AKIDEXAMPLE', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY')\n"
      "c = s.create_client('firehose', region_name='us-east-1', endpoint_url=sys.argv[1])\n"
      "r = c.put_record_batch(DeliveryStreamName='edge-gw',\n"
      "    Records=[{'Data': b'1 a\\n'}, {'Data': b'2 b\\n'}])\n"
      "sys.exit(r['FailedPutCount'])\n";
  const TempDir client_dir;
  const RunResult sent =
      run_program("/usr/bin/python3", {"-c", script, emulator.endpoint()}, client_dir.path());
  ASSERT_TRUE(sent.status.exited) << sent.err;
  ASSERT_EQ(sent.status.code, 0) << sent.err;
  EXPECT_EQ(emulator.stats().at("records_accepted"), 2);
  EXPECT_TRUE(emulator.objects().empty());  // still buffered: 5 MiB / 300 s by default

  const ExitStatus status = emulator.stop();
  EXPECT_TRUE(status.exited);
  EXPECT_EQ(status.code, 0);
  const auto objects = emulator.objects();
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_NE(objects[0].string().find("/s3/edge-gw/"), std::string::npos) << objects[0];
  EXPECT_EQ(read_file(objects[0]), "1 a\n2 b\n");
}

}  // namespace
}  // namespace canhose::test
