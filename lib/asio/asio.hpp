#pragma once
// Include this instead of <boost/asio.hpp>: Boost 1.74 with g++ 12 in C++20 needs
// <utility> before any Asio header (awaitable.hpp uses std::exchange).
#include <utility>

#include <boost/asio.hpp>

namespace canhose {
namespace asio = boost::asio;
}  // namespace canhose
