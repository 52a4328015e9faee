#include "cli/streams_command.hpp"

#include <unistd.h>

#include <charconv>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "aws/firehose_api.hpp"
#include "cli/command_config.hpp"
#include "cli/exit_code.hpp"
#include "cli/firehose_error_advice.hpp"
#include "cli/stream_description_view.hpp"

namespace canhose::cli {
namespace {

constexpr std::uint32_t kListPageSize = 100;

bool parse_bounded(const std::string& text, std::uint32_t low, std::uint32_t high,
                   std::uint32_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && out >= low && out <= high;
}

}  // namespace

int StreamsCommand::usage(const std::string& what) {
  std::fprintf(err_, "canhose streams: %s\nTry 'canhose --help' for more information.\n",
               what.c_str());
  return kExitUsage;
}

int StreamsCommand::fail(const FirehoseConnection& firehose, const FirehoseCallResult& result,
                         std::string_view operation, std::string_view stream,
                         std::string_view role_arn) {
  const aws::FirehoseError& e = result.error;
  std::fprintf(err_, "canhose streams: %.*s failed: %s\n", static_cast<int>(operation.size()),
               operation.data(), result.redactor.redact(e.describe()).c_str());
  const std::string advice =
      advice_for(e, {operation, stream, firehose.region(), firehose.endpoint_url(), role_arn});
  if (!advice.empty()) {
    std::fprintf(err_, "%s\n", advice.c_str());
  }
  return e.kind == aws::FirehoseErrorKind::transport ? kExitUnreachable : kExitDegraded;
}

int StreamsCommand::run(const std::vector<std::string>& words) {
  const CommandArguments args(
      words,
      {"--config", "--bucket", "--role-arn", "--prefix", "--buffer-size", "--buffer-interval"},
      {"--json", "--yes"});
  if (!args.ok()) {
    return usage(args.error());
  }
  const auto& pos = args.positional();
  if (pos.empty()) {
    return usage("which one: list, describe NAME, create NAME, delete NAME?");
  }
  const std::string& action = pos[0];
  const std::size_t wanted = action == "list" ? 1 : 2;
  if (action != "list" && action != "describe" && action != "create" && action != "delete") {
    return usage("unknown action '" + action + "' (list, describe, create, delete)");
  }
  if (pos.size() != wanted) {
    return usage(pos.size() < wanted ? action + " needs the stream name"
                                     : "unexpected argument '" + pos[wanted] + "'");
  }
  const bool creating = action == "create";
  for (const char* option :
       {"--bucket", "--role-arn", "--prefix", "--buffer-size", "--buffer-interval"}) {
    if (!creating && args.value(option)) {
      return usage(std::string(option) + " is an option of create");
    }
  }
  if (action != "delete" && args.flag("--yes")) {
    return usage("--yes is an option of delete");
  }
  if (wanted == 2) {
    const std::string problem = aws::validate_stream_name(pos[1]);
    if (!problem.empty()) {
      return usage("stream name '" + pos[1] + "': " + problem);
    }
  }

  const auto loaded = load_command_config("canhose streams", args, err_);
  if (!loaded) {
    return kExitUsage;
  }
  if (loaded->config.delivery.region.empty()) {
    std::fprintf(err_, "canhose streams: delivery.region is not set in %s\n", loaded->path.c_str());
    return kExitUsage;
  }
  std::unique_ptr<FirehoseConnection> firehose;
  try {
    firehose = std::make_unique<FirehoseConnection>(loaded->config);
  } catch (const std::exception& e) {
    std::fprintf(err_, "canhose streams: %s (in %s)\n", e.what(), loaded->path.c_str());
    return kExitUsage;
  }
  const bool json = args.flag("--json");
  if (action == "list") {
    return list(*firehose, json);
  }
  if (action == "describe") {
    return describe(*firehose, pos[1], json);
  }
  if (creating) {
    return create(*firehose, pos[1], args, json);
  }
  return remove(*firehose, pos[1], args.flag("--yes"), json);
}

int StreamsCommand::list(FirehoseConnection& firehose, bool json) {
  std::vector<std::string> names;
  aws::ListDeliveryStreamsRequest request;
  request.limit = kListPageSize;
  std::string last_body;
  std::size_t pages = 0;
  for (;;) {
    const FirehoseCallResult result =
        firehose.call("ListDeliveryStreams", aws::build_list_delivery_streams_body(request));
    if (!result.ok()) {
      return fail(firehose, result, "ListDeliveryStreams", {});
    }
    auto parsed = aws::parse_list_delivery_streams_response(result.body);
    if (!parsed.ok()) {
      return fail(firehose, {parsed.error, result.body, result.redactor}, "ListDeliveryStreams",
                  {});
    }
    ++pages;
    last_body = result.body;
    names.insert(names.end(), parsed.value.names.begin(), parsed.value.names.end());
    if (!parsed.value.has_more || parsed.value.names.empty()) {
      break;
    }
    request.exclusive_start_delivery_stream_name = parsed.value.names.back();
  }
  if (json) {
    // One page: the response as it came; several: their names merged into one response.
    if (pages == 1) {
      std::fprintf(out_, "%s\n", last_body.c_str());
    } else {
      const nlohmann::json merged = {{"DeliveryStreamNames", names},
                                     {"HasMoreDeliveryStreams", false}};
      std::fprintf(out_, "%s\n", merged.dump().c_str());
    }
    return kExitOk;
  }
  if (names.empty()) {
    std::fprintf(out_, "no Firehose streams in %s\n", firehose.region().c_str());
    return kExitOk;
  }
  // One DescribeDeliveryStream per stream for the table's other columns.
  struct Row {
    std::string name, status, created, bucket;
  };
  std::vector<Row> rows;
  Row head{"NAME", "STATUS", "CREATED", "BUCKET"};
  std::size_t w0 = head.name.size(), w1 = head.status.size(), w2 = head.created.size();
  for (const std::string& name : names) {
    Row row{name, "?", "-", "-"};
    const FirehoseCallResult r =
        firehose.call("DescribeDeliveryStream", aws::build_describe_delivery_stream_body(name));
    if (!r.ok()) {
      row.status = r.error.code.empty() ? std::string(aws::to_string(r.error.kind)) : r.error.code;
    } else {
      const StreamDescriptionView view(r.body);
      row.status = view.status();
      row.created = view.created();
      row.bucket = view.has_s3_destination() ? view.bucket() : "-";
    }
    w0 = std::max(w0, row.name.size());
    w1 = std::max(w1, row.status.size());
    w2 = std::max(w2, row.created.size());
    rows.push_back(std::move(row));
  }
  const auto print = [&](const Row& r) {
    std::fprintf(out_, "%-*s  %-*s  %-*s  %s\n", static_cast<int>(w0), r.name.c_str(),
                 static_cast<int>(w1), r.status.c_str(), static_cast<int>(w2), r.created.c_str(),
                 r.bucket.c_str());
  };
  print(head);
  for (const Row& r : rows) {
    print(r);
  }
  return kExitOk;
}

int StreamsCommand::describe(FirehoseConnection& firehose, const std::string& name, bool json) {
  const FirehoseCallResult result =
      firehose.call("DescribeDeliveryStream", aws::build_describe_delivery_stream_body(name));
  if (!result.ok()) {
    return fail(firehose, result, "DescribeDeliveryStream", name);
  }
  const auto typed = aws::parse_describe_delivery_stream_response(result.body);
  if (!typed.ok()) {
    return fail(firehose, {typed.error, result.body, result.redactor}, "DescribeDeliveryStream",
                name);
  }
  if (json) {
    std::fprintf(out_, "%s\n", result.body.c_str());
    return kExitOk;
  }
  const StreamDescriptionView view(result.body);
  const auto field = [&](const char* label, const std::string& value) {
    std::fprintf(out_, "%-12s %s\n", label, value.c_str());
  };
  field("Name:", view.name());
  field("Status:", view.status());
  field("ARN:", view.arn());
  field("Type:", view.type());
  field("Created:", view.created());
  if (view.has_s3_destination()) {
    field("Bucket:", view.bucket());
    field("Prefix:", view.prefix());
    field("Buffering:", view.buffering());
    field("Compression:", view.compression());
    field("Role:", view.role_arn());
  } else {
    field("Destination:", "not S3 (see --json)");
  }
  field("Encryption:", view.encryption());
  if (!view.failure().empty()) {
    field("Failure:", result.redactor.redact(view.failure()));
  }
  return kExitOk;
}

int StreamsCommand::create(FirehoseConnection& firehose, const std::string& name,
                           const CommandArguments& args, bool json) {
  aws::CreateDeliveryStreamRequest request;
  request.stream_name = name;
  const auto bucket = args.value("--bucket");
  const auto role = args.value("--role-arn");
  if (!bucket || !role) {
    return usage("create needs --bucket BUCKET and --role-arn ROLE_ARN");
  }
  request.bucket_arn = bucket->rfind("arn:", 0) == 0 ? *bucket : "arn:aws:s3:::" + *bucket;
  request.role_arn = *role;
  request.prefix = args.value("--prefix").value_or("");
  std::uint32_t value = 0;
  if (const auto size = args.value("--buffer-size")) {
    if (!parse_bounded(*size, 1, 128, value)) {
      return usage("--buffer-size wants MiB from 1 to 128, got '" + *size + "'");
    }
    request.buffering_size_mib = value;
  }
  if (const auto interval = args.value("--buffer-interval")) {
    if (!parse_bounded(*interval, 0, 900, value)) {
      return usage("--buffer-interval wants seconds from 0 to 900, got '" + *interval + "'");
    }
    request.buffering_interval_s = value;
  }
  const FirehoseCallResult result =
      firehose.call("CreateDeliveryStream", aws::build_create_delivery_stream_body(request));
  if (!result.ok()) {
    return fail(firehose, result, "CreateDeliveryStream", name, request.role_arn);
  }
  const auto typed = aws::parse_create_delivery_stream_response(result.body);
  if (!typed.ok()) {
    return fail(firehose, {typed.error, result.body, result.redactor}, "CreateDeliveryStream",
                name);
  }
  if (json) {
    std::fprintf(out_, "%s\n", result.body.c_str());
    return kExitOk;
  }
  std::fprintf(out_,
               "created %s\nARN: %s\nIt is usable once `canhose streams describe %s` shows "
               "ACTIVE; then set delivery.stream: %s\n",
               name.c_str(), typed.value.arn.c_str(), name.c_str(), name.c_str());
  return kExitOk;
}

int StreamsCommand::remove(FirehoseConnection& firehose, const std::string& name, bool yes,
                           bool json) {
  if (!yes) {
    if (in_ == nullptr || ::isatty(::fileno(in_)) == 0) {
      return usage("delete " + name +
                   " asks for confirmation: add --yes to run without a terminal");
    }
    std::fprintf(err_,
                 "Delete Firehose stream %s in %s? Senders to it fail from then on. Type its name "
                 "to confirm: ",
                 name.c_str(), firehose.region().c_str());
    std::fflush(err_);
    char line[256] = {};
    std::string answer = std::fgets(line, sizeof line, in_) != nullptr ? line : "";
    while (!answer.empty() && (answer.back() == '\n' || answer.back() == '\r')) {
      answer.pop_back();
    }
    if (answer != name) {
      std::fprintf(err_, "not deleted\n");
      return kExitDegraded;
    }
  }
  const FirehoseCallResult result =
      firehose.call("DeleteDeliveryStream", aws::build_delete_delivery_stream_body(name));
  if (!result.ok()) {
    return fail(firehose, result, "DeleteDeliveryStream", name);
  }
  if (json) {
    std::fprintf(out_, "%s\n", result.body.c_str());
    return kExitOk;
  }
  std::fprintf(out_, "deleting %s (Firehose delivers what it buffered, then removes it)\n",
               name.c_str());
  return kExitOk;
}

}  // namespace canhose::cli
