#include "https/proxy_settings.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

#include "asio/asio.hpp"

namespace canhose::https {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string trim(const std::string& text) {
  auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) {
    return {};
  }
  auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

const char* getenv_either(const char* lower_name, const char* upper_name) {
  // curl's order: the lower-case spelling wins.
  if (const char* v = std::getenv(lower_name); v != nullptr && *v != '\0') {
    return v;
  }
  if (const char* v = std::getenv(upper_name); v != nullptr && *v != '\0') {
    return v;
  }
  return nullptr;
}

std::optional<std::string> percent_decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      return std::nullopt;
    }
    out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
    i += 2;
  }
  return out;
}

std::optional<std::uint16_t> parse_port(const std::string& text) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(value);
}

// Splits "host:port", "[v6]:port", "host" (port stays empty).
bool split_host_port(const std::string& text, std::string& host, std::string& port) {
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos) {
      return false;
    }
    host = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') {
        return false;
      }
      port = text.substr(close + 2);
    }
    return true;
  }
  auto colon = text.find(':');
  if (colon != std::string::npos && text.find(':', colon + 1) != std::string::npos) {
    host = text;  // a bare IPv6 address
    return true;
  }
  host = text.substr(0, colon);
  if (colon != std::string::npos) {
    port = text.substr(colon + 1);
  }
  return true;
}

std::string base64(const std::string& data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

bool in_cidr(const asio::ip::address& address, const asio::ip::address& network, int prefix) {
  if (address.is_v4() != network.is_v4()) {
    return false;
  }
  auto compare = [prefix](const auto& a, const auto& b) {
    int bits = prefix;
    for (std::size_t i = 0; i < a.size() && bits > 0; ++i, bits -= 8) {
      unsigned mask = bits >= 8 ? 0xffU : (0xffU << (8 - bits)) & 0xffU;
      if ((a[i] & mask) != (b[i] & mask)) {
        return false;
      }
    }
    return true;
  };
  if (address.is_v4()) {
    return compare(address.to_v4().to_bytes(), network.to_v4().to_bytes());
  }
  return compare(address.to_v6().to_bytes(), network.to_v6().to_bytes());
}

}  // namespace

std::string ProxyAddress::display() const {
  if (host.find(':') != std::string::npos) {
    return "[" + host + "]:" + std::to_string(port);
  }
  return host + ":" + std::to_string(port);
}

std::optional<ProxySettings> ProxySettings::from_options(const std::string& proxy,
                                                         const std::string& no_proxy,
                                                         std::string& error) {
  if (proxy == "none") {
    return ProxySettings{};
  }
  if (!proxy.empty()) {
    return parse(proxy, no_proxy, error);
  }
  const char* url = getenv_either("https_proxy", "HTTPS_PROXY");
  if (url == nullptr) {
    return ProxySettings{};
  }
  const char* exceptions = getenv_either("no_proxy", "NO_PROXY");
  auto settings = parse(url, exceptions != nullptr ? exceptions : "", error);
  if (!settings) {
    error = "HTTPS_PROXY: " + error;
  }
  return settings;
}

std::optional<ProxySettings> ProxySettings::parse(const std::string& url_text,
                                                  const std::string& no_proxy, std::string& error) {
  std::string rest = trim(url_text);
  auto scheme_end = rest.find("://");
  if (scheme_end != std::string::npos) {
    std::string scheme = lower(rest.substr(0, scheme_end));
    // RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). Only such a scheme is quoted
    // back: text before "://" that is not one may hold credentials
    // ("user:pw@http://proxy:3128"), and a message must never show them.
    const bool is_scheme = !scheme.empty() &&
                           std::isalpha(static_cast<unsigned char>(scheme.front())) != 0 &&
                           std::all_of(scheme.begin(), scheme.end(), [](char c) {
                             return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' ||
                                    c == '-' || c == '.';
                           });
    if (!is_scheme) {
      error =
          "the proxy URL must start with http:// (what comes before \"://\" is not a "
          "scheme; it is not shown, as it may hold credentials)";
      return std::nullopt;
    }
    if (scheme != "http") {
      error = "proxy URL scheme " + scheme +
              " is not supported (use an http:// proxy; the tunnel itself is TLS)";
      return std::nullopt;
    }
    rest = rest.substr(scheme_end + 3);
  }
  ProxyAddress address;
  // The user information ends at the last '@'. RFC 3986 forbids an unescaped '/', '?',
  // '#' or '@' in it, but generated passwords contain them and users paste them as they
  // are: so the host part (and any path after it) is what follows the last '@', and only
  // then is the path cut off. Splitting at the first '/' first turned the password
  // "Top/Secret" into the host "user" with the port "Top".
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    const std::string userinfo = rest.substr(0, at);
    const auto colon = userinfo.find(':');
    auto user = percent_decode(userinfo.substr(0, colon));
    auto password =
        percent_decode(colon == std::string::npos ? std::string() : userinfo.substr(colon + 1));
    if (!user || !password) {
      error = std::string("proxy URL has a badly escaped ") + (user ? "password" : "user name") +
              " (write a '%' as %25)";
      return std::nullopt;
    }
    if (user->find(':') != std::string::npos) {
      error = "proxy user name contains ':' (Basic authentication cannot carry it)";
      return std::nullopt;
    }
    address.authorization = base::Secret("Basic " + base64(*user + ":" + *password));
    base::Secret wipe_user(std::move(*user));
    base::Secret wipe_password(std::move(*password));
    rest = rest.substr(at + 1);
  }
  if (auto path = rest.find_first_of("/?#"); path != std::string::npos) {
    rest.resize(path);
  }
  std::string port_text;
  if (!split_host_port(rest, address.host, port_text) || address.host.empty()) {
    error = "proxy URL has no host";
    return std::nullopt;
  }
  address.port = 80;  // curl's default for http:// proxies
  if (!port_text.empty()) {
    auto port = parse_port(port_text);
    if (!port) {
      // Quoted only when it is digits: text that is not could be a fragment of a
      // mistyped password.
      error =
          "proxy URL has an invalid port" +
          (port_text.find_first_not_of("0123456789") == std::string::npos ? " '" + port_text + "'"
                                                                          : std::string()) +
          " (expected 1-65535)";
      return std::nullopt;
    }
    address.port = *port;
  }
  address.host = lower(address.host);

  ProxySettings settings;
  settings.proxy_ = std::move(address);
  std::size_t start = 0;
  while (start <= no_proxy.size()) {
    auto comma = no_proxy.find(',', start);
    std::string entry = lower(trim(
        no_proxy.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    start = comma == std::string::npos ? no_proxy.size() + 1 : comma + 1;
    if (entry.empty()) {
      continue;
    }
    Exception exception;
    if (auto slash = entry.find('/'); slash != std::string::npos) {
      int prefix = -1;
      auto bits = entry.substr(slash + 1);
      auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
      boost::system::error_code aec;
      const auto network = asio::ip::make_address(entry.substr(0, slash), aec);
      if (ec != std::errc() || end != bits.data() + bits.size() || aec || prefix < 0 ||
          prefix > (network.is_v4() ? 32 : 128)) {
        error = "NO_PROXY entry '" + entry + "' is not a valid address range";
        return std::nullopt;
      }
      exception.name = entry.substr(0, slash);
      exception.prefix = prefix;
    } else {
      std::string host;
      std::string port;
      split_host_port(entry, host, port);
      if (!port.empty()) {
        exception.port = parse_port(port);
        if (!exception.port) {
          error = "NO_PROXY entry '" + entry + "' has an invalid port";
          return std::nullopt;
        }
      }
      while (host.starts_with("*.") || host.starts_with(".")) {
        host.erase(0, host.front() == '*' ? 2 : 1);
      }
      exception.name = host;
    }
    settings.exceptions_.push_back(std::move(exception));
  }
  return settings;
}

bool ProxySettings::bypasses(const std::string& host_in, std::uint16_t port) const {
  const std::string host = lower(host_in);
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  const bool is_address = !ec;
  for (const auto& e : exceptions_) {
    if (e.name == "*") {
      return true;
    }
    if (e.port && *e.port != port) {
      continue;
    }
    if (e.prefix >= 0) {
      if (is_address && in_cidr(address, asio::ip::make_address(e.name), e.prefix)) {
        return true;
      }
      continue;
    }
    if (host == e.name) {
      return true;
    }
    if (!is_address && host.size() > e.name.size() && host.ends_with(e.name) &&
        host[host.size() - e.name.size() - 1] == '.') {
      return true;
    }
  }
  return false;
}

const ProxyAddress* ProxySettings::proxy_for(const std::string& host, std::uint16_t port) const {
  if (!proxy_ || bypasses(host, port)) {
    return nullptr;
  }
  return &*proxy_;
}

}  // namespace canhose::https
