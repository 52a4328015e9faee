#include "support/firehose_emulator_process.hpp"
#include "support/test_paths.hpp"

#include <signal.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/loopback_http_client.hpp"

namespace canhose::test {
namespace {

std::string number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

// The value after `prefix` at the start of a line of `text`, if a whole line has it.
std::optional<std::uint16_t> port_after(const std::string& text, const std::string& prefix) {
  std::size_t at = 0;
  while ((at = text.find(prefix, at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') {
      const std::size_t end = text.find('\n', at);
      if (end == std::string::npos) {
        return std::nullopt;  // line not complete yet
      }
      return static_cast<std::uint16_t>(
          std::stoul(text.substr(at + prefix.size(), end - at - prefix.size())));
    }
    at += prefix.size();
  }
  return std::nullopt;
}

}  // namespace

std::string sns_topic_arn(const std::string& name, const std::string& region) {
  return "arn:aws:sns:" + region + ":123456789012:" + name;
}

void FirehoseEmulatorOptions::use_pki(const TestPki& pki, bool iot) {
  tls_cert = pki.server_cert;
  tls_key = pki.server_key;
  tls_ca = pki.ca_cert;
  if (iot) {
    iot_cert = pki.server_cert;
    iot_key = pki.server_key;
    iot_client_ca = pki.client_ca_cert;
  }
}

FirehoseEmulatorProcess::FirehoseEmulatorProcess(const FirehoseEmulatorOptions& options,
                                                 const std::filesystem::path& work_dir,
                                                 std::chrono::milliseconds start_limit)
    : output_dir_(work_dir / "s3"), host_(options.listen_host) {
  std::filesystem::create_directories(output_dir_);
  const std::string script =
      (std::filesystem::path(CANHOSE_SOURCE_DIR) / "tests/firehose_emulator/firehose_emulator.py")
          .string();
  const std::string listen = (host_.find(':') == std::string::npos ? host_ : "[" + host_ + "]") +
                             ":" + std::to_string(options.listen_port);
  std::vector<std::string> args = {
      script, "--listen", listen, "--region", options.region, "--output-dir", output_dir_.string()};
  if (options.tls_cert && options.tls_key) {
    tls_ = true;
    tls_ca_ = options.tls_ca;
    args.insert(args.end(),
                {"--tls-cert", options.tls_cert->string(), "--tls-key", options.tls_key->string()});
  }
  if (options.iot_cert && options.iot_key && options.iot_client_ca) {
    args.insert(args.end(),
                {"--iot-listen", listen, "--iot-cert", options.iot_cert->string(), "--iot-key",
                 options.iot_key->string(), "--iot-client-ca", options.iot_client_ca->string()});
    for (const std::string& alias : options.iot_role_aliases) {
      args.insert(args.end(), {"--iot-role-alias", alias});
    }
    if (options.iot_credential_lifetime_s) {
      args.insert(args.end(),
                  {"--iot-credential-lifetime", number(*options.iot_credential_lifetime_s)});
    }
  }
  for (const std::string& credentials : options.credentials) {
    args.insert(args.end(), {"--credentials", credentials});
  }
  for (const std::string& stream : options.streams) {
    args.insert(args.end(), {"--stream", stream});
  }
  for (const std::string& topic : options.sns_topics) {
    args.insert(args.end(), {"--sns-topic", topic});
  }
  if (options.seed) {
    args.insert(args.end(), {"--seed", std::to_string(*options.seed)});
  }
  args.insert(args.end(),
              {"--throttle-fraction", number(options.throttle_fraction), "--error500-fraction",
               number(options.error500_fraction), "--record-failure-fraction",
               number(options.record_failure_fraction), "--delay-ms",
               std::to_string(options.delay_ms), "--reset-fraction", number(options.reset_fraction),
               "--date-skew-seconds", number(options.date_skew_seconds)});
  if (!options.record_failure_code.empty()) {
    args.insert(args.end(), {"--record-failure-code", options.record_failure_code});
  }
  if (options.buffer_size_bytes) {
    args.insert(args.end(), {"--buffer-size-bytes", std::to_string(*options.buffer_size_bytes)});
  }
  if (options.buffer_interval_seconds) {
    args.insert(args.end(),
                {"--buffer-interval-seconds", number(*options.buffer_interval_seconds)});
  }
  if (options.verbose) {
    args.emplace_back("--verbose");
  }
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());

  child_ = std::make_unique<ChildProcess>("/usr/bin/python3", args,
                                          std::map<std::string, std::string>{
                                              {"PYTHONDONTWRITEBYTECODE", "1"},
                                              {"PYTHONUNBUFFERED", "1"},
                                          },
                                          work_dir);
  const auto deadline = std::chrono::steady_clock::now() + start_limit;
  for (;;) {
    const std::string out = child_->stdout_text();
    if (const auto port = port_after(out, "LISTENING ")) {
      port_ = *port;
      iot_port_ = port_after(out, "IOT_LISTENING ");
      return;
    }
    if (const auto status = child_->wait_for(std::chrono::milliseconds(0))) {
      exit_status_ = status;
      throw std::runtime_error("firehose emulator exited (code " + std::to_string(status->code) +
                               ") before LISTENING: " + child_->stderr_text());
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      throw std::runtime_error("firehose emulator did not print LISTENING in time: " +
                               child_->stderr_text());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

FirehoseEmulatorProcess::~FirehoseEmulatorProcess() {
  try {
    stop();
  } catch (const std::exception&) {
    // The ChildProcess destructor SIGKILLs whatever is left.
  }
}

std::string FirehoseEmulatorProcess::endpoint() const {
  const std::string host = host_.find(':') == std::string::npos ? host_ : "[" + host_ + "]";
  return std::string(tls_ ? "https://" : "http://") + host + ":" + std::to_string(port_);
}

std::string FirehoseEmulatorProcess::iot_endpoint() const {
  if (!iot_port_) {
    return {};
  }
  const std::string host = host_.find(':') == std::string::npos ? host_ : "[" + host_ + "]";
  return "https://" + host + ":" + std::to_string(*iot_port_);
}

nlohmann::json FirehoseEmulatorProcess::control(const std::string& method, const std::string& path,
                                                const std::string& body) {
  LoopbackHttpTarget target;
  target.host = host_;
  target.port = port_;
  target.tls = tls_;
  target.ca_file = tls_ca_;
  const LoopbackHttpResponse response =
      loopback_http_request(target, method, "/_emulator/" + path, body);
  nlohmann::json value = nlohmann::json::parse(response.body, nullptr, false);
  if (response.status != 200 || value.is_discarded()) {
    throw std::runtime_error("emulator control " + method + " " + path + " answered " +
                             std::to_string(response.status) + ": " + response.body);
  }
  return value;
}

nlohmann::json FirehoseEmulatorProcess::set_faults(const nlohmann::json& settings) {
  return control("POST", "faults", settings.dump());
}

nlohmann::json FirehoseEmulatorProcess::faults() {
  return control("GET", "faults", {});
}

nlohmann::json FirehoseEmulatorProcess::stats() {
  return control("GET", "stats", {});
}

std::vector<std::filesystem::path> FirehoseEmulatorProcess::flush() {
  std::vector<std::filesystem::path> written;
  // Keep the response alive: a range-for over control(...).at(...) would iterate a
  // member of a destroyed temporary.
  const nlohmann::json response = control("POST", "flush", "{}");
  for (const auto& path : response.at("objects")) {
    written.emplace_back(path.get<std::string>());
  }
  return written;
}

nlohmann::json FirehoseEmulatorProcess::sns_messages() {
  return control("GET", "sns/messages", {}).at("messages");
}

std::vector<std::filesystem::path> FirehoseEmulatorProcess::objects() const {
  std::vector<std::filesystem::path> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(output_dir_)) {
    // Objects being written are hidden ".<name>.partial" files.
    if (entry.is_regular_file() && entry.path().filename().string().front() != '.') {
      found.push_back(entry.path());
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

ExitStatus FirehoseEmulatorProcess::stop(std::chrono::milliseconds limit) {
  if (exit_status_) {
    return *exit_status_;
  }
  if (const auto status = child_->wait_for(std::chrono::milliseconds(0))) {
    exit_status_ = status;
    return *status;
  }
  child_->signal(SIGTERM);
  if (auto status = child_->wait_for(limit)) {
    exit_status_ = status;
    return *status;
  }
  child_->signal(SIGKILL);
  exit_status_ = child_->wait_for(std::chrono::seconds(10)).value_or(ExitStatus{false, SIGKILL});
  return *exit_status_;
}

}  // namespace canhose::test
