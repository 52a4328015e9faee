#include "aws/cached_credentials.hpp"

#include "log/logger.hpp"

namespace canhose::aws {

using namespace std::chrono;

namespace {
double seconds_of(milliseconds d) {
  return static_cast<double>(d.count()) / 1000.0;
}
}  // namespace

CachedCredentials::CachedCredentials(asio::any_io_executor executor, CredentialsProvider& provider,
                                     CachedCredentialsOptions options, SystemNow now)
    : executor_(std::move(executor)),
      provider_(provider),
      options_(options),
      now_(std::move(now)),
      timer_(executor_),
      self_(std::make_shared<CachedCredentials*>(this)) {}

CachedCredentials::~CachedCredentials() {
  self_.reset();
  timer_.cancel();
}

void CachedCredentials::start() {
  stopped_ = false;
  if (!fetching_)
    fetch();
}

void CachedCredentials::stop() {
  stopped_ = true;
  timer_.cancel();
}

bool CachedCredentials::usable(const Credentials& c) const {
  return !c.expiration || now_() + options_.expiry_margin < *c.expiration;
}

std::optional<Credentials> CachedCredentials::current() const {
  if (credentials_ && usable(*credentials_))
    return credentials_;
  return std::nullopt;
}

void CachedCredentials::get(std::function<void(CredentialsResult)> done) {
  if (credentials_ && usable(*credentials_)) {
    CredentialsResult result;
    result.credentials = *credentials_;
    done(std::move(result));
    return;
  }
  waiters_.push_back(std::move(done));
  if (!fetching_)
    fetch();
}

void CachedCredentials::refresh_now() {
  if (fetching_)
    return;
  timer_.cancel();
  fetch();
}

void CachedCredentials::fetch() {
  fetching_ = true;
  ++fetch_count_;
  std::weak_ptr<CachedCredentials*> weak = self_;
  provider_.fetch([weak](CredentialsResult result) {
    if (auto self = weak.lock()) {
      (*self)->on_fetched(std::move(result));
    }
  });
}

void CachedCredentials::on_fetched(CredentialsResult result) {
  fetching_ = false;
  if (result.ok() && !usable(result.credentials)) {
    result.error = std::make_error_code(std::errc::timed_out);
    result.message = "credentials from " + result.credentials.source + " are already expired";
  }
  if (!result.ok()) {
    backoff_ = backoff_ == milliseconds(0) ? options_.retry_min
                                           : std::min(backoff_ * 2, options_.retry_max);
    const bool still_valid = credentials_ && usable(*credentials_);
    log::warning("aws", "fetching credentials from ", provider_.name(), " failed: ", result.message,
                 "; retrying in ", seconds_of(backoff_), " s",
                 still_valid ? " (the current credentials are still valid)" : "");
    // Callers waiting have nothing to sign with: tell them now rather than after retries.
    auto waiters = std::move(waiters_);
    waiters_.clear();
    for (auto& w : waiters) {
      CredentialsResult copy;
      copy.error = result.error;
      copy.message = result.message;
      w(std::move(copy));
    }
    schedule(backoff_);
    return;
  }
  backoff_ = milliseconds(0);
  const Credentials& fresh = result.credentials;
  const bool changed = !credentials_ || credentials_->access_key_id != fresh.access_key_id ||
                       credentials_->source != fresh.source;
  if (changed) {
    if (fresh.expiration) {
      log::notice("aws", "using credentials from ", fresh.source, " (access key ",
                  fresh.access_key_id, ", expire in ",
                  duration_cast<minutes>(*fresh.expiration - now_()).count(), " min)");
    } else {
      log::notice("aws", "using credentials from ", fresh.source, " (access key ",
                  fresh.access_key_id, ")");
    }
  } else {
    log::debug("aws", "credentials from ", fresh.source, " refreshed");
  }
  credentials_ = fresh;
  if (fresh.expiration) {
    const auto remaining = duration_cast<milliseconds>(*fresh.expiration - now_());
    milliseconds delay =
        remaining > options_.refresh_before ? remaining - options_.refresh_before : remaining / 2;
    // Never sooner than retry_min: short-lived credentials must not cause a fetch loop.
    schedule(std::max(delay, options_.retry_min));
  }
  auto waiters = std::move(waiters_);
  waiters_.clear();
  for (auto& w : waiters) {
    CredentialsResult copy;
    copy.credentials = *credentials_;
    w(std::move(copy));
  }
}

void CachedCredentials::schedule(milliseconds delay) {
  if (stopped_)
    return;
  timer_.expires_after(delay);
  std::weak_ptr<CachedCredentials*> weak = self_;
  timer_.async_wait([weak](const boost::system::error_code& ec) {
    if (ec)
      return;  // cancelled
    if (auto self = weak.lock()) {
      if (!(*self)->fetching_)
        (*self)->fetch();
    }
  });
}

}  // namespace canhose::aws
