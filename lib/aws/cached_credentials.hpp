#pragma once
// Holds the credentials requests are signed with and keeps them fresh.
//
// - get() hands out the current credentials at once while they are usable (not within
//   `expiry_margin` of their expiration). Only when there are none (start-up, or expired
//   after failed refreshes) do callers wait, for the fetch in progress; if that fetch
//   fails, they get its error at once instead of waiting for the retries.
// - Temporary credentials (with an expiration) are refreshed in the background
//   `refresh_before` ahead of expiry (or half-way through their remaining life when that
//   is shorter), on an asio timer: callers never wait for a refresh.
// - A failed fetch is retried with exponential backoff from retry_min to retry_max; the
//   old credentials stay in use while still valid.
// - Logs: a notice when credentials from a new source/key are in use, a warning for each
//   failed fetch (rate-limited by the logger). Only the access key id is ever logged.
//
// Lifetime: runs on the given executor's event loop; destroy it on that loop. Callbacks
// from a provider that complete after destruction are ignored.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "asio/asio.hpp"
#include "aws/credentials_provider.hpp"

namespace canhose::aws {

struct CachedCredentialsOptions {
  // Refresh temporary credentials this long before they expire (credentials.refresh_before).
  std::chrono::milliseconds refresh_before{std::chrono::minutes(5)};
  // Credentials this close to expiry are no longer handed out (a request signed now
  // must still be valid when it arrives).
  std::chrono::milliseconds expiry_margin{std::chrono::seconds(30)};
  // Backoff between failed fetches.
  std::chrono::milliseconds retry_min{std::chrono::seconds(1)};
  std::chrono::milliseconds retry_max{std::chrono::minutes(5)};
};

class CachedCredentials {
 public:
  using SystemNow = std::function<std::chrono::system_clock::time_point()>;

  // `provider` must outlive this object. `now` gives the (corrected) wall-clock time that
  // expirations are compared with; pass ClockOffset::now in production.
  CachedCredentials(asio::any_io_executor executor, CredentialsProvider& provider,
                    CachedCredentialsOptions options = {},
                    SystemNow now = &std::chrono::system_clock::now);
  ~CachedCredentials();
  CachedCredentials(const CachedCredentials&) = delete;
  CachedCredentials& operator=(const CachedCredentials&) = delete;

  // Starts the first fetch (get() also starts one when needed).
  void start();
  // Cancels the refresh timer; get() still works but nothing refreshes in the background.
  void stop();

  // Calls `done` with usable credentials or an error. Immediately (before returning) when
  // usable credentials are held; otherwise when the fetch in progress completes.
  void get(std::function<void(CredentialsResult)> done);
  // Fetches now, e.g. after the service said ExpiredTokenException. No-op while a fetch
  // is already running.
  void refresh_now();

  // The credentials held, if usable now.
  std::optional<Credentials> current() const;
  bool fetching() const { return fetching_; }
  std::uint64_t fetch_count() const { return fetch_count_; }

 private:
  void fetch();
  void on_fetched(CredentialsResult result);
  void schedule(std::chrono::milliseconds delay);
  bool usable(const Credentials& c) const;

  asio::any_io_executor executor_;
  CredentialsProvider& provider_;
  CachedCredentialsOptions options_;
  SystemNow now_;
  asio::steady_timer timer_;
  std::optional<Credentials> credentials_;
  std::vector<std::function<void(CredentialsResult)>> waiters_;
  bool fetching_ = false;
  bool stopped_ = false;
  std::chrono::milliseconds backoff_{0};
  std::uint64_t fetch_count_ = 0;
  // Completion handlers hold a weak_ptr to this: a provider finishing after destruction
  // finds it expired and does nothing.
  std::shared_ptr<CachedCredentials*> self_;
};

}  // namespace canhose::aws
