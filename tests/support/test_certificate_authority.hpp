#pragma once
// Certificates made at test time with the OpenSSL API: a test CA, server certificates
// for chosen names and addresses, client certificates for mutual TLS, and deliberately
// wrong ones (another host's name, another CA, expired). EC P-256 keys: fast to make.
// Every certificate and key is also written as a PEM file in `dir`, for programs that
// take file names (our TLS options, the Python emulator).

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace canhose::test {

struct TestCertificate {
  std::string cert_pem;
  std::string key_pem;
  std::filesystem::path cert_file;
  std::filesystem::path key_file;
};

struct CertificateSpec {
  std::string common_name;
  std::vector<std::string> dns_names;     // subjectAltName DNS entries
  std::vector<std::string> ip_addresses;  // subjectAltName IP entries
  bool client = false;                    // extendedKeyUsage clientAuth instead of serverAuth
  // Validity relative to now; the default is valid from an hour ago for a day.
  std::chrono::seconds not_before{-3600};
  std::chrono::seconds not_after{86400};
};

class TestCertificateAuthority {
 public:
  // Makes a self-signed CA and writes <name>.crt and <name>.key into `dir`.
  TestCertificateAuthority(std::filesystem::path dir, std::string name);
  ~TestCertificateAuthority();
  TestCertificateAuthority(const TestCertificateAuthority&) = delete;
  TestCertificateAuthority& operator=(const TestCertificateAuthority&) = delete;

  const TestCertificate& certificate() const { return ca_; }
  // Issues a certificate signed by this CA; files <file_stem>.crt / .key in the dir.
  TestCertificate issue(const std::string& file_stem, const CertificateSpec& spec);
  // The usual server certificate: localhost, 127.0.0.1 and ::1.
  TestCertificate issue_localhost_server(const std::string& file_stem);

 private:
  std::filesystem::path dir_;
  std::string name_;
  void* key_ = nullptr;   // EVP_PKEY*
  void* cert_ = nullptr;  // X509*
  long serial_ = 1;
  TestCertificate ca_;
};

}  // namespace canhose::test
