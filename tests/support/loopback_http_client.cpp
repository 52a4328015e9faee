#include "support/loopback_http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace canhose::test {
namespace {

[[noreturn]] void fail(const std::string& phase, const std::string& detail) {
  throw std::runtime_error("loopback HTTP " + phase + ": " + detail);
}

std::string openssl_error() {
  const unsigned long code = ERR_get_error();
  if (code == 0) {
    return "unknown TLS error";
  }
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

// Owns the socket and, for TLS, the OpenSSL objects; closes them in reverse order.
class Connection {
 public:
  Connection(const LoopbackHttpTarget& target, std::chrono::milliseconds limit) {
    sockaddr_storage address{};
    socklen_t length = 0;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
    if (inet_pton(AF_INET, target.host.c_str(), &v4->sin_addr) == 1) {
      v4->sin_family = AF_INET;
      v4->sin_port = htons(target.port);
      length = sizeof *v4;
    } else if (inet_pton(AF_INET6, target.host.c_str(), &v6->sin6_addr) == 1) {
      v6->sin6_family = AF_INET6;
      v6->sin6_port = htons(target.port);
      length = sizeof *v6;
    } else {
      fail("connect", "not an IP literal: " + target.host);
    }
    fd_ = ::socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
      fail("connect", std::strerror(errno));
    }
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(limit.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((limit.count() % 1000) * 1000);
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0) {
      fail("connect",
           target.host + ":" + std::to_string(target.port) + ": " + std::strerror(errno));
    }
    if (target.tls) {
      start_tls(target);
    }
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() {
    if (ssl_ != nullptr) {
      SSL_free(ssl_);
    }
    if (context_ != nullptr) {
      SSL_CTX_free(context_);
    }
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }

  void write_all(const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
      const std::size_t left = data.size() - done;
      long n = 0;
      if (ssl_ != nullptr) {
        n = SSL_write(ssl_, data.data() + done, static_cast<int>(left));
        if (n <= 0) {
          fail("send", openssl_error());
        }
      } else {
        n = ::send(fd_, data.data() + done, left, MSG_NOSIGNAL);
        if (n < 0) {
          fail("send", std::strerror(errno));
        }
      }
      done += static_cast<std::size_t>(n);
    }
  }

  std::string read_to_end() {
    std::string data;
    char buffer[16384];
    for (;;) {
      long n = 0;
      if (ssl_ != nullptr) {
        n = SSL_read(ssl_, buffer, sizeof buffer);
        if (n <= 0) {
          const int reason = SSL_get_error(ssl_, static_cast<int>(n));
          if (reason == SSL_ERROR_ZERO_RETURN || reason == SSL_ERROR_SYSCALL) {
            return data;  // close_notify, or a close without it: either way the end
          }
          fail("receive", openssl_error());
        }
      } else {
        n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n < 0) {
          fail("receive", std::strerror(errno));
        }
        if (n == 0) {
          return data;
        }
      }
      data.append(buffer, static_cast<std::size_t>(n));
    }
  }

 private:
  void start_tls(const LoopbackHttpTarget& target) {
    context_ = SSL_CTX_new(TLS_client_method());
    if (context_ == nullptr) {
      fail("TLS", openssl_error());
    }
    SSL_CTX_set_min_proto_version(context_, TLS1_2_VERSION);
    // Python's ssl module closes without close_notify; the response length is known anyway.
    SSL_CTX_set_options(context_, SSL_OP_IGNORE_UNEXPECTED_EOF);
    if (target.ca_file) {
      if (SSL_CTX_load_verify_locations(context_, target.ca_file->c_str(), nullptr) != 1) {
        fail("TLS", "cannot load " + target.ca_file->string() + ": " + openssl_error());
      }
      SSL_CTX_set_verify(context_, SSL_VERIFY_PEER, nullptr);
    }
    ssl_ = SSL_new(context_);
    if (ssl_ == nullptr) {
      fail("TLS", openssl_error());
    }
    SSL_set_fd(ssl_, fd_);
    if (target.ca_file) {
      SSL_set1_host(ssl_, target.host.c_str());
    }
    if (SSL_connect(ssl_) != 1) {
      fail("TLS", "handshake: " + openssl_error());
    }
  }

  int fd_ = -1;
  SSL_CTX* context_ = nullptr;
  SSL* ssl_ = nullptr;
};

LoopbackHttpResponse parse(const std::string& raw) {
  const std::size_t header_end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.", 0) != 0 || header_end == std::string::npos) {
    fail("parse", "not an HTTP response (" + std::to_string(raw.size()) + " bytes)");
  }
  LoopbackHttpResponse response;
  const std::size_t space = raw.find(' ');
  try {
    response.status = std::stoi(raw.substr(space + 1, 3));
  } catch (const std::exception&) {
    fail("parse", "bad status line");
  }
  response.body = raw.substr(header_end + 4);
  // The server closes after the response, so the body is everything that followed; cut it
  // at Content-Length if the header says less.
  std::string headers = raw.substr(0, header_end);
  for (char& c : headers) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  const std::size_t at = headers.find("\r\ncontent-length:");
  if (at != std::string::npos) {
    const std::size_t length = std::stoul(headers.substr(at + 17));
    if (response.body.size() < length) {
      fail("receive", "body shorter than Content-Length");
    }
    response.body.resize(length);
  }
  return response;
}

}  // namespace

LoopbackHttpResponse loopback_http_request(const LoopbackHttpTarget& target,
                                           const std::string& method, const std::string& path,
                                           const std::string& body,
                                           std::chrono::milliseconds limit) {
  Connection connection(target, limit);
  const std::string host =
      target.host.find(':') == std::string::npos ? target.host : "[" + target.host + "]";
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: " + host + ":" +
                        std::to_string(target.port) + "\r\nConnection: close\r\n";
  if (!body.empty()) {
    request += "Content-Type: application/json\r\n";
  }
  request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  connection.write_all(request);
  return parse(connection.read_to_end());
}

}  // namespace canhose::test
