#pragma once
// A real HTTP CONNECT proxy on 127.0.0.1 for the HTTPS client's proxy tests: it reads
// the CONNECT request, checks Proxy-Authorization when one is required, opens the
// tunnel to the requested 127.0.0.1 port and relays bytes both ways. It records what it
// was asked, so a test can see the tunnel was really used. Own thread and io_context.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace canhose::test {

struct ProxyConnectRecord {
  std::string target;         // "127.0.0.1:8443"
  std::string authorization;  // the Proxy-Authorization header as received ("" if none)
  unsigned answered = 0;      // the status the proxy sent
};

class ConnectProxyTestServer {
 public:
  // `required_authorization` non-empty: CONNECTs without exactly this
  // Proxy-Authorization value get 407.
  explicit ConnectProxyTestServer(std::string required_authorization = {});
  ~ConnectProxyTestServer();
  ConnectProxyTestServer(const ConnectProxyTestServer&) = delete;
  ConnectProxyTestServer& operator=(const ConnectProxyTestServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::vector<ProxyConnectRecord> connects() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace canhose::test
