#include "aws/iot_credentials_provider.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "aws/iot_credentials_error.hpp"
#include "aws/iso8601_time.hpp"
#include "aws/server_text_redactor.hpp"
#include "aws/static_credentials_provider.hpp"
#include "https/https_transport.hpp"

namespace canhose::aws {
namespace {

// AWS's own patterns: role alias [\w=,@-]+, thing name [a-zA-Z0-9:_-]+, both 1..128.
bool valid_name(const std::string& text, std::string_view extra) {
  return !text.empty() && text.size() <= 128 &&
         std::all_of(text.begin(), text.end(), [extra](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
                  extra.find(c) != std::string_view::npos;
         });
}

https::Endpoint parse_iot_endpoint(const std::string& text) {
  if (text.empty()) {
    throw std::invalid_argument("credentials.iot.endpoint is required");
  }
  const std::string url = text.find("://") == std::string::npos ? "https://" + text : text;
  auto parsed = https::parse_endpoint(url);
  if (!parsed.ok()) {
    throw std::invalid_argument("credentials.iot.endpoint: " + parsed.error);
  }
  return parsed.endpoint;
}

https::HttpsTransportOptions transport_options(const IotCredentialsOptions& o) {
  https::HttpsTransportOptions t;
  t.tls.ca_file = o.ca_file;
  t.tls.client_cert_file = o.cert_file;
  t.tls.client_key_file = o.key_file;
  t.timeouts = o.timeouts;
  t.proxy = o.proxy;
  t.no_proxy = o.no_proxy;
  // A fetch every few hours: nothing to gain from keeping the connection.
  t.pool_size = 0;
  t.max_response_body = 64 * 1024;
  return t;
}

// The service's own words from an error body ({"message": "..."}), shortened and
// redacted (server text), or "".
std::string service_message(const std::string& body) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_object()) {
    auto it = json.find("message");
    if (it != json.end() && it->is_string()) {
      std::string text = ServerTextRedactor().redact(it->get<std::string>());
      if (text.size() > 200) {
        text.resize(200);
        text += "...";
      }
      return text;
    }
  }
  return {};
}

CredentialsResult failure(std::error_code error, std::string message) {
  CredentialsResult result;
  result.error = error;
  result.message = std::move(message);
  return result;
}

}  // namespace

IotCredentialsProvider::IotCredentialsProvider(asio::any_io_executor executor,
                                               IotCredentialsOptions options)
    : options_(std::move(options)) {
  validate();
  if (options_.cert_file.empty() || options_.key_file.empty()) {
    throw std::invalid_argument(
        "credentials.iot.cert_file and credentials.iot.key_file are required");
  }
  warn_if_readable_by_others(options_.key_file);
  transport_ =
      std::make_shared<https::HttpsTransport>(std::move(executor), transport_options(options_));
}

IotCredentialsProvider::IotCredentialsProvider(std::shared_ptr<https::HttpTransport> transport,
                                               IotCredentialsOptions options)
    : transport_(std::move(transport)), options_(std::move(options)) {
  validate();
}

void IotCredentialsProvider::validate() {
  endpoint_ = parse_iot_endpoint(options_.endpoint);
  if (!valid_name(options_.role_alias, "=,@")) {
    throw std::invalid_argument(
        "credentials.iot.role_alias must be 1-128 characters of "
        "letters, digits and _-=,@");
  }
  if (!valid_name(options_.thing_name, ":")) {
    throw std::invalid_argument(
        "credentials.iot.thing_name must be 1-128 characters of "
        "letters, digits and _-:");
  }
}

void IotCredentialsProvider::fetch(std::function<void(CredentialsResult)> done) {
  https::HttpRequest request;
  request.method = "GET";
  request.path = "/role-aliases/" + options_.role_alias + "/credentials";
  request.headers = {{"Host", endpoint_.host_header()},
                     {"x-amzn-iot-thingname", options_.thing_name},
                     {"Accept", "application/json"}};
  std::string where = "AWS IoT credentials endpoint " + endpoint_.host_header() + " (role alias " +
                      options_.role_alias + ", thing " + options_.thing_name + ")";
  // The callback owns everything it needs: the provider may be gone when it runs.
  transport_->async_send(endpoint_, std::move(request), std::string(),
                         [done = std::move(done), where = std::move(where)](
                             https::HttpResult result) { done(parse_response(result, where)); });
}

CredentialsResult IotCredentialsProvider::parse_response(const https::HttpResult& result,
                                                         const std::string& where) {
  if (!result.ok()) {
    return failure(result.error, where + ": " + result.message);
  }
  const unsigned status = result.response.status;
  if (status != 200) {
    IotCredentialsErrc code = IotCredentialsErrc::unexpected_status;
    if (status == 401 || status == 403) {
      code = IotCredentialsErrc::forbidden;
    } else if (status == 404) {
      code = IotCredentialsErrc::not_found;
    } else if (status == 429) {
      code = IotCredentialsErrc::throttled;
    } else if (status >= 500) {
      code = IotCredentialsErrc::server_error;
    }
    std::string message = where + ": HTTP " + std::to_string(status);
    if (std::string said = service_message(result.response.body); !said.empty()) {
      message += ": " + said;
    }
    return failure(code, std::move(message));
  }

  // Parsed without exceptions; the body holds secrets, so no part of it is ever quoted.
  auto json = nlohmann::json::parse(result.response.body, nullptr, false);
  auto bad = [&where](const std::string& what) {
    return failure(IotCredentialsErrc::malformed_response, where + ": " + what);
  };
  if (!json.is_object() || !json.contains("credentials") || !json["credentials"].is_object()) {
    return bad("response is not {\"credentials\": {...}}");
  }
  const auto& c = json["credentials"];
  for (const char* key : {"accessKeyId", "secretAccessKey", "sessionToken", "expiration"}) {
    if (!c.contains(key) || !c[key].is_string() || c[key].get_ref<const std::string&>().empty()) {
      return bad(std::string("response lacks credentials.") + key);
    }
  }
  std::string why;
  auto expiration = parse_iso8601_time(c["expiration"].get_ref<const std::string&>(), &why);
  if (!expiration) {
    // Server text: redacted, and cut to what a timestamp needs.
    std::string quoted = ServerTextRedactor().redact(c["expiration"].get<std::string>());
    if (quoted.size() > 40) {
      quoted = quoted.substr(0, 40) + "...";
    }
    return bad("credentials.expiration \"" + quoted + "\" is refused: " + why);
  }
  CredentialsResult ok;
  ok.credentials.access_key_id = c["accessKeyId"].get<std::string>();
  ok.credentials.secret_access_key = base::Secret(c["secretAccessKey"].get<std::string>());
  ok.credentials.session_token = base::Secret(c["sessionToken"].get<std::string>());
  ok.credentials.expiration = *expiration;
  ok.credentials.source = "iot";
  return ok;
}

}  // namespace canhose::aws
