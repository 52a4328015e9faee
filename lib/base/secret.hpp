#pragma once
// Secret holds a credential (an AWS secret key, a session token). It cannot be written
// to a stream, so it cannot reach a log line by accident: `log << secret` does not
// compile. Its memory is wiped when it is replaced or destroyed.

#include <string>
#include <string_view>

namespace canhose::base {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret& other) : value_(other.value_) {}
  Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { other.wipe(); }
  Secret& operator=(const Secret& other) {
    if (this != &other) {
      wipe();
      value_ = other.value_;
    }
    return *this;
  }
  Secret& operator=(Secret&& other) noexcept {
    if (this != &other) {
      wipe();
      value_ = std::move(other.value_);
      other.wipe();
    }
    return *this;
  }
  ~Secret() { wipe(); }

  bool empty() const { return value_.empty(); }
  // The only way to the bytes: call sites that use them are easy to audit.
  std::string_view reveal() const { return value_; }
  bool operator==(const Secret& other) const { return value_ == other.value_; }

 private:
  void wipe() noexcept;
  std::string value_;
};

template <class Stream>
Stream& operator<<(Stream&, const Secret&) = delete;

}  // namespace canhose::base
