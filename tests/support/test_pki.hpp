#pragma once
// A throw-away PKI for TLS tests, made by tests/firehose_emulator/make_test_pki.sh (openssl
// CLI). Paths of the PEM files it writes; see that script for what each one is for.

#include <filesystem>

namespace canhose::test {

struct TestPki {
  std::filesystem::path dir;
  std::filesystem::path ca_cert;      // trust this to accept server_cert
  std::filesystem::path server_cert;  // SAN IP:127.0.0.1, IP:::1, DNS:localhost
  std::filesystem::path server_key;
  std::filesystem::path wrong_host_cert;  // signed by ca_cert, only DNS:wrong.example.invalid
  std::filesystem::path wrong_host_key;
  std::filesystem::path other_ca_cert;   // an unrelated CA
  std::filesystem::path client_ca_cert;  // signs device certificates (IoT mTLS)
  std::filesystem::path client_cert;     // CN=canhose-test-thing
  std::filesystem::path client_key;
  std::filesystem::path rogue_client_cert;  // signed by other_ca_cert: must be refused
  std::filesystem::path rogue_client_key;
};

// Writes the PKI into `dir` (created if needed). Throws std::runtime_error if the script
// fails: a test cannot run without its certificates.
TestPki make_test_pki(const std::filesystem::path& dir);

}  // namespace canhose::test
