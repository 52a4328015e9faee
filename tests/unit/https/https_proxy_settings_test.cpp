// ProxySettings: which connections go through the CONNECT proxy, and how the proxy URL
// and its credentials are read.

#include "https/proxy_settings.hpp"
#include "support/scoped_env.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>

namespace canhose::https {
namespace {

using test::ScopedEnv;

ProxySettings parse_ok(const std::string& url, const std::string& no_proxy = "") {
  std::string error;
  auto settings = ProxySettings::parse(url, no_proxy, error);
  EXPECT_TRUE(settings.has_value()) << error;
  return settings ? *settings : ProxySettings{};
}

std::string parse_error(const std::string& url, const std::string& no_proxy = "") {
  std::string error;
  auto settings = ProxySettings::parse(url, no_proxy, error);
  EXPECT_FALSE(settings.has_value());
  return error;
}

TEST(HttpsProxySettings, UrlWithCredentialsGivesBasicAuthorizationAndHidesThem) {
  auto settings = parse_ok("http://fleet%40corp:s3cr%3At@10.0.0.1:3128/");
  const ProxyAddress* proxy = settings.proxy_for("firehose.eu-west-1.amazonaws.com", 443);
  ASSERT_NE(proxy, nullptr);
  EXPECT_EQ(proxy->host, "10.0.0.1");
  EXPECT_EQ(proxy->port, 3128);
  // base64("fleet@corp:s3cr:t")
  EXPECT_EQ(proxy->authorization.reveal(), "Basic ZmxlZXRAY29ycDpzM2NyOnQ=");
  EXPECT_EQ(proxy->display(), "10.0.0.1:3128");
}

TEST(HttpsProxySettings, SchemeLessUrlAndDefaultPort) {
  auto settings = parse_ok("proxy.local");
  const ProxyAddress* proxy = settings.proxy_for("example.com", 443);
  ASSERT_NE(proxy, nullptr);
  EXPECT_EQ(proxy->host, "proxy.local");
  EXPECT_EQ(proxy->port, 80);
  EXPECT_TRUE(proxy->authorization.empty());
}

TEST(HttpsProxySettings, Ipv6ProxyInBrackets) {
  auto settings = parse_ok("http://[fd00::1]:8080");
  const ProxyAddress* proxy = settings.proxy_for("example.com", 443);
  ASSERT_NE(proxy, nullptr);
  EXPECT_EQ(proxy->host, "fd00::1");
  EXPECT_EQ(proxy->display(), "[fd00::1]:8080");
}

TEST(HttpsProxySettings, UnusableUrlsAreRefusedWithoutShowingThePassword) {
  EXPECT_NE(parse_error("https://proxy:3128").find("not supported"), std::string::npos);
  EXPECT_NE(parse_error("socks5://proxy:1080").find("not supported"), std::string::npos);
  std::string bad_port = parse_error("http://user:topsecret@proxy:99999");
  EXPECT_NE(bad_port.find("invalid port"), std::string::npos);
  EXPECT_EQ(bad_port.find("topsecret"), std::string::npos);
  EXPECT_NE(parse_error("http://user:pw@").find("no host"), std::string::npos);
  EXPECT_NE(parse_error("http://proxy:3128", "10.0.0.0/99").find("address range"),
            std::string::npos);
}

// Found by fuzzing: a '/' in the password cut the URL at the password, and the daemon
// exited with "invalid port 'Top'" (a piece of the password in the log).
TEST(HttpsProxySettings, PasswordWithSlashQuestionHashAndAtIsPartOfTheUserInformation) {
  auto settings = parse_ok("http://user:Top/Secret@127.0.0.1:3128");
  const ProxyAddress* proxy = settings.proxy_for("firehose.eu-west-1.amazonaws.com", 443);
  ASSERT_NE(proxy, nullptr);
  EXPECT_EQ(proxy->host, "127.0.0.1");
  EXPECT_EQ(proxy->port, 3128);
  EXPECT_EQ(proxy->authorization.reveal(), "Basic dXNlcjpUb3AvU2VjcmV0");  // user:Top/Secret
  // '?', '#', '@' and ':' in the password, and a path after the host.
  auto odd = parse_ok("http://fleet:a?b#c@d:e@proxy.corp:8080/ignored?x#y");
  proxy = odd.proxy_for("example.com", 443);
  ASSERT_NE(proxy, nullptr);
  EXPECT_EQ(proxy->host, "proxy.corp");
  EXPECT_EQ(proxy->port, 8080);
  EXPECT_EQ(proxy->authorization.reveal(), "Basic ZmxlZXQ6YT9iI2NAZDpl");  // fleet:a?b#c@d:e
  // Percent-escapes are decoded in the user name and the password separately.
  auto escaped = parse_ok("http://us%65r:Top%2FSecret%25@127.0.0.1:3128");
  EXPECT_EQ(escaped.proxy_for("example.com", 443)->authorization.reveal(),
            "Basic dXNlcjpUb3AvU2VjcmV0JQ==");  // user:Top/Secret%
  // A user without a password.
  EXPECT_EQ(
      parse_ok("http://user@proxy:3128").proxy_for("example.com", 443)->authorization.reveal(),
      "Basic dXNlcjo=");
}

TEST(HttpsProxySettings, ErrorsNeverQuoteAnyPartOfThePassword) {
  for (const std::string url :
       {"http://user:Top/Secret@proxy:99999", "http://user:Top/Secret@proxy:Top",
        "http://user:Top%zzSecret@proxy:3128", "http://user:Top/Secret@", "http://user:Top/Secret",
        "http://us%3Aer:Top/Secret@proxy:3128", "socks5://user:Top/Secret@proxy:1080"}) {
    const std::string error = parse_error(url);
    EXPECT_FALSE(error.empty()) << url;
    EXPECT_EQ(error.find("Top"), std::string::npos) << url << ": " << error;
    EXPECT_EQ(error.find("Secret"), std::string::npos) << url << ": " << error;
  }
  // Found by fuzzing (tests/fuzz/corpus/proxy_url/credentials-before-scheme): text before
  // "://" was quoted as the scheme, lower-cased, whatever it held.
  for (const std::string url : {"user:Top/Secret@http://proxy:3128", "Top Secret://proxy:3128"}) {
    std::string error = parse_error(url);
    std::transform(error.begin(), error.end(), error.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    EXPECT_NE(error.find("must start with http://"), std::string::npos) << url << ": " << error;
    EXPECT_EQ(error.find("top"), std::string::npos) << url << ": " << error;
    EXPECT_EQ(error.find("secret"), std::string::npos) << url << ": " << error;
  }
  EXPECT_NE(parse_error("socks5://proxy:1080").find("scheme socks5 is not supported"),
            std::string::npos);
  EXPECT_NE(parse_error("http://user:pw@proxy:99999").find("invalid port '99999'"),
            std::string::npos);
  EXPECT_NE(parse_error("http://user:Top%zz@proxy:3128").find("badly escaped password"),
            std::string::npos);
}

TEST(HttpsProxySettings, NoProxyMatchesDomainsSuffixesAddressesRangesAndPorts) {
  auto settings = parse_ok("http://proxy:3128",
                           "example.com, .internal.corp,*.wild.test, 192.168.7.9, 10.0.0.0/8, "
                           "fd00::/8, special.host:8443");
  auto direct = [&](const std::string& host, std::uint16_t port = 443) {
    return settings.proxy_for(host, port) == nullptr;
  };
  EXPECT_TRUE(direct("example.com"));
  EXPECT_TRUE(direct("api.example.com"));
  EXPECT_TRUE(direct("EXAMPLE.COM"));
  EXPECT_FALSE(direct("badexample.com"));
  EXPECT_TRUE(direct("a.internal.corp"));
  EXPECT_TRUE(direct("internal.corp"));
  EXPECT_TRUE(direct("x.wild.test"));
  EXPECT_TRUE(direct("192.168.7.9"));
  EXPECT_FALSE(direct("192.168.7.10"));
  EXPECT_TRUE(direct("10.20.30.40"));
  EXPECT_FALSE(direct("11.0.0.1"));
  EXPECT_TRUE(direct("fd12::5"));
  EXPECT_TRUE(direct("special.host", 8443));
  EXPECT_FALSE(direct("special.host", 443));
  EXPECT_FALSE(direct("firehose.eu-west-1.amazonaws.com"));
}

TEST(HttpsProxySettings, NoProxyStarBypassesEverything) {
  auto settings = parse_ok("http://proxy:3128", "*");
  EXPECT_EQ(settings.proxy_for("firehose.eu-west-1.amazonaws.com", 443), nullptr);
}

TEST(HttpsProxySettings, EnvironmentIsUsedWhenNoProxyIsConfigured) {
  ScopedEnv a("https_proxy", "http://env-proxy:8080");
  ScopedEnv b("HTTPS_PROXY", "http://ignored-upper:1");
  ScopedEnv c("no_proxy", "skip.example");
  ScopedEnv d("NO_PROXY", nullptr);
  std::string error;
  auto settings = ProxySettings::from_options("", "", error);
  ASSERT_TRUE(settings.has_value()) << error;
  const ProxyAddress* proxy = settings->proxy_for("firehose.eu-west-1.amazonaws.com", 443);
  ASSERT_NE(proxy, nullptr);
  EXPECT_EQ(proxy->host, "env-proxy");
  EXPECT_EQ(settings->proxy_for("skip.example", 443), nullptr);

  auto none = ProxySettings::from_options("none", "", error);
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->enabled());
}

TEST(HttpsProxySettings, UpperCaseEnvironmentWorksAlone) {
  ScopedEnv a("https_proxy", nullptr);
  ScopedEnv b("HTTPS_PROXY", "http://upper:3128");
  std::string error;
  auto settings = ProxySettings::from_options("", "", error);
  ASSERT_TRUE(settings.has_value()) << error;
  ASSERT_TRUE(settings->enabled());
  EXPECT_EQ(settings->proxy_for("x.example", 443)->host, "upper");
}

TEST(HttpsProxySettings, BadEnvironmentProxyNamesTheVariable) {
  ScopedEnv a("https_proxy", "ftp://nope");
  std::string error;
  EXPECT_FALSE(ProxySettings::from_options("", "", error).has_value());
  EXPECT_NE(error.find("HTTPS_PROXY"), std::string::npos) << error;
}

}  // namespace
}  // namespace canhose::https
