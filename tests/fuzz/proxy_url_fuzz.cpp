// The proxy URL parser (lib/aws/proxy_settings.cpp) on arbitrary bytes: the URL comes
// from the configuration or HTTPS_PROXY, and generated passwords hold any character.
//
// The input is split at the first newline: the proxy URL before it, the NO_PROXY list
// after it. Invariants checked beyond "no crash": an error message never contains the
// password of a URL that has one, and an accepted proxy's display() never does either.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "aws/proxy_settings.hpp"

namespace {

// The text between "scheme://user:" and the last '@', when the URL has that shape and
// the text appears nowhere else (not in the host, not in NO_PROXY), so that finding it in
// a message means the password leaked rather than a coincidence.
std::string password_of(std::string_view url, std::string_view no_proxy) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return {};
  }
  const std::string_view rest = url.substr(scheme_end + 3);
  const std::size_t at = rest.rfind('@');
  if (at == std::string_view::npos) {
    return {};
  }
  const std::string_view userinfo = rest.substr(0, at);
  const std::size_t colon = userinfo.find(':');
  if (colon == std::string_view::npos) {
    return {};
  }
  const std::string_view password = userinfo.substr(colon + 1);
  if (rest.substr(at + 1).find(password) != std::string_view::npos ||
      no_proxy.find(password) != std::string_view::npos) {
    return {};
  }
  return std::string(password);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string url(input.substr(0, newline));
  const std::string no_proxy(newline == std::string_view::npos ? std::string_view{}
                                                               : input.substr(newline + 1));
  std::string error;
  const auto settings = canhose::aws::ProxySettings::parse(url, no_proxy, error);
  // A short or all-lower-case password may match a message's own words ("expected").
  const std::string password = password_of(url, no_proxy);
  const bool check_password =
      password.size() >= 8 &&
      password.find_first_not_of("abcdefghijklmnopqrstuvwxyz ") != std::string::npos;
  if (!settings) {
    if (check_password && error.find(password) != std::string::npos) {
      std::abort();  // the password reached an error message
    }
    return 0;
  }
  for (const char* host : {"firehose.eu-west-1.amazonaws.com", "127.0.0.1", "::1", "localhost"}) {
    if (const auto* proxy = settings->proxy_for(host, 443)) {
      if (check_password && proxy->display().find(password) != std::string::npos) {
        std::abort();  // the password reached display()
      }
    }
  }
  return 0;
}
