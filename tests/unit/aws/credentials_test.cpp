// Credentials providers against real files and real environment variables, and
// CachedCredentials on a real io_context with a provider that completes later (as the
// AWS IoT provider does) and fails on demand.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <deque>

#include "asio/asio.hpp"
#include "aws/cached_credentials.hpp"
#include "aws/credentials_options.hpp"
#include "aws/credentials_provider_chain.hpp"
#include "aws/environment_credentials_provider.hpp"
#include "aws/ini_file.hpp"
#include "aws/profile_credentials_provider.hpp"
#include "aws/static_credentials_provider.hpp"
#include "support/temp_dir.hpp"

namespace canhose::aws {
namespace {

using namespace std::chrono;

// Sets environment variables for one test and restores the previous values after it.
class ScopedEnv {
 public:
  void set(const char* name, const char* value) {
    remember(name);
    if (value != nullptr) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    for (auto& [name, old] : saved_) {
      if (old) {
        ::setenv(name.c_str(), old->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
  }

 private:
  void remember(const char* name) {
    for (auto& [n, v] : saved_)
      if (n == name)
        return;
    const char* old = std::getenv(name);
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
  }
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

CredentialsResult fetch_now(CredentialsProvider& provider) {
  std::optional<CredentialsResult> out;
  provider.fetch([&](CredentialsResult r) { out = std::move(r); });
  EXPECT_TRUE(out.has_value()) << provider.name() << " did not complete immediately";
  return out ? std::move(*out) : CredentialsResult{};
}

void clear_aws_env(ScopedEnv& env) {
  for (const char* n : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                        "AWS_SECURITY_TOKEN", "AWS_SHARED_CREDENTIALS_FILE", "AWS_PROFILE"}) {
    env.set(n, nullptr);
  }
}

TEST(StaticCredentialsProvider, ReturnsTheConfiguredKeys) {
  Credentials c;
  c.access_key_id = "AKIDEXAMPLE";
  c.secret_access_key = base::Secret("secret");
  StaticCredentialsProvider provider(c);
  const auto r = fetch_now(provider);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.credentials.access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(r.credentials.secret_access_key.reveal(), "secret");
  EXPECT_EQ(r.credentials.source, "static configuration");
}

TEST(StaticCredentialsProvider, MissingSecretIsAnError) {
  Credentials c;
  c.access_key_id = "AKIDEXAMPLE";
  StaticCredentialsProvider provider(c);
  EXPECT_FALSE(fetch_now(provider).ok());
}

TEST(ConfigFilePermissions, WarnsWhenGroupOrOthersCanRead) {
  test::TempDir dir;
  const auto path = dir.write("canhose.yaml", "credentials: {}\n");
  ::chmod(path.c_str(), 0600);
  EXPECT_FALSE(warn_if_readable_by_others(path));
  ::chmod(path.c_str(), 0640);
  EXPECT_TRUE(warn_if_readable_by_others(path));
  ::chmod(path.c_str(), 0604);
  EXPECT_TRUE(warn_if_readable_by_others(path));
  EXPECT_FALSE(warn_if_readable_by_others(dir.path() / "missing.yaml"));
}

TEST(EnvironmentCredentialsProvider, ReadsKeysAndSessionToken) {
  ScopedEnv env;
  clear_aws_env(env);
  env.set("AWS_ACCESS_KEY_ID", "AKIAENV");
  env.set("AWS_SECRET_ACCESS_KEY", "envsecret");
  env.set("AWS_SESSION_TOKEN", "envtoken");
  EnvironmentCredentialsProvider provider;
  const auto r = fetch_now(provider);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.credentials.access_key_id, "AKIAENV");
  EXPECT_EQ(r.credentials.secret_access_key.reveal(), "envsecret");
  EXPECT_EQ(r.credentials.session_token.reveal(), "envtoken");
}

TEST(EnvironmentCredentialsProvider, HalfConfiguredEnvironmentSaysWhichIsMissing) {
  ScopedEnv env;
  clear_aws_env(env);
  EnvironmentCredentialsProvider provider;
  EXPECT_FALSE(fetch_now(provider).ok());
  env.set("AWS_ACCESS_KEY_ID", "AKIAENV");
  const auto r = fetch_now(provider);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.message.find("AWS_SECRET_ACCESS_KEY is not"), std::string::npos) << r.message;
}

TEST(IniFile, ParsesSectionsKeysCommentsAndNestedValues) {
  const auto r = IniFile::parse(
      "# comment\n; other\n[default]\naws_access_key_id = AKIA1 \n"
      "aws_secret_access_key=s/e=c+r\n\n[ fleet ]\nregion=eu-west-1\ns3 =\n  max = 10\n"
      "aws_access_key_id=AKIA2\r\n",
      "creds");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_NE(r.file.section("default"), nullptr);
  EXPECT_EQ(r.file.section("default")->at("aws_access_key_id"), "AKIA1");
  EXPECT_EQ(r.file.section("default")->at("aws_secret_access_key"), "s/e=c+r");
  EXPECT_EQ(r.file.section("fleet")->at("aws_access_key_id"), "AKIA2");
  EXPECT_EQ(r.file.section("fleet")->count("max"), 0u);
  EXPECT_EQ(r.file.section("missing"), nullptr);
}

TEST(IniFile, ErrorsNameTheFileAndLine) {
  EXPECT_EQ(IniFile::parse("[default\n", "f").error,
            "f:1: section header is missing its closing ']'");
  EXPECT_EQ(IniFile::parse("key=value\n", "f").error, "f:1: 'key = value' before any [section]");
  EXPECT_EQ(IniFile::parse("[a]\n\njunk\n", "f").error,
            "f:3: expected 'key = value' or '[section]'");
  EXPECT_EQ(IniFile::parse("[]\n", "f").error, "f:1: empty section name");
}

TEST(ProfileCredentialsProvider, ReadsTheNamedProfileFromAnExplicitFile) {
  ScopedEnv env;
  clear_aws_env(env);
  test::TempDir dir;
  const auto path = dir.write("credentials",
                              "[default]\naws_access_key_id=AKIADEF\naws_secret_access_key=d\n"
                              "[fleet]\naws_access_key_id = AKIAFLEET\naws_secret_access_key = f\n"
                              "aws_session_token = tok\n");
  ::chmod(path.c_str(), 0600);
  ProfileCredentialsProvider fleet(path, "fleet");
  const auto r = fetch_now(fleet);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.credentials.access_key_id, "AKIAFLEET");
  EXPECT_EQ(r.credentials.secret_access_key.reveal(), "f");
  EXPECT_EQ(r.credentials.session_token.reveal(), "tok");
  EXPECT_NE(r.credentials.source.find("profile fleet"), std::string::npos);
  ProfileCredentialsProvider def(path);
  EXPECT_EQ(fetch_now(def).credentials.access_key_id, "AKIADEF");
}

TEST(ProfileCredentialsProvider, FindsTheFileAndProfileThroughTheEnvironment) {
  ScopedEnv env;
  clear_aws_env(env);
  test::TempDir dir;
  const auto path =
      dir.write("shared", "[p2]\naws_access_key_id=AKIAP2\naws_secret_access_key=x\n");
  env.set("AWS_SHARED_CREDENTIALS_FILE", path.c_str());
  env.set("AWS_PROFILE", "p2");
  ProfileCredentialsProvider provider;
  EXPECT_EQ(provider.resolved_file(), path);
  EXPECT_EQ(fetch_now(provider).credentials.access_key_id, "AKIAP2");
  // Without the variables: $HOME/.aws/credentials and "default".
  env.set("AWS_SHARED_CREDENTIALS_FILE", nullptr);
  env.set("AWS_PROFILE", nullptr);
  env.set("HOME", dir.path().c_str());
  std::filesystem::create_directories(dir.path() / ".aws");
  dir.write(".aws/credentials", "[default]\naws_access_key_id=AKIAHOME\naws_secret_access_key=h\n");
  ProfileCredentialsProvider home;
  EXPECT_EQ(fetch_now(home).credentials.access_key_id, "AKIAHOME");
}

TEST(ProfileCredentialsProvider, ClearErrorsForMissingFileProfileKeysAndSyntax) {
  ScopedEnv env;
  clear_aws_env(env);
  test::TempDir dir;
  ProfileCredentialsProvider missing(dir.path() / "nope");
  EXPECT_NE(fetch_now(missing).message.find("cannot read shared credentials file"),
            std::string::npos);
  const auto path = dir.write("c", "[default]\naws_access_key_id=A\n");
  ProfileCredentialsProvider no_profile(path, "other");
  EXPECT_NE(fetch_now(no_profile).message.find("profile [other] not found"), std::string::npos);
  ProfileCredentialsProvider no_secret(path);
  EXPECT_NE(fetch_now(no_secret).message.find("lacks"), std::string::npos);
  const auto broken = dir.write("b", "[default]\nthis is not ini\n");
  ProfileCredentialsProvider bad(broken);
  EXPECT_NE(fetch_now(bad).message.find(":2: expected"), std::string::npos);
}

TEST(CredentialsProviderChain, FirstProviderWithCredentialsWinsAndFailuresAreListed) {
  ScopedEnv env;
  clear_aws_env(env);
  test::TempDir dir;
  const auto path =
      dir.write("c", "[default]\naws_access_key_id=AKIAFILE\naws_secret_access_key=x\n");
  auto make_chain = [&] {
    std::vector<std::unique_ptr<CredentialsProvider>> providers;
    providers.push_back(std::make_unique<EnvironmentCredentialsProvider>());
    providers.push_back(std::make_unique<ProfileCredentialsProvider>(path));
    return CredentialsProviderChain(std::move(providers));
  };
  auto chain = make_chain();
  EXPECT_EQ(fetch_now(chain).credentials.access_key_id, "AKIAFILE");
  env.set("AWS_ACCESS_KEY_ID", "AKIAENV");
  env.set("AWS_SECRET_ACCESS_KEY", "e");
  EXPECT_EQ(fetch_now(chain).credentials.access_key_id, "AKIAENV");

  std::vector<std::unique_ptr<CredentialsProvider>> none;
  clear_aws_env(env);
  none.push_back(std::make_unique<EnvironmentCredentialsProvider>());
  none.push_back(std::make_unique<ProfileCredentialsProvider>(dir.path() / "missing"));
  CredentialsProviderChain failing(std::move(none));
  const auto r = fetch_now(failing);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.message.find("environment: "), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("profile: cannot read"), std::string::npos) << r.message;
}

// A provider that completes later on the event loop (like the IoT provider), with
// results queued by the test: the fault knob for CachedCredentials.
class ScriptedProvider final : public CredentialsProvider {
 public:
  explicit ScriptedProvider(asio::io_context& io) : io_(io) {}
  std::string_view name() const override { return "scripted"; }
  void fetch(std::function<void(CredentialsResult)> done) override {
    ++fetches;
    CredentialsResult r;
    if (!results.empty()) {
      r = std::move(results.front());
      results.pop_front();
    } else {
      r.error = std::make_error_code(std::errc::connection_refused);
      r.message = "nothing scripted";
    }
    asio::post(io_, [done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
  }
  std::deque<CredentialsResult> results;
  int fetches = 0;

 private:
  asio::io_context& io_;
};

// Runs the loop until `done()` holds or `limit` passes (a generous bound for a loaded
// machine; the tests check behaviour, not speed).
template <class Pred>
bool run_until(asio::io_context& io, Pred done, milliseconds limit = seconds(10)) {
  const auto end = steady_clock::now() + limit;
  while (!done() && steady_clock::now() < end) {
    io.restart();
    io.run_for(milliseconds(5));
  }
  return done();
}

CredentialsResult temporary(std::string key, system_clock::time_point expiration) {
  CredentialsResult r;
  r.credentials.access_key_id = std::move(key);
  r.credentials.secret_access_key = base::Secret("s");
  r.credentials.session_token = base::Secret("t");
  r.credentials.expiration = expiration;
  r.credentials.source = "scripted";
  return r;
}

CredentialsResult failure(std::string message) {
  CredentialsResult r;
  r.error = std::make_error_code(std::errc::connection_refused);
  r.message = std::move(message);
  return r;
}

TEST(CachedCredentials, CallersWaitOnlyForTheFirstFetch) {
  asio::io_context io;
  ScriptedProvider provider(io);
  provider.results.push_back(temporary("AKIA1", system_clock::now() + hours(1)));
  CachedCredentials cache(io.get_executor(), provider);
  std::vector<std::string> got;
  cache.get([&](CredentialsResult r) { got.push_back(r.credentials.access_key_id); });
  cache.get([&](CredentialsResult r) { got.push_back(r.credentials.access_key_id); });
  EXPECT_TRUE(got.empty());
  io.run_for(milliseconds(50));
  EXPECT_EQ(got, (std::vector<std::string>{"AKIA1", "AKIA1"}));
  EXPECT_EQ(provider.fetches, 1);
  // Held now: answered before get() returns.
  bool immediate = false;
  cache.get([&](CredentialsResult r) { immediate = r.ok(); });
  EXPECT_TRUE(immediate);
}

TEST(CachedCredentials, RefreshesTemporaryCredentialsAheadOfExpiryInTheBackground) {
  asio::io_context io;
  ScriptedProvider provider(io);
  provider.results.push_back(temporary("AKIA1", system_clock::now() + milliseconds(1500)));
  provider.results.push_back(temporary("AKIA2", system_clock::now() + hours(1)));
  CachedCredentialsOptions options;
  options.refresh_before = milliseconds(1200);  // refresh ~300 ms after the first fetch
  options.expiry_margin = milliseconds(100);
  CachedCredentials cache(io.get_executor(), provider, options);
  cache.start();
  ASSERT_TRUE(run_until(io, [&] { return cache.current().has_value(); }));
  EXPECT_EQ(cache.current()->access_key_id, "AKIA1");
  ASSERT_TRUE(run_until(io, [&] { return cache.current()->access_key_id == "AKIA2"; }));
  EXPECT_EQ(provider.fetches, 2);
  ASSERT_TRUE(cache.current().has_value());
  EXPECT_EQ(cache.current()->access_key_id, "AKIA2");
}

TEST(CachedCredentials, FailedRefreshKeepsValidCredentialsAndBacksOff) {
  asio::io_context io;
  ScriptedProvider provider(io);
  provider.results.push_back(temporary("AKIA1", system_clock::now() + seconds(30)));
  provider.results.push_back(failure("endpoint unreachable"));
  provider.results.push_back(failure("endpoint unreachable"));
  provider.results.push_back(temporary("AKIA2", system_clock::now() + hours(1)));
  CachedCredentialsOptions options;
  options.refresh_before = seconds(29) + milliseconds(900);  // first refresh after ~100 ms
  options.expiry_margin = milliseconds(10);                  // AKIA1 stays usable for ~30 s
  options.retry_min = milliseconds(100);
  options.retry_max = milliseconds(1000);
  CachedCredentials cache(io.get_executor(), provider, options);
  cache.start();
  // fetch 1 ok at ~0; refresh at ~100 ms fails; retry after 100 ms fails; retry after
  // 200 ms succeeds.
  ASSERT_TRUE(run_until(io, [&] { return provider.fetches >= 3; }));
  ASSERT_TRUE(cache.current().has_value());
  EXPECT_EQ(cache.current()->access_key_id, "AKIA1");  // still valid, still used
  ASSERT_TRUE(run_until(io, [&] { return provider.fetches == 4 && !cache.fetching(); }));
  EXPECT_EQ(cache.current()->access_key_id, "AKIA2");
}

TEST(CachedCredentials, WaitersGetTheErrorWhenThereIsNothingToSignWith) {
  asio::io_context io;
  ScriptedProvider provider(io);
  provider.results.push_back(failure("certificate rejected"));
  CachedCredentialsOptions options;
  options.retry_min = milliseconds(50);
  CachedCredentials cache(io.get_executor(), provider, options);
  std::optional<CredentialsResult> got;
  cache.get([&](CredentialsResult r) { got = std::move(r); });
  io.run_for(milliseconds(30));
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(got->ok());
  EXPECT_EQ(got->message, "certificate rejected");
}

TEST(CachedCredentials, AlreadyExpiredCredentialsAreRefused) {
  asio::io_context io;
  ScriptedProvider provider(io);
  provider.results.push_back(temporary("AKIAOLD", system_clock::now() - seconds(1)));
  CachedCredentials cache(io.get_executor(), provider);
  std::optional<CredentialsResult> got;
  cache.get([&](CredentialsResult r) { got = std::move(r); });
  io.run_for(milliseconds(30));
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(got->ok());
  EXPECT_FALSE(cache.current().has_value());
}

TEST(CachedCredentials, RefreshNowFetchesAgainAndDestructionIgnoresLateCompletions) {
  asio::io_context io;
  ScriptedProvider provider(io);
  Credentials longlived;
  provider.results.push_back(temporary("AKIA1", system_clock::now() + hours(1)));
  provider.results.push_back(temporary("AKIA2", system_clock::now() + hours(1)));
  {
    CachedCredentials cache(io.get_executor(), provider);
    cache.start();
    io.run_for(milliseconds(20));
    cache.refresh_now();
    io.run_for(milliseconds(20));
    EXPECT_EQ(cache.current()->access_key_id, "AKIA2");
    provider.results.push_back(temporary("AKIA3", system_clock::now() + hours(1)));
    cache.refresh_now();  // completes after the cache is gone
  }
  io.run_for(milliseconds(20));  // must not touch the destroyed cache
  EXPECT_EQ(provider.fetches, 3);
}

}  // namespace
}  // namespace canhose::aws

namespace canhose::aws {
namespace {

TEST(CredentialsOptions, SourceNamesParse) {
  EXPECT_EQ(parse_credentials_source("chain"), CredentialsSource::chain);
  EXPECT_EQ(parse_credentials_source("static"), CredentialsSource::static_keys);
  EXPECT_EQ(parse_credentials_source("iot"), CredentialsSource::iot);
  EXPECT_FALSE(parse_credentials_source("instance").has_value());
}

TEST(CredentialsOptions, ChainPrefersStaticKeysThenEnvironmentThenProfile) {
  ScopedEnv env;
  clear_aws_env(env);
  test::TempDir dir;
  const auto shared =
      dir.write("c", "[default]\naws_access_key_id=AKIAFILE\naws_secret_access_key=x\n");
  CredentialsOptions options;
  options.shared_file = shared;
  auto built = build_credentials_provider(options, nullptr);
  ASSERT_TRUE(built.error.empty()) << built.error;
  EXPECT_EQ(fetch_now(*built.provider).credentials.access_key_id, "AKIAFILE");
  env.set("AWS_ACCESS_KEY_ID", "AKIAENV");
  env.set("AWS_SECRET_ACCESS_KEY", "e");
  EXPECT_EQ(fetch_now(*built.provider).credentials.access_key_id, "AKIAENV");
  options.access_key_id = "AKIACONF";
  options.secret_access_key = base::Secret("c");
  built = build_credentials_provider(options, nullptr);
  EXPECT_EQ(fetch_now(*built.provider).credentials.access_key_id, "AKIACONF");
}

TEST(CredentialsOptions, ConfigurationMistakesAreStartUpErrors) {
  CredentialsOptions options;
  options.access_key_id = "AKIA";
  EXPECT_NE(build_credentials_provider(options, nullptr).error, "");
  options = {};
  options.source = CredentialsSource::static_keys;
  EXPECT_NE(build_credentials_provider(options, nullptr).error, "");
  options.source = CredentialsSource::iot;
  EXPECT_NE(build_credentials_provider(options, nullptr).error, "");
}

}  // namespace
}  // namespace canhose::aws
