#include "cli/put_command.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "aws/firehose_api.hpp"
#include "base/units.hpp"
#include "cli/command_arguments.hpp"
#include "cli/command_config.hpp"
#include "cli/exit_code.hpp"
#include "cli/ingest_batch_sender.hpp"
#include "cli/ingest_endpoint.hpp"
#include "cli/ingest_http_client.hpp"
#include "cli/ingest_unreachable_advice.hpp"
#include "cli/line_batcher.hpp"

namespace canhose::cli {
namespace {

// With `ingest.auth: none` canhosed does not check signatures; requests are signed anyway
// (as SDKs sign with whatever they have) with this placeholder, which authorises nothing.
constexpr const char* kPlaceholderKeyId = "CANHOSEPUTNOAUTH";
constexpr const char* kPlaceholderSecret = "not-checked-with-ingest-auth-none";

// Time on top of ingest.durable_timeout for canhosed's answer to a put.
constexpr std::chrono::seconds kAnswerMargin{30};

}  // namespace

int PutCommand::usage(const std::string& what) {
  std::fprintf(err_, "canhose put: %s\nTry 'canhose --help' for more information.\n", what.c_str());
  return kExitUsage;
}

int PutCommand::run(const std::vector<std::string>& words) {
  const CommandArguments args(words, {"--config", "--stream", "--file", "--retry-for"},
                              {"--verbose"});
  if (!args.ok()) {
    return usage(args.error());
  }
  if (!args.positional().empty()) {
    return usage("unexpected argument '" + args.positional().front() +
                 "' (records come from stdin or --file)");
  }
  base::Duration retry_for{60'000};
  if (const auto text = args.value("--retry-for")) {
    const auto parsed = base::parse_duration(*text);
    if (!parsed || parsed->count() < 0) {
      return usage("--retry-for wants a duration such as 60s, 2m or 0, got '" + *text + "'");
    }
    retry_for = *parsed;
  }
  if (const auto name = args.value("--stream")) {
    const std::string problem = aws::validate_stream_name(*name);
    if (!problem.empty()) {
      return usage("stream name '" + *name + "': " + problem);
    }
  }
  const auto loaded = load_command_config("canhose put", args, err_);
  if (!loaded) {
    return kExitUsage;
  }
  const config::Config& config = loaded->config;
  const std::string& path = loaded->path;
  if (!config.ingest.enabled()) {
    std::fprintf(err_,
                 "canhose put: ingest.listen is not set in %s: canhosed serves no local ingest "
                 "endpoint.\nSet it, e.g.\n  ingest:\n    listen: 127.0.0.1:4573\nand restart "
                 "the service (systemctl restart canhose).\n",
                 path.c_str());
    return kExitUsage;
  }
  std::string error;
  const auto endpoint = ingest_endpoint(config, error);
  if (!endpoint) {
    std::fprintf(err_, "canhose put: %s (in %s)\n", error.c_str(), path.c_str());
    return kExitUsage;
  }
  if (!args.value("--stream") && config.ingest.streams.empty()) {
    std::fprintf(err_, "canhose put: no ingest stream in %s: name one with --stream\n",
                 path.c_str());
    return kExitUsage;
  }
  const std::string stream = args.value("--stream").value_or(config.ingest.streams.front().name);

  IngestBatchSenderOptions options;
  options.stream = stream;
  options.region = config.delivery.region.empty() ? "us-east-1" : config.delivery.region;
  if (config.ingest.auth == ingest::IngestAuth::sigv4) {
    options.credentials.access_key_id = config.ingest.keys.front().access_key_id;
    options.credentials.secret_access_key = config.ingest.keys.front().secret_access_key;
  } else {
    options.credentials.access_key_id = kPlaceholderKeyId;
    options.credentials.secret_access_key = base::Secret(kPlaceholderSecret);
  }
  options.credentials.source = "ingest.keys";
  options.retry_for = retry_for;
  const bool verbose = args.flag("--verbose");
  if (verbose) {
    options.on_retry = [this](const std::string& what) {
      std::fprintf(err_, "canhose put: %s\n", what.c_str());
    };
  }

  const std::string file = args.value("--file").value_or("-");
  const std::string input = file == "-" ? "stdin" : file;
  int fd = ::fileno(in_);
  if (file != "-") {
    fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      std::fprintf(err_, "canhose put: cannot open %s: %s\n", file.c_str(), std::strerror(errno));
      return kExitUsage;
    }
  }
  struct CloseFile {
    int fd;
    bool owned;
    ~CloseFile() {
      if (owned) {
        ::close(fd);
      }
    }
  } close_file{fd, file != "-"};

  IngestClientTimeouts timeouts;
  timeouts.read = std::chrono::duration_cast<std::chrono::milliseconds>(
      config.ingest.durable_timeout + kAnswerMargin);
  const auto client = IngestHttpClient::create(*endpoint, timeouts, error);
  if (!client) {
    std::fprintf(err_, "canhose put: %s (in %s)\n", error.c_str(), path.c_str());
    return kExitUsage;
  }
  LineBatchLimits limits;
  // canhosed refuses a larger body with 413 before reading it.
  limits.max_body_bytes = static_cast<std::size_t>(
      std::min<std::uint64_t>(limits.max_body_bytes, config.ingest.max_body_bytes));
  limits.body_overhead_bytes = aws::PutRecordBatchBody(stream).size();
  LineBatcher batcher(fd, limits);
  IngestBatchSender sender(*client, std::move(options));

  std::uint64_t accepted = 0;
  std::uint64_t bytes = 0;
  LineBatch batch;
  while (batcher.next(batch)) {
    const IngestSendOutcome outcome = sender.send(batch);
    accepted += outcome.accepted;
    if (outcome.result != IngestSendOutcome::Result::sent) {
      const bool unreachable = outcome.result == IngestSendOutcome::Result::unreachable;
      std::fprintf(err_, "canhose put: %s\n", outcome.error.c_str());
      const std::string hint = unreachable
                                   ? unreachable_advice(config, *endpoint, outcome.failure, path)
                                   : std::string();
      if (!hint.empty()) {
        std::fprintf(err_, "%s\n", hint.c_str());
      }
      const unsigned long long line = outcome.first_line_not_accepted.value_or(0);
      if (accepted == 0) {
        std::fprintf(err_, "canhose put: no record of %s was accepted\n", input.c_str());
      } else {
        std::fprintf(err_,
                     "canhose put: %llu records of %s were accepted into stream %s; line %llu is "
                     "the first that was not%s\n",
                     static_cast<unsigned long long>(accepted), input.c_str(), stream.c_str(), line,
                     outcome.later_accepted ? " (some after it were)" : "");
      }
      return unreachable ? kExitUnreachable : kExitDegraded;
    }
    bytes += batch.data.size();
  }
  if (const auto& e = batcher.error()) {
    std::fprintf(err_,
                 "canhose put: %s: %s\ncanhose put: the %llu records before it were accepted into "
                 "stream %s; nothing from line %llu on was sent\n",
                 input.c_str(), e->message.c_str(), static_cast<unsigned long long>(accepted),
                 stream.c_str(), static_cast<unsigned long long>(e->line));
    return kExitDegraded;
  }
  if (verbose) {
    std::fprintf(err_,
                 "canhose put: %llu records (%llu bytes) from %llu lines of %s accepted into "
                 "stream %s at %s in %llu calls (%llu retries); %llu empty lines skipped\n",
                 static_cast<unsigned long long>(accepted), static_cast<unsigned long long>(bytes),
                 static_cast<unsigned long long>(batcher.lines_read()), input.c_str(),
                 stream.c_str(), endpoint->url().c_str(),
                 static_cast<unsigned long long>(sender.calls()),
                 static_cast<unsigned long long>(sender.retries()),
                 static_cast<unsigned long long>(batcher.empty_lines()));
  }
  return kExitOk;
}

}  // namespace canhose::cli
