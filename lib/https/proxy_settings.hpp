#pragma once
// Which HTTPS proxy (if any) a connection goes through: an http:// proxy that opens a
// tunnel with CONNECT, as vehicle routers and corporate networks offer. Taken from the
// options or from HTTPS_PROXY / https_proxy, with NO_PROXY / no_proxy exceptions.
//
// Proxy credentials from the URL ("http://user:pw@host:3128") are kept as a ready
// Proxy-Authorization value in a base::Secret: they can never reach a log line.
// display() shows the proxy without them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/secret.hpp"

namespace canhose::https {

struct ProxyAddress {
  std::string host;
  std::uint16_t port = 0;
  base::Secret authorization;   // "Basic dXNlcjpwdw==" or empty
  std::string display() const;  // "10.0.0.1:3128" (never the credentials)
};

class ProxySettings {
 public:
  ProxySettings() = default;  // direct connections

  // `proxy`: "" = environment (HTTPS_PROXY/https_proxy, NO_PROXY/no_proxy); "none" = no
  // proxy; otherwise a URL, with `no_proxy` as its exceptions. Returns nullopt and sets
  // `error` for a URL that cannot be used (the message never contains the password).
  static std::optional<ProxySettings> from_options(const std::string& proxy,
                                                   const std::string& no_proxy, std::string& error);
  // The same, from explicit values (tests, or the environment as read above).
  static std::optional<ProxySettings> parse(const std::string& url, const std::string& no_proxy,
                                            std::string& error);

  // The proxy for a connection to host:port, or nullopt to connect directly.
  const ProxyAddress* proxy_for(const std::string& host, std::uint16_t port) const;
  bool enabled() const { return proxy_.has_value(); }

 private:
  struct Exception {
    std::string name;  // lower-case domain or address text; "*" matches all
    std::optional<std::uint16_t> port;
    int prefix = -1;  // >= 0 for CIDR ranges
  };
  bool bypasses(const std::string& host, std::uint16_t port) const;

  std::optional<ProxyAddress> proxy_;
  std::vector<Exception> exceptions_;
};

}  // namespace canhose::https
