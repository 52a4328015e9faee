#include "support/test_certificate_authority.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <stdexcept>

namespace canhose::test {
namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    throw std::runtime_error(std::string("test PKI: ") + what + " failed");
  }
}

EVP_PKEY* make_key() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  check(key != nullptr, "EC key generation");
  return key;
}

std::string bio_text(BIO* bio) {
  std::string text(BIO_ctrl_pending(bio), '\0');
  int n = BIO_read(bio, text.data(), static_cast<int>(text.size()));
  text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  BIO_free(bio);
  return text;
}

std::string cert_pem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  check(PEM_write_bio_X509(bio, cert) == 1, "PEM write of certificate");
  return bio_text(bio);
}

std::string key_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  check(PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM write of key");
  return bio_text(bio);
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  std::string copy = value;
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, copy.data());
  check(ext != nullptr, "certificate extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

X509* make_cert(EVP_PKEY* key, const std::string& common_name, long serial, X509* issuer,
                std::chrono::seconds not_before, std::chrono::seconds not_after) {
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert), static_cast<long>(not_before.count()));
  X509_gmtime_adj(X509_getm_notAfter(cert), static_cast<long>(not_after.count()));
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("canhose tests"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(cert, issuer != nullptr ? X509_get_subject_name(issuer) : name);
  return cert;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  check(static_cast<bool>(out), "writing a PEM file");
}

}  // namespace

TestCertificateAuthority::TestCertificateAuthority(std::filesystem::path dir, std::string name)
    : dir_(std::move(dir)), name_(std::move(name)) {
  EVP_PKEY* key = make_key();
  X509* cert = make_cert(key, name_ + " test CA", serial_++, nullptr, std::chrono::seconds(-3600),
                         std::chrono::seconds(86400 * 2));
  add_extension(cert, cert, NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(cert, cert, NID_subject_key_identifier, "hash");
  check(X509_sign(cert, key, EVP_sha256()) > 0, "CA self-signature");
  key_ = key;
  cert_ = cert;
  ca_.cert_pem = cert_pem(cert);
  ca_.key_pem = key_pem(key);
  ca_.cert_file = dir_ / (name_ + ".crt");
  ca_.key_file = dir_ / (name_ + ".key");
  write_file(ca_.cert_file, ca_.cert_pem);
  write_file(ca_.key_file, ca_.key_pem);
}

TestCertificateAuthority::~TestCertificateAuthority() {
  X509_free(static_cast<X509*>(cert_));
  EVP_PKEY_free(static_cast<EVP_PKEY*>(key_));
}

TestCertificate TestCertificateAuthority::issue(const std::string& file_stem,
                                                const CertificateSpec& spec) {
  auto* ca_cert = static_cast<X509*>(cert_);
  auto* ca_key = static_cast<EVP_PKEY*>(key_);
  EVP_PKEY* key = make_key();
  X509* cert =
      make_cert(key, spec.common_name, serial_++, ca_cert, spec.not_before, spec.not_after);
  add_extension(cert, ca_cert, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert, ca_cert, NID_key_usage, "critical,digitalSignature,keyEncipherment");
  add_extension(cert, ca_cert, NID_ext_key_usage, spec.client ? "clientAuth" : "serverAuth");
  add_extension(cert, ca_cert, NID_authority_key_identifier, "keyid:always");
  std::string san;
  for (const auto& dns : spec.dns_names) {
    san += (san.empty() ? "" : ",") + std::string("DNS:") + dns;
  }
  for (const auto& ip : spec.ip_addresses) {
    san += (san.empty() ? "" : ",") + std::string("IP:") + ip;
  }
  if (!san.empty()) {
    add_extension(cert, ca_cert, NID_subject_alt_name, san);
  }
  check(X509_sign(cert, ca_key, EVP_sha256()) > 0, "certificate signature");
  TestCertificate out;
  out.cert_pem = cert_pem(cert);
  out.key_pem = key_pem(key);
  out.cert_file = dir_ / (file_stem + ".crt");
  out.key_file = dir_ / (file_stem + ".key");
  write_file(out.cert_file, out.cert_pem);
  write_file(out.key_file, out.key_pem);
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

TestCertificate TestCertificateAuthority::issue_localhost_server(const std::string& file_stem) {
  CertificateSpec spec;
  spec.common_name = "localhost";
  spec.dns_names = {"localhost"};
  spec.ip_addresses = {"127.0.0.1", "::1"};
  return issue(file_stem, spec);
}

}  // namespace canhose::test
