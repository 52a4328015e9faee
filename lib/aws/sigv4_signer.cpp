#include "aws/sigv4_signer.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "aws/crypto.hpp"

namespace canhose::aws {

namespace {

constexpr std::string_view algorithm = "AWS4-HMAC-SHA256";

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// Percent-decodes `text`; a '%' not followed by two hex digits is kept literally.
std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

// Trims and collapses whitespace runs into one space.
std::string canonical_header_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      out.push_back(' ');
      pending_space = false;
    }
    out.push_back(c);
  }
  return out;
}

struct CanonicalHeader {
  std::string name;   // lower-case
  std::string value;  // joined and collapsed
};

// Sorted by name; same-named headers joined with ',' in request order.
std::vector<CanonicalHeader> canonicalise_headers(const https::HttpRequest& request) {
  std::vector<CanonicalHeader> all;
  all.reserve(request.headers.size());
  for (const auto& [name, value] : request.headers) {
    std::string lower(name.size(), '\0');
    std::transform(name.begin(), name.end(), lower.begin(), to_lower);
    if (lower == "authorization") {
      continue;
    }
    all.push_back({std::move(lower), canonical_header_value(value)});
  }
  std::stable_sort(all.begin(), all.end(), [](const CanonicalHeader& a, const CanonicalHeader& b) {
    return a.name < b.name;
  });
  std::vector<CanonicalHeader> merged;
  merged.reserve(all.size());
  for (auto& h : all) {
    if (!merged.empty() && merged.back().name == h.name) {
      merged.back().value += ',';
      merged.back().value += h.value;
    } else {
      merged.push_back(std::move(h));
    }
  }
  return merged;
}

void erase_header(https::HttpRequest& request, std::string_view lower_name) {
  std::erase_if(request.headers, [&](const auto& header) {
    if (header.first.size() != lower_name.size()) {
      return false;
    }
    for (std::size_t i = 0; i < lower_name.size(); ++i) {
      if (to_lower(header.first[i]) != lower_name[i]) {
        return false;
      }
    }
    return true;
  });
}

}  // namespace

SigV4Signer::SigV4Signer(std::string region, std::string service)
    : SigV4Signer(std::move(region), std::move(service), SigningOptions{}) {}

SigV4Signer::SigV4Signer(std::string region, std::string service, SigningOptions options)
    : region_(std::move(region)), service_(std::move(service)), options_(options) {}

SigV4Signer::~SigV4Signer() {
  wipe_cache();
}

std::string SigV4Signer::uri_encode(std::string_view bytes, bool keep_slash) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size());
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 0x0f]);
    }
  }
  return out;
}

std::string SigV4Signer::canonical_uri(std::string_view path, bool normalize_path) {
  if (path.empty()) {
    return "/";
  }
  if (!normalize_path) {
    return uri_encode(path, true);
  }
  // Remove "." and ".." segments and empty segments (repeated slashes), like botocore's
  // posixpath.normpath; keep a trailing slash when the path had one.
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    const std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) {
        segments.pop_back();
      }
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string normalised = "/";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) {
      normalised += '/';
    }
    normalised += segments[i];
  }
  if (!segments.empty() && path.back() == '/') {
    normalised += '/';
  }
  return uri_encode(normalised, true);
}

std::string SigV4Signer::canonical_query(std::string_view query) {
  if (query.empty()) {
    return {};
  }
  std::vector<std::pair<std::string, std::string>> parameters;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) {
      end = query.size();
    }
    const std::string_view pair = query.substr(start, end - start);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      const std::string_view name = pair.substr(0, eq);
      const std::string_view value =
          eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
      parameters.emplace_back(uri_encode(percent_decode(name), false),
                              uri_encode(percent_decode(value), false));
    }
    start = end + 1;
  }
  std::sort(parameters.begin(), parameters.end());
  std::string out;
  for (const auto& [name, value] : parameters) {
    if (!out.empty()) {
      out += '&';
    }
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

std::string SigV4Signer::canonical_headers(const https::HttpRequest& request) {
  std::string out;
  for (const auto& h : canonicalise_headers(request)) {
    out += h.name;
    out += ':';
    out += h.value;
    out += '\n';
  }
  return out;
}

std::string SigV4Signer::signed_headers(const https::HttpRequest& request) {
  std::string out;
  for (const auto& h : canonicalise_headers(request)) {
    if (!out.empty()) {
      out += ';';
    }
    out += h.name;
  }
  return out;
}

namespace {
// The canonical request; also returns the signed-header list it contains, so sign()
// canonicalises the headers once.
std::string build_canonical_request(const https::HttpRequest& request,
                                    std::string_view payload_hash_hex, bool normalize_path,
                                    std::string& names);
}  // namespace

std::string SigV4Signer::canonical_request(const https::HttpRequest& request,
                                           std::string_view payload_hash_hex, bool normalize_path) {
  std::string names;
  return build_canonical_request(request, payload_hash_hex, normalize_path, names);
}

namespace {
std::string build_canonical_request(const https::HttpRequest& request,
                                    std::string_view payload_hash_hex, bool normalize_path,
                                    std::string& names) {
  const auto headers = canonicalise_headers(request);
  std::string out;
  out.reserve(256);
  out += request.method;
  out += '\n';
  out += SigV4Signer::canonical_uri(request.path, normalize_path);
  out += '\n';
  out += SigV4Signer::canonical_query(request.query);
  out += '\n';
  names.clear();
  for (const auto& h : headers) {
    out += h.name;
    out += ':';
    out += h.value;
    out += '\n';
    if (!names.empty()) {
      names += ';';
    }
    names += h.name;
  }
  out += '\n';
  out += names;
  out += '\n';
  out += payload_hash_hex;
  return out;
}
}  // namespace

std::string SigV4Signer::credential_scope(std::string_view date) const {
  std::string out;
  out.reserve(date.size() + region_.size() + service_.size() + 16);
  out += date;
  out += '/';
  out += region_;
  out += '/';
  out += service_;
  out += "/aws4_request";
  return out;
}

std::string SigV4Signer::string_to_sign(std::string_view amz_date,
                                        std::string_view canonical_request) const {
  std::string out;
  out.reserve(160);
  out += algorithm;
  out += '\n';
  out += amz_date;
  out += '\n';
  out += credential_scope(amz_date.substr(0, 8));
  out += '\n';
  out += crypto::sha256_hex(canonical_request);
  return out;
}

const std::array<std::uint8_t, 32>& SigV4Signer::signing_key(std::string_view secret,
                                                             std::string_view date) {
  auto secret_hash = crypto::sha256(secret);
  const bool same_date = date.size() == cached_date_.size() &&
                         std::memcmp(date.data(), cached_date_.data(), cached_date_.size()) == 0;
  if (cache_valid_ && same_date && secret_hash == cached_secret_hash_) {
    crypto::cleanse(secret_hash.data(), secret_hash.size());
    return cached_key_;
  }
  wipe_cache();
  // kSecret = "AWS4" + secret; kDate = HMAC(kSecret, date); kRegion = HMAC(kDate, region);
  // kService = HMAC(kRegion, service); kSigning = HMAC(kService, "aws4_request").
  std::string k_secret;
  k_secret.reserve(4 + secret.size());
  k_secret += "AWS4";
  k_secret += secret;
  auto k_date = crypto::hmac_sha256(k_secret, date);
  crypto::cleanse(k_secret.data(), k_secret.size());
  auto k_region = crypto::hmac_sha256(k_date, region_);
  crypto::cleanse(k_date.data(), k_date.size());
  auto k_service = crypto::hmac_sha256(k_region, service_);
  crypto::cleanse(k_region.data(), k_region.size());
  cached_key_ = crypto::hmac_sha256(k_service, "aws4_request");
  crypto::cleanse(k_service.data(), k_service.size());
  cached_secret_hash_ = secret_hash;
  crypto::cleanse(secret_hash.data(), secret_hash.size());
  if (date.size() == cached_date_.size()) {
    std::memcpy(cached_date_.data(), date.data(), cached_date_.size());
    cache_valid_ = true;  // only a well-formed YYYYMMDD date is cached
  }
  ++key_derivations_;
  return cached_key_;
}

std::string SigV4Signer::signature(std::string_view secret, std::string_view date,
                                   std::string_view string_to_sign) {
  const auto& key = signing_key(secret, date);
  return crypto::hex_lower(crypto::hmac_sha256(key, string_to_sign));
}

std::string SigV4Signer::authorization(std::string_view access_key_id,
                                       std::string_view signed_headers,
                                       std::string_view signature_hex,
                                       std::string_view date) const {
  std::string out;
  out.reserve(200 + signed_headers.size());
  out += algorithm;
  out += " Credential=";
  out += access_key_id;
  out += '/';
  out += credential_scope(date);
  out += ", SignedHeaders=";
  out += signed_headers;
  out += ", Signature=";
  out += signature_hex;
  return out;
}

std::string SigV4Signer::amz_date(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{floor<seconds>(t - day)};
  // "YYYYMMDDTHHMMSSZ", written digit by digit (no locale, no format-string work).
  std::string out(16, '0');
  auto put = [&out](std::size_t pos, unsigned value, std::size_t width) {
    for (std::size_t i = 0; i < width; ++i) {
      out[pos + width - 1 - i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(0, static_cast<unsigned>(static_cast<int>(ymd.year())), 4);
  put(4, static_cast<unsigned>(ymd.month()), 2);
  put(6, static_cast<unsigned>(ymd.day()), 2);
  out[8] = 'T';
  put(9, static_cast<unsigned>(hms.hours().count()), 2);
  put(11, static_cast<unsigned>(hms.minutes().count()), 2);
  put(13, static_cast<unsigned>(hms.seconds().count()), 2);
  out[15] = 'Z';
  return out;
}

void SigV4Signer::sign(https::HttpRequest& request, const Credentials& credentials,
                       std::chrono::system_clock::time_point now) {
  const std::string date_time = amz_date(now);
  const std::string_view date = std::string_view(date_time).substr(0, 8);
  erase_header(request, "authorization");
  request.set_header("X-Amz-Date", date_time);
  const bool has_token = !credentials.session_token.empty();
  if (has_token && !options_.omit_session_token) {
    request.set_header("X-Amz-Security-Token", std::string(credentials.session_token.reveal()));
  } else {
    // A token left from credentials used before must not outlive them.
    erase_header(request, "x-amz-security-token");
  }
  const std::string payload_hash = crypto::sha256_hex(request.payload);
  if (options_.content_sha256_header) {
    request.set_header("X-Amz-Content-Sha256", payload_hash);
  }
  std::string names;
  const std::string creq =
      build_canonical_request(request, payload_hash, options_.normalize_path, names);
  const std::string sts = string_to_sign(date_time, creq);
  const std::string sig = signature(credentials.secret_access_key.reveal(), date, sts);
  request.headers.emplace_back("Authorization",
                               authorization(credentials.access_key_id, names, sig, date));
  if (has_token && options_.omit_session_token) {
    request.set_header("X-Amz-Security-Token", std::string(credentials.session_token.reveal()));
  }
}

void SigV4Signer::presign(https::HttpRequest& request, const Credentials& credentials,
                          std::chrono::system_clock::time_point now, std::chrono::seconds expires) {
  const std::string date_time = amz_date(now);
  const std::string_view date = std::string_view(date_time).substr(0, 8);
  erase_header(request, "authorization");
  const std::string names = signed_headers(request);
  auto append = [&request](std::string_view name, std::string_view value) {
    if (!request.query.empty()) {
      request.query += '&';
    }
    request.query += name;
    request.query += '=';
    request.query += uri_encode(value, false);
  };
  append("X-Amz-Algorithm", algorithm);
  append("X-Amz-Credential", credentials.access_key_id + "/" + credential_scope(date));
  append("X-Amz-Date", date_time);
  append("X-Amz-SignedHeaders", names);
  append("X-Amz-Expires", std::to_string(expires.count()));
  const bool has_token = !credentials.session_token.empty();
  if (has_token && !options_.omit_session_token) {
    append("X-Amz-Security-Token", credentials.session_token.reveal());
  }
  std::string ignored;
  const std::string creq = build_canonical_request(request, crypto::sha256_hex(request.payload),
                                                   options_.normalize_path, ignored);
  const std::string sts = string_to_sign(date_time, creq);
  append("X-Amz-Signature", signature(credentials.secret_access_key.reveal(), date, sts));
  if (has_token && options_.omit_session_token) {
    append("X-Amz-Security-Token", credentials.session_token.reveal());
  }
}

void SigV4Signer::wipe_cache() noexcept {
  crypto::cleanse(cached_key_.data(), cached_key_.size());
  crypto::cleanse(cached_secret_hash_.data(), cached_secret_hash_.size());
  cache_valid_ = false;
}

}  // namespace canhose::aws
