#include "https/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace canhose::https {
namespace {

std::string openssl_error_text() {
  unsigned long code = ERR_get_error();
  if (code == 0) {
    return "unknown OpenSSL error";
  }
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof buffer);
  ERR_clear_error();
  return buffer;
}

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

std::shared_ptr<TlsContext> TlsContext::create(const TlsOptions& options, std::string& error) {
  asio::ssl::context context(asio::ssl::context::tls_client);
  SSL_CTX* ctx = context.native_handle();
  ERR_clear_error();
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
    error = "cannot require TLS 1.2: " + openssl_error_text();
    return nullptr;
  }
  context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_compression);
  // Renegotiation is never needed by AWS endpoints and is an attack surface.
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
  context.set_verify_mode(asio::ssl::verify_peer);

  if (options.ca_file.empty()) {
    if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
      error = "cannot load the system CA store: " + openssl_error_text();
      return nullptr;
    }
  } else if (SSL_CTX_load_verify_locations(ctx, options.ca_file.c_str(), nullptr) != 1) {
    error = "cannot load CA file " + options.ca_file + ": " + openssl_error_text();
    return nullptr;
  }

  const bool has_cert = !options.client_cert_file.empty();
  const bool has_key = !options.client_key_file.empty();
  if (has_cert != has_key) {
    error = "a client certificate needs both a certificate file and a key file";
    return nullptr;
  }
  if (has_cert) {
    if (SSL_CTX_use_certificate_chain_file(ctx, options.client_cert_file.c_str()) != 1) {
      error = "cannot load client certificate " + options.client_cert_file + ": " +
              openssl_error_text();
      return nullptr;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, options.client_key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
      // The key's path is fine to log; its content never is.
      error = "cannot load client key " + options.client_key_file + ": " + openssl_error_text();
      return nullptr;
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
      error = "client key " + options.client_key_file + " does not match certificate " +
              options.client_cert_file;
      ERR_clear_error();
      return nullptr;
    }
  }
  return std::make_shared<TlsContext>(std::move(context));
}

std::error_code TlsContext::prepare_connection(SSL* ssl, const std::string& host) {
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (is_ip_literal(host)) {
    if (X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1) {
      return std::make_error_code(std::errc::invalid_argument);
    }
  } else {
    // SSL_set_tlsext_host_name() spelled out: the macro has an old-style cast.
    if (SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(host.c_str())) != 1) {
      return std::make_error_code(std::errc::invalid_argument);
    }
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size()) != 1) {
      return std::make_error_code(std::errc::invalid_argument);
    }
  }
  return {};
}

std::string TlsContext::verify_failure_reason(SSL* ssl) {
  long result = SSL_get_verify_result(ssl);
  if (result == X509_V_OK) {
    return {};
  }
  return X509_verify_cert_error_string(result);
}

}  // namespace canhose::https
