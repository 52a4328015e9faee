#include "https/http_request.hpp"

#include <algorithm>

namespace canhose::https {

namespace {
bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) {
             return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
           };
           return lower(x) == lower(y);
         });
}
}  // namespace

void HttpRequest::set_header(std::string name, std::string value) {
  // Replace the first same-named header and drop any others, so the request holds the
  // name once (a re-signed request must not carry two X-Amz-Date values).
  bool replaced = false;
  for (auto it = headers.begin(); it != headers.end();) {
    if (iequals(it->first, name)) {
      if (!replaced) {
        it->first = name;
        it->second = value;
        replaced = true;
        ++it;
      } else {
        it = headers.erase(it);
      }
    } else {
      ++it;
    }
  }
  if (!replaced) {
    headers.emplace_back(std::move(name), std::move(value));
  }
}

const std::string* HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) {
      return &value;
    }
  }
  return nullptr;
}

}  // namespace canhose::https
