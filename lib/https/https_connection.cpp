#include "https/https_connection.hpp"

#include <sys/socket.h>

#include <cerrno>

namespace canhose::https {

bool HttpsConnection::looks_alive() {
  auto& socket = tcp().socket();
  if (!socket.is_open()) {
    return false;
  }
  char byte = 0;
  ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  // Nothing to read is the only healthy answer: 0 is the peer's FIN, data is something
  // the server sent unasked (typically a TLS alert before it closes).
  // (EAGAIN and EWOULDBLOCK are the same value on Linux.)
  return n < 0 && errno == EAGAIN;
}

void HttpsConnection::close() {
  boost::system::error_code ignored;
  tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  tcp().socket().close(ignored);
}

}  // namespace canhose::https
