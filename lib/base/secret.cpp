#include "base/secret.hpp"

#include <openssl/crypto.h>

namespace canhose::base {

void Secret::wipe() noexcept {
  if (!value_.empty()) {
    // OPENSSL_cleanse is not optimised away, unlike a plain memset before free.
    OPENSSL_cleanse(value_.data(), value_.size());
    value_.clear();
  }
}

}  // namespace canhose::base
