#include "https/http_transport.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace canhose::https {

namespace {

char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return to_lower(x) == to_lower(y);
         });
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), to_lower);
  return out;
}

bool valid_host_name(std::string_view host) {
  // Letters, digits, '-', '.' and '_' (seen in some private DNS names); no empty labels.
  if (host.empty() || host.size() > 253 || host.front() == '.' ||
      host.find("..") != std::string_view::npos) {
    return false;
  }
  return std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_';
  });
}

EndpointParseResult failure(std::string_view url, std::string_view why) {
  EndpointParseResult r;
  r.error = "endpoint \"" + std::string(url) + "\": " + std::string(why);
  return r;
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  if (iequals(host, "localhost")) {
    return true;
  }
  const std::string text(host);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    return IN6_IS_ADDR_LOOPBACK(&v6);
  }
  return false;
}

std::optional<std::string> endpoint_override_problem(const std::string& url) {
  if (url.empty()) {
    return std::nullopt;
  }
  EndpointParseResult parsed = parse_endpoint(url);
  return parsed.ok() ? std::nullopt : std::optional<std::string>(std::move(parsed.error));
}

EndpointParseResult parse_endpoint(std::string_view url) {
  EndpointParseResult result;
  Endpoint& e = result.endpoint;
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return failure(url, "expected a URL such as https://firehose.eu-west-1.amazonaws.com");
  }
  e.scheme = lower(url.substr(0, scheme_end));
  if (e.scheme == "https") {
    e.port = 443;
  } else if (e.scheme == "http") {
    e.port = 80;
  } else {
    return failure(url, "scheme must be https (or http for a loopback test endpoint)");
  }
  std::string_view rest = url.substr(scheme_end + 3);
  const std::size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  const std::string_view tail =
      authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  if (!tail.empty() && tail != "/") {
    return failure(url, "must not have a path, query or fragment (only an optional '/')");
  }
  if (authority.find('@') != std::string_view::npos) {
    return failure(url, "must not contain user information ('@')");
  }
  std::string_view host;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return failure(url, "IPv6 address is missing its closing ']'");
    }
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        return failure(url, "unexpected text after the IPv6 address");
      }
      port_text = after.substr(1);
      if (port_text.empty()) {
        return failure(url, "empty port after ':'");
      }
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, std::string(host).c_str(), &v6) != 1) {
      return failure(url, "not a valid IPv6 address in brackets");
    }
    e.host = lower(host);
  } else {
    const std::size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) {
        return failure(url, "empty port after ':'");
      }
    }
    if (host.empty()) {
      return failure(url, "has no host");
    }
    if (!valid_host_name(host)) {
      return failure(url, "host \"" + std::string(host) + "\" is not a valid host name");
    }
    e.host = lower(host);
  }
  if (!port_text.empty()) {
    unsigned value = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535) {
      return failure(url, "port \"" + std::string(port_text) + "\" is not a number in 1-65535");
    }
    e.port = static_cast<std::uint16_t>(value);
  }
  if (e.scheme == "http" && !is_loopback_host(e.host)) {
    return failure(url,
                   "plain http is allowed only for loopback hosts (127.0.0.0/8, ::1, localhost); "
                   "use https");
  }
  return result;
}

std::string Endpoint::host_header() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  std::string out = ipv6 ? "[" + host + "]" : host;
  const std::uint16_t default_port = scheme == "http" ? 80 : 443;
  if (port != default_port) {
    out += ':';
    out += std::to_string(port);
  }
  return out;
}

const std::string* HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) {
      return &value;
    }
  }
  return nullptr;
}

}  // namespace canhose::https
