// The proxy URL parser (lib/https/proxy_settings.cpp) on arbitrary bytes: the URL comes
// from the configuration or HTTPS_PROXY, and generated passwords hold any character.
//
// The input is split at the first newline: the proxy URL before it, the NO_PROXY list
// after it. Invariants checked beyond "no crash": an error message never contains the
// password of a URL that has one, and an accepted proxy's display() never does either.

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include "https/proxy_settings.hpp"

namespace {

// Where the password is in `url`: the text between "scheme://user:" and the last '@',
// when the URL has that shape. {npos, 0} otherwise.
std::pair<std::size_t, std::size_t> password_in(std::string_view url) {
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
  return {start + colon + 1, at - colon - 1};
}

// What the parser says of `url`: its error, or the display() of every proxy it picks.
std::string what_is_shown(const std::string& url, const std::string& no_proxy) {
  std::string shown;
  const auto settings = canhose::https::ProxySettings::parse(url, no_proxy, shown);
  if (settings) {
    for (const char* host : {"firehose.eu-west-1.amazonaws.com", "127.0.0.1", "::1", "localhost"}) {
      if (const auto* proxy = settings->proxy_for(host, 443)) {
        shown += '\n' + proxy->display();
      }
    }
  }
  return shown;
}

// The password marked: every letter and digit of it replaced by `mark`, except the two
// hex digits of a percent escape, so that the parser takes the same path (a badly
// escaped password stays badly escaped). "" when fewer than six characters are marked:
// a short mark may match a message's own words by chance.
std::string marked(std::string_view password, char mark) {
  std::string out(password);
  int marks = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '%') {
      i += 2;
    } else if (std::isalnum(static_cast<unsigned char>(out[i])) != 0) {
      out[i] = mark;
      ++marks;
    }
  }
  return marks >= 6 ? out : std::string();
}

// Whether the parser shows the password of `url` in an error or in display(). Text it
// shows that merely matches the password (the scheme, the host, a NO_PROXY entry, or the
// messages' own words, which the fuzzer copies into its inputs) is not a leak, so the
// password is marked with a letter found nowhere in the input, and the parser is asked
// again: a leak shows the mark.
bool shows_password(const std::string& url, const std::string& no_proxy) {
  const auto [at, length] = password_in(url);
  if (length == 0) {
    return false;
  }
  for (const char mark : {'Q', 'Z', 'J', 'K', 'V', 'W'}) {
    const std::string both{mark, static_cast<char>(mark - 'A' + 'a')};
    if (url.find_first_of(both) != std::string::npos ||
        no_proxy.find_first_of(both) != std::string::npos) {
      continue;
    }
    const std::string password = marked(std::string_view(url).substr(at, length), mark);
    if (password.empty()) {
      return false;
    }
    std::string other_url = url;
    other_url.replace(at, length, password);
    return what_is_shown(other_url, no_proxy).find(password) != std::string::npos;
  }
  return false;  // every mark is in the input
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string url(input.substr(0, newline));
  const std::string no_proxy(newline == std::string_view::npos ? std::string_view{}
                                                               : input.substr(newline + 1));
  (void)what_is_shown(url, no_proxy);
  if (shows_password(url, no_proxy)) {
    std::abort();  // the password reached an error message or display()
  }
  return 0;
}
