// `canhose streams` (the real binary) against the Firehose emulator over HTTPS: every call
// signed with the configured static key and checked by botocore in the emulator.

#include <gtest/gtest.h>

#include <filesystem>

#include "support/child_process.hpp"
#include "support/firehose_emulator_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_paths.hpp"
#include "support/test_pki.hpp"

namespace canhose {
namespace {

class CanhoseStreams : public ::testing::Test {
 protected:
  CanhoseStreams() {
    test::FirehoseEmulatorOptions options;
    options.use_pki(pki_);
    options.verbose = false;
    std::filesystem::create_directories(dir_.path() / "emulator");
    emulator_ = std::make_unique<test::FirehoseEmulatorProcess>(options, dir_.path() / "emulator");
    config_ = dir_.write(
        "canhose.yaml",
        std::string("delivery:\n  stream: edge-gw\n  region: us-east-1\n"
                    "  endpoint: ") +
            emulator_->endpoint() + "\n  ca_file: " + pki_.ca_cert.string() +
            "\ncredentials:\n  source: static\n  access_key_id: " + test::kEmulatorAccessKeyId +
            "\n  secret_access_key: " + test::kEmulatorSecretAccessKey + "\n");
    std::filesystem::permissions(
        config_, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }

  test::RunResult streams(std::vector<std::string> args) {
    args.insert(args.begin(), "streams");
    args.push_back("--config");
    args.push_back(config_.string());
    return test::run_program(CANHOSE_CLI_PATH, args, dir_.path());
  }

  test::TempDir dir_;
  test::TestPki pki_ = test::make_test_pki(dir_.path() / "pki");
  std::unique_ptr<test::FirehoseEmulatorProcess> emulator_;
  std::filesystem::path config_;
};

TEST_F(CanhoseStreams, CreateListDescribeDeleteAStream) {
  const auto created = streams({"create", "fleet-2", "--bucket", "fleet-telemetry", "--role-arn",
                                "arn:aws:iam::123456789012:role/firehose-to-s3", "--prefix", "raw/",
                                "--buffer-size", "2", "--buffer-interval", "120"});
  ASSERT_EQ(created.status.code, 0) << created.err;
  EXPECT_NE(created.out.find("created fleet-2"), std::string::npos) << created.out;
  EXPECT_NE(created.out.find("ARN: arn:aws:firehose:us-east-1:"), std::string::npos) << created.out;

  const auto listed = streams({"list"});
  ASSERT_EQ(listed.status.code, 0) << listed.err;
  EXPECT_EQ(listed.out.rfind("NAME", 0), 0u) << listed.out;
  EXPECT_NE(listed.out.find("edge-gw"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("fleet-2 "), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("ACTIVE"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("fleet-telemetry"), std::string::npos) << listed.out;

  const auto listed_json = streams({"list", "--json"});
  ASSERT_EQ(listed_json.status.code, 0) << listed_json.err;
  const auto names = nlohmann::json::parse(listed_json.out);
  EXPECT_EQ(names["DeliveryStreamNames"], nlohmann::json::array({"edge-gw", "fleet-2"}))
      << listed_json.out;

  const auto described = streams({"describe", "fleet-2"});
  ASSERT_EQ(described.status.code, 0) << described.err;
  EXPECT_NE(described.out.find("Status:      ACTIVE"), std::string::npos) << described.out;
  EXPECT_NE(described.out.find("Bucket:      fleet-telemetry"), std::string::npos) << described.out;
  EXPECT_NE(described.out.find("Prefix:      raw/"), std::string::npos) << described.out;
  EXPECT_NE(described.out.find("Buffering:   2 MiB or 120 s"), std::string::npos) << described.out;
  EXPECT_NE(described.out.find("Encryption:  server-side DISABLED"), std::string::npos)
      << described.out;
  EXPECT_NE(described.out.find("Created:     20"), std::string::npos) << described.out;

  const auto raw = streams({"describe", "fleet-2", "--json"});
  ASSERT_EQ(raw.status.code, 0) << raw.err;
  const auto description = nlohmann::json::parse(raw.out)["DeliveryStreamDescription"];
  EXPECT_EQ(description["DeliveryStreamName"], "fleet-2");
  EXPECT_EQ(description["Destinations"][0]["ExtendedS3DestinationDescription"]["RoleARN"],
            "arn:aws:iam::123456789012:role/firehose-to-s3");

  const auto refused = streams({"delete", "fleet-2"});
  EXPECT_EQ(refused.status.code, 2) << "no terminal and no --yes: nothing is deleted";
  EXPECT_NE(refused.err.find("add --yes"), std::string::npos) << refused.err;

  const auto deleted = streams({"delete", "fleet-2", "--yes"});
  ASSERT_EQ(deleted.status.code, 0) << deleted.err;
  const auto after = streams({"list", "--json"});
  EXPECT_EQ(nlohmann::json::parse(after.out)["DeliveryStreamNames"],
            nlohmann::json::array({"edge-gw"}));
  EXPECT_TRUE(emulator_->stats()["errors"].empty()) << emulator_->stats().dump();
}

TEST_F(CanhoseStreams, DescribingAMissingStreamSaysResourceNotFoundAndWhatToDo) {
  const auto r = streams({"describe", "no-such-stream"});
  EXPECT_EQ(r.status.code, 1);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("DescribeDeliveryStream failed: ResourceNotFoundException (HTTP 400)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("no stream \"no-such-stream\" in region us-east-1"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("canhose streams list"), std::string::npos) << r.err;
}

TEST_F(CanhoseStreams, AnUnknownKeyIsRefusedWithTheCredentialsToCheck) {
  std::string text = test::read_file(config_);
  text.replace(text.find(test::kEmulatorAccessKeyId),
               std::string(test::kEmulatorAccessKeyId).size(), "AKIDUNKNOWNKEY01");
  config_ = dir_.write("wrong-key.yaml", text);
  std::filesystem::permissions(
      config_, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const auto r = streams({"list"});
  EXPECT_EQ(r.status.code, 1) << r.out;
  EXPECT_NE(r.err.find("ListDeliveryStreams failed: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("credentials.source"), std::string::npos) << r.err;
}

TEST_F(CanhoseStreams, FirehoseNotAnsweringExitsThree) {
  emulator_->stop();
  const auto r = streams({"list"});
  EXPECT_EQ(r.status.code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("cannot be reached"), std::string::npos) << r.err;
}

TEST_F(CanhoseStreams, BadArgumentsAreUsageErrors) {
  EXPECT_EQ(streams({"create", "x"}).status.code, 2);
  EXPECT_EQ(streams({"describe"}).status.code, 2);
  EXPECT_EQ(streams({"describe", "bad name!"}).status.code, 2);
  EXPECT_EQ(streams({"frob"}).status.code, 2);
  const auto r = streams({"create", "x", "--bucket", "b", "--role-arn", "r", "--buffer-size", "0"});
  EXPECT_EQ(r.status.code, 2);
  EXPECT_NE(r.err.find("--buffer-size wants MiB from 1 to 128"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace canhose
