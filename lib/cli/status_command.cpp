#include "cli/status_command.hpp"

#include <charconv>
#include <thread>

#include "cli/command_arguments.hpp"
#include "cli/command_config.hpp"
#include "cli/exit_code.hpp"
#include "cli/metrics_scrape.hpp"
#include "cli/prometheus_text.hpp"
#include "cli/status_report.hpp"

namespace canhose::cli {
namespace {

constexpr auto kScrapeDeadline = std::chrono::seconds(5);

// "http://127.0.0.1:9464/metrics", "127.0.0.1:9464" -> the address part.
std::string address_part(std::string text) {
  const std::string scheme = "http://";
  if (text.compare(0, scheme.size(), scheme) == 0) {
    text = text.substr(scheme.size());
  }
  const std::size_t slash = text.find('/');
  return slash == std::string::npos ? text : text.substr(0, slash);
}

}  // namespace

int StatusCommand::usage(const std::string& what) {
  std::fprintf(err_, "canhose status: %s\nTry 'canhose --help' for more information.\n",
               what.c_str());
  return kExitUsage;
}

int StatusCommand::run(const std::vector<std::string>& words) {
  const CommandArguments args(words, {"--config", "--metrics", "--interval"}, {"--json"});
  if (!args.ok()) {
    return usage(args.error());
  }
  if (!args.positional().empty()) {
    return usage("unexpected argument '" + args.positional().front() + "'");
  }
  double interval_s = 1;
  if (const auto text = args.value("--interval")) {
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), interval_s);
    if (ec != std::errc{} || end != text->data() + text->size() || interval_s < 0 ||
        interval_s > 60) {
      return usage("--interval wants seconds from 0 to 60, got '" + *text + "'");
    }
  }

  std::string listen;
  std::string where;
  if (const auto m = args.value("--metrics")) {
    listen = address_part(*m);
    where = "--metrics";
  } else {
    const auto loaded = load_command_config("canhose status", args, err_);
    if (!loaded) {
      std::fprintf(err_, "Or name the endpoint: canhose status --metrics 127.0.0.1:9464\n");
      return kExitUsage;
    }
    const std::string& path = loaded->path;
    listen = loaded->config.metrics.listen;
    where = "metrics.listen in " + path;
    if (listen.empty()) {
      std::fprintf(err_,
                   "canhose status: metrics.listen is not set in %s, so canhosed serves no "
                   "status.\nSet it, e.g.\n  metrics:\n    listen: 127.0.0.1:9464\nand restart "
                   "the service (systemctl restart canhose; a reload does not move the "
                   "endpoint).\n",
                   path.c_str());
      return kExitUsage;
    }
  }
  std::string parse_error;
  const auto address = metrics::parse_listen_address(listen, parse_error);
  if (!address) {
    return usage(where + " \"" + listen + "\": " + parse_error);
  }
  if (address->port == 0) {
    return usage(where +
                 " uses port 0 (any free port): pass --metrics ADDRESS:PORT with the "
                 "port canhosed logged (\"metrics at http://...\")");
  }
  metrics::ListenAddress target = *address;
  if (target.host == "0.0.0.0") {
    target.host = "127.0.0.1";
  } else if (target.host == "::") {
    target.host = "::1";
  }

  const MetricsScrape first = scrape_metrics(target, kScrapeDeadline);
  if (!first.ok()) {
    std::fprintf(err_, "canhose status: %s\n", first.error.c_str());
    if (first.failure == MetricsScrape::Failure::refused) {
      std::fprintf(err_, "Check: systemctl status canhose; journalctl -u canhose\n");
    }
    return kExitUnreachable;
  }
  const PrometheusText latest_first = PrometheusText::parse(first.body);
  std::optional<PrometheusText> earlier;
  PrometheusText latest = latest_first;
  std::chrono::duration<double> interval{0};
  if (interval_s > 0) {
    std::this_thread::sleep_for(std::chrono::duration<double>(interval_s));
    const MetricsScrape second = scrape_metrics(target, kScrapeDeadline);
    if (!second.ok()) {
      std::fprintf(err_, "canhose status: %s\n", second.error.c_str());
      return kExitUnreachable;
    }
    earlier = latest_first;
    latest = PrometheusText::parse(second.body);
    interval = second.taken_at - first.taken_at;
  }
  if (!latest.has("canhose_build_info")) {
    std::fprintf(err_,
                 "canhose status: http://%s/metrics answers, but not with canhosed's metrics\n",
                 to_string(target).c_str());
    return kExitUnreachable;
  }
  const StatusReport report(latest, earlier ? &*earlier : nullptr, interval,
                            std::chrono::system_clock::now());
  if (args.flag("--json")) {
    std::fprintf(out_, "%s\n", report.json().dump(2).c_str());
  } else {
    std::fputs(report.text().c_str(), out_);
  }
  return report.healthy() ? kExitOk : kExitDegraded;
}

}  // namespace canhose::cli
