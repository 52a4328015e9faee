#include <gtest/gtest.h>

#include "https/http_transport.hpp"

namespace canhose::https {
namespace {

TEST(ParseEndpoint, DefaultFirehoseEndpoint) {
  const auto r = parse_endpoint("https://firehose.eu-west-1.amazonaws.com");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.endpoint.scheme, "https");
  EXPECT_EQ(r.endpoint.host, "firehose.eu-west-1.amazonaws.com");
  EXPECT_EQ(r.endpoint.port, 443);
  EXPECT_EQ(r.endpoint.host_header(), "firehose.eu-west-1.amazonaws.com");
}

TEST(ParseEndpoint, TrailingSlashAndUpperCaseAreAccepted) {
  const auto r = parse_endpoint("HTTPS://Firehose.EU-West-1.amazonaws.com/");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.endpoint.host, "firehose.eu-west-1.amazonaws.com");
}

TEST(ParseEndpoint, ExplicitPortAppearsInHostHeaderOnlyWhenNotDefault) {
  auto r = parse_endpoint("https://vpce.example.com:8443");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.endpoint.port, 8443);
  EXPECT_EQ(r.endpoint.host_header(), "vpce.example.com:8443");
  r = parse_endpoint("https://vpce.example.com:443");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.endpoint.host_header(), "vpce.example.com");
}

TEST(ParseEndpoint, HttpIsAllowedForLoopbackHosts) {
  for (const char* url : {"http://127.0.0.1:18080", "http://127.1.2.3", "http://localhost:80/",
                          "http://[::1]:8080"}) {
    const auto r = parse_endpoint(url);
    EXPECT_TRUE(r.ok()) << url << ": " << r.error;
  }
  const auto v6 = parse_endpoint("http://[::1]:8080");
  EXPECT_EQ(v6.endpoint.host, "::1");
  EXPECT_EQ(v6.endpoint.host_header(), "[::1]:8080");
  EXPECT_EQ(parse_endpoint("http://127.0.0.1").endpoint.host_header(), "127.0.0.1");
}

TEST(ParseEndpoint, HttpToANonLoopbackHostIsRefusedWithAReason) {
  for (const char* url : {"http://firehose.eu-west-1.amazonaws.com", "http://10.0.0.1",
                          "http://128.0.0.1", "http://[::2]", "http://localhost.evil.com"}) {
    const auto r = parse_endpoint(url);
    EXPECT_FALSE(r.ok()) << url;
    EXPECT_NE(r.error.find("loopback"), std::string::npos) << r.error;
  }
}

TEST(ParseEndpoint, MalformedUrlsGiveClearErrors) {
  struct Case {
    const char* url;
    const char* says;
  };
  for (const Case& c :
       {Case{"firehose.amazonaws.com", "expected a URL"}, Case{"ftp://host", "scheme"},
        Case{"https://", "no host"}, Case{"https://host:", "empty port"},
        Case{"https://host:0", "port"}, Case{"https://host:65536", "port"},
        Case{"https://host:12ab", "port"}, Case{"https://user:pw@host", "user information"},
        Case{"https://host/path", "path"}, Case{"https://host?x=1", "query"},
        Case{"https://ho st", "not a valid host"}, Case{"https://[::1", "closing"},
        Case{"https://[zz]:1", "IPv6"}}) {
    const auto r = parse_endpoint(c.url);
    EXPECT_FALSE(r.ok()) << c.url;
    EXPECT_NE(r.error.find(c.says), std::string::npos) << c.url << " -> " << r.error;
  }
}

TEST(HttpResponse, HeaderLookupIsCaseInsensitive) {
  HttpResponse response;
  response.headers = {{"Date", "Wed, 25 Nov 2026 18:00:00 GMT"}, {"x-amzn-RequestId", "abc"}};
  ASSERT_NE(response.header("date"), nullptr);
  EXPECT_EQ(*response.header("X-AMZN-REQUESTID"), "abc");
  EXPECT_EQ(response.header("Content-Type"), nullptr);
}

TEST(HttpRequest, SetHeaderReplacesCaseInsensitivelyAndDropsDuplicates) {
  HttpRequest request;
  request.headers = {{"x-amz-date", "old"}, {"Host", "h"}, {"X-AMZ-DATE", "older"}};
  request.set_header("X-Amz-Date", "new");
  EXPECT_EQ(request.headers.size(), 2u);
  EXPECT_EQ(*request.header("x-amz-date"), "new");
  request.set_header("X-Amz-Target", "t");
  EXPECT_EQ(request.headers.back().first, "X-Amz-Target");
}

}  // namespace
}  // namespace canhose::https
