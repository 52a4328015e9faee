#include "alerting/alerting_options.hpp"

#include <optional>

#include "aws/firehose_api.hpp"
#include "aws/sns_api.hpp"
#include "base/mapping_reader.hpp"
#include "https/http_transport.hpp"

namespace canhose::alerting {

void read_options(base::MappingReader& r, AlertingOptions& c) {
  r.value("enabled", c.enabled);
  alerts::read_engine_options(r, c.engine);
  r.value("topic_arn", c.topic_arn, [](const std::string& arn) -> std::optional<std::string> {
    if (arn.empty()) {
      return std::nullopt;
    }
    const aws::SnsTopicArnParse parsed = aws::parse_topic_arn(arn);
    if (!parsed.ok()) {
      return parsed.error + " (expected arn:aws:sns:<region>:<account>:<topic>)";
    }
    return std::nullopt;
  });
  r.value("endpoint", c.endpoint, https::endpoint_override_problem);
  if (!c.endpoint.empty() && c.topic_arn.empty()) {
    r.error("endpoint",
            "alerts.endpoint is set but alerts.topic_arn is not: set the topic to "
            "publish to, or leave the endpoint out");
  }
  r.value("stream", c.stream, [](const std::string& name) -> std::optional<std::string> {
    if (name.empty()) {
      return std::nullopt;
    }
    std::string problem = aws::validate_stream_name(name);
    return problem.empty() ? std::nullopt : std::optional<std::string>(std::move(problem));
  });
  r.value("outbox_max_bytes", c.outbox_max_bytes,
          base::between(base::ByteSize{4 * 1024 * 1024}, base::ByteSize{1024 * 1024 * 1024}));
}

}  // namespace canhose::alerting
