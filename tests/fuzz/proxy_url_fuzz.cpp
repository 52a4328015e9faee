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
#include <utility>

#include "aws/proxy_settings.hpp"

namespace {

// Where the password is in `url`: the text between "scheme://user:" and the last '@',
// when the URL has that shape and the text appears nowhere else (not in the host, not in
// NO_PROXY). {npos, 0} otherwise.
std::pair<std::size_t, std::size_t> password_in(std::string_view url, std::string_view no_proxy) {
  const std::pair<std::size_t, std::size_t> none{std::string_view::npos, 0};
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return none;
  }
  const std::size_t start = scheme_end + 3;
  const std::string_view rest = url.substr(start);
  const std::size_t at = rest.rfind('@');
  if (at == std::string_view::npos) {
    return none;
  }
  const std::size_t colon = rest.substr(0, at).find(':');
  if (colon == std::string_view::npos) {
    return none;
  }
  const std::string_view password = rest.substr(colon + 1, at - colon - 1);
  if (rest.substr(at + 1).find(password) != std::string_view::npos ||
      no_proxy.find(password) != std::string_view::npos) {
    return none;
  }
  return {start + colon + 1, password.size()};
}

// Whether `error` shows the password rather than text of its own that happens to match
// it (the fuzzer copies the messages' words into its inputs): parsed again with every
// copy of the password replaced by as many 'Q's, a leaking message no longer holds it.
bool shows_password(const std::string& url, std::size_t at, std::size_t length,
                    const std::string& no_proxy, const std::string& error) {
  const std::string password = url.substr(at, length);
  if (error.find(password) == std::string::npos) {
    return false;
  }
  std::string other_url = url;  // every copy replaced, wherever the parser may quote from
  for (std::size_t p = other_url.find(password); p != std::string::npos;
       p = other_url.find(password, p + length)) {
    other_url.replace(p, length, std::string(length, 'Q'));
  }
  std::string other_error;
  (void)canhose::aws::ProxySettings::parse(other_url, no_proxy, other_error);
  return other_error.find(password) == std::string::npos;
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
  // A password of a few characters may match a message's own words by chance.
  const auto [at, length] = password_in(url, no_proxy);
  const bool check_password = length >= 6;
  if (!settings) {
    if (check_password && shows_password(url, at, length, no_proxy, error)) {
      std::abort();  // the password reached an error message
    }
    return 0;
  }
  const std::string password = check_password ? url.substr(at, length) : std::string();
  for (const char* host : {"firehose.eu-west-1.amazonaws.com", "127.0.0.1", "::1", "localhost"}) {
    if (const auto* proxy = settings->proxy_for(host, 443)) {
      if (check_password && proxy->display().find(password) != std::string::npos) {
        std::abort();  // the password reached display()
      }
    }
  }
  return 0;
}
