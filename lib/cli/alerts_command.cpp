#include "cli/alerts_command.hpp"

#include <stdexcept>
#include <variant>

#include "alerting/alert_text.hpp"
#include "alerts/alert_engine.hpp"
#include "can/candump_file_reader.hpp"
#include "cli/command_arguments.hpp"
#include "cli/command_config.hpp"
#include "cli/exit_code.hpp"
#include "dbc/dbc_loader.hpp"
#include "record/field_store.hpp"
#include "service/frame_router.hpp"

namespace canhose::cli {
namespace {

constexpr std::size_t kBatch = 256;  // frames per router call, as a busy bus delivers them

}  // namespace

int AlertsCommand::run(const std::vector<std::string>& words) {
  if (words.empty() || words.front() != "test") {
    return usage(words.empty() ? "alerts wants a subcommand: test"
                               : "unknown alerts subcommand '" + words.front() + "'");
  }
  return test(std::vector<std::string>(words.begin() + 1, words.end()));
}

int AlertsCommand::test(const std::vector<std::string>& words) {
  const CommandArguments args(words, {"--config", "--replay", "--interface"}, {"--json"});
  if (!args.ok()) {
    return usage(args.error());
  }
  if (!args.positional().empty()) {
    return usage("unexpected argument '" + args.positional().front() + "'");
  }
  const auto replay = args.value("--replay");
  if (!replay) {
    return usage("alerts test needs a recorded drive: --replay candump.log");
  }
  const auto loaded = load_command_config("canhose alerts test", args, err_);
  if (!loaded) {
    return kExitUsage;
  }
  const config::Config& config = loaded->config;
  if (config.alerts.engine.rules.empty()) {
    std::fprintf(err_,
                 "canhose alerts test: %s has no alerts.rules to test (see "
                 "/usr/share/doc/canhose/alerts.example.yaml)\n",
                 loaded->path.c_str());
    return kExitUsage;
  }
  std::optional<dbc::DbcDecoder> decoder;
  try {
    dbc::LoadedDecoder dbc = dbc::load_decoder(config.sources.dbc);
    if (!dbc.warnings.empty()) {
      // canhosed logs each at notice; here they would bury the events.
      std::fprintf(err_, "canhose alerts test: %zu warning(s) in the DBC file, the first: %s\n",
                   dbc.warnings.size(), dbc.warnings.front().c_str());
    }
    decoder = std::move(dbc.decoder);
  } catch (const std::exception& e) {
    std::fprintf(err_, "canhose alerts test: %s\n", e.what());
    return kExitUsage;
  }
  if (!decoder) {
    std::fprintf(err_,
                 "canhose alerts test: %s sets no sources.can.dbc_file, so only "
                 "<interface>.bus_state can be read from the log\n",
                 loaded->path.c_str());
  }

  can::CandumpFileReader reader;
  if (reader.open(*replay)) {
    std::fprintf(err_, "canhose alerts test: %s\n", reader.last_error().c_str());
    return kExitUsage;
  }

  alerts::AlertEngine engine(config.alerts.engine);
  const bool json = args.flag("--json");
  const std::string vehicle = config.device.id.empty() ? "replay" : config.device.id;
  const auto print_outputs = [&] {
    for (const auto& output : engine.take_outputs()) {
      if (const auto* event = std::get_if<alerts::Event>(&output)) {
        if (json) {
          std::fputs(alerting::event_record(*event, vehicle).c_str(), out_);
        } else {
          std::fprintf(out_, "%s  event  %s  (%u within the window)\n",
                       alerting::iso8601_ms(event->time_ns).c_str(), event->rule.c_str(),
                       event->events_in_window);
        }
        continue;
      }
      const auto& alert = std::get<alerts::Alert>(output);
      if (json) {
        std::fputs(alerting::alert_record(alert, vehicle).c_str(), out_);
      } else {
        std::fprintf(out_, "%s  ALERT  %s  %s: %s\n", alerting::iso8601_ms(alert.time_ns).c_str(),
                     alert.rule.c_str(), std::string(alerts::to_string(alert.severity)).c_str(),
                     alert.message.c_str());
      }
    }
  };

  record::FieldStore store;
  service::FrameRouter router(store, std::move(decoder), nullptr);
  router.set_alerts(&engine, print_outputs);
  const std::string interface = args.value("--interface").value_or("");
  std::vector<can::CanFrame> batch;
  batch.reserve(kBatch);
  std::int64_t first_ns = 0;
  std::int64_t last_ns = 0;
  can::CanFrame frame;
  can::CandumpFileReader::Status status;
  while ((status = reader.next(frame)) == can::CandumpFileReader::Status::frame) {
    if (!interface.empty()) {
      frame.interface = interface;
    }
    first_ns = reader.stats().frames == 1 ? frame.timestamp_ns : first_ns;
    last_ns = frame.timestamp_ns;
    batch.push_back(frame);
    if (batch.size() == kBatch) {
      router.on_frames(batch);
      batch.clear();
    }
  }
  router.on_frames(batch);
  if (status == can::CandumpFileReader::Status::io_error) {
    std::fprintf(err_, "canhose alerts test: %s\n", reader.last_error().c_str());
    return kExitUsage;
  }

  std::FILE* summary = json ? err_ : out_;
  std::fprintf(summary, "%llu frames, %.1f s of data (%llu malformed lines skipped); %zu rules:\n",
               static_cast<unsigned long long>(reader.stats().frames),
               static_cast<double>(last_ns - first_ns) / 1e9,
               static_cast<unsigned long long>(reader.stats().malformed), engine.rule_count());
  for (const alerts::AlertEngine::RuleStatus& s : engine.status()) {
    std::fprintf(summary, "  %-24s %6llu events  %4llu alerts  %4llu within the cooldown\n",
                 s.name.c_str(), static_cast<unsigned long long>(s.events_total),
                 static_cast<unsigned long long>(s.alerts_total),
                 static_cast<unsigned long long>(s.suppressed_total));
  }
  return kExitOk;
}

int AlertsCommand::usage(const std::string& what) {
  std::fprintf(err_, "canhose alerts: %s\nTry 'canhose --help' for more information.\n",
               what.c_str());
  return kExitUsage;
}

}  // namespace canhose::cli
