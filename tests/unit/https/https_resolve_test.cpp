// Name resolution of HttpsTransport against this program's own getaddrinfo(): it stands in
// front of the C library's, records every name asked, and holds names under
// ".resolver-hangs.test" until the test lets them go, as a DNS server that drops queries
// (or a stuck nsswitch module) holds the resolver's thread. Every other name goes on to
// the C library (or, in the sanitizer build, to ASan's interceptor in front of it).

#include <dlfcn.h>
#include <netdb.h>

#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "https_transport_fixture.hpp"

namespace {

struct HangingResolver {
  std::mutex mutex;
  std::condition_variable released_cv;
  bool released = false;
  std::vector<std::string> asked;
};

HangingResolver& hanging_resolver() {
  static HangingResolver r;
  return r;
}

bool should_hang(const char* node) {
  static constexpr std::string_view kSuffix = ".resolver-hangs.test";
  const std::string_view name = node == nullptr ? std::string_view{} : node;
  return name.size() > kSuffix.size() && name.ends_with(kSuffix);
}

}  // namespace

extern "C" int getaddrinfo(const char* node, const char* service, const addrinfo* hints,
                           addrinfo** res) {
  using Real = int (*)(const char*, const char*, const addrinfo*, addrinfo**);
  static const Real real = [] {
    Real f = nullptr;
    void* symbol = dlsym(RTLD_NEXT, "getaddrinfo");
    std::memcpy(&f, &symbol, sizeof f);
    return f;
  }();
  HangingResolver& r = hanging_resolver();
  {
    std::unique_lock lock(r.mutex);
    r.asked.emplace_back(node == nullptr ? "" : node);
    if (should_hang(node)) {
      r.released_cv.wait(lock, [&r] { return r.released; });
      return EAI_NONAME;
    }
  }
  return real(node, service, hints, res);
}

namespace canhose::https {
namespace {

class HttpsResolveTest : public HttpsTransportTest {
 protected:
  void SetUp() override {
    std::lock_guard lock(hanging_resolver().mutex);
    hanging_resolver().released = false;
    hanging_resolver().asked.clear();
  }
  // Lets a held getaddrinfo() return before the io_context (and its resolver thread, which
  // it joins) is destroyed.
  void TearDown() override { release(); }

  static void release() {
    std::lock_guard lock(hanging_resolver().mutex);
    hanging_resolver().released = true;
    hanging_resolver().released_cv.notify_all();
  }
  static std::vector<std::string> asked() {
    std::lock_guard lock(hanging_resolver().mutex);
    return hanging_resolver().asked;
  }
};

TEST_F(HttpsResolveTest, ResolverThatNeverAnswersFailsTheRequestAtTheResolveTimeout) {
  auto o = options();
  o.timeouts.resolve = 200ms;
  HttpsTransport transport(io.get_executor(), o);
  HttpResult result = send(transport, endpoint(443, "firehose.resolver-hangs.test"));

  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.phase, HttpPhase::resolve);
  EXPECT_EQ(result.error, std::make_error_code(std::errc::timed_out));
  EXPECT_EQ(result.message, "resolve firehose.resolver-hangs.test: resolve timed out after 200ms");
  EXPECT_EQ(asked(), std::vector<std::string>{"firehose.resolver-hangs.test"});
}

TEST_F(HttpsResolveTest, AddressLiteralsAreConnectedToWithoutTheResolver) {
  TlsTestServer server(server_options(server_cert), [](const TestRequest&) { return ok_reply(); });
  auto o = options();
  o.timeouts.resolve = 200ms;
  o.pool_size = 0;  // a new connection, so a new look-up, for every request
  HttpsTransport transport(io.get_executor(), o);

  // The resolver's only thread is held by the first request: a second look-up would
  // queue behind it. The addresses still get through.
  HttpResult held = send(transport, endpoint(443, "firehose.resolver-hangs.test"));
  ASSERT_EQ(held.phase, HttpPhase::resolve);
  HttpResult v4 = send(transport, endpoint(server.port(), "127.0.0.1"));
  EXPECT_TRUE(v4.ok()) << v4.message;
  EXPECT_EQ(asked(), std::vector<std::string>{"firehose.resolver-hangs.test"});

  // A name does go through getaddrinfo() (this test sees the calls it claims are absent).
  release();
  HttpResult named = send(transport, endpoint(server.port(), "localhost"));
  EXPECT_TRUE(named.ok()) << named.message;
  EXPECT_EQ(asked().back(), "localhost");
}

}  // namespace
}  // namespace canhose::https
