#include "service/stream_pipeline.hpp"

#include <memory>
#include <stdexcept>

#include "queue/queue_component.hpp"

namespace canhose::service {
namespace {

// A component whose status fragment names its stream: "dashcam-events: queue 12 records...".
class StreamLabelledComponent final : public lifecycle::Component {
 public:
  StreamLabelledComponent(std::unique_ptr<lifecycle::Component> inner, std::string stream)
      : inner_(std::move(inner)),
        stream_(std::move(stream)),
        name_(std::string(inner_->name()) + "[" + stream_ + "]") {}

  std::string_view name() const override { return name_; }
  void start() override { inner_->start(); }
  void async_stop(std::chrono::steady_clock::time_point deadline,
                  std::function<void()> done) override {
    inner_->async_stop(deadline, std::move(done));
  }
  std::string status() const override {
    std::string inner = inner_->status();
    return inner.empty() ? inner : stream_ + ": " + inner;
  }

 private:
  std::unique_ptr<lifecycle::Component> inner_;
  std::string stream_;
  std::string name_;
};

void add_component(Daemon& daemon, std::unique_ptr<lifecycle::Component> component,
                   const std::string& stream, bool labelled) {
  if (labelled) {
    component = std::make_unique<StreamLabelledComponent>(std::move(component), stream);
  }
  daemon.add(std::move(component));
}

// The label Prometheus sees; the vehicle's pipeline without a stream is "".
template <class Part>
metrics::MetricRegistry::Collector labelled_collector(const Part* part, std::string stream) {
  return [part, stream = std::move(stream)](std::vector<metrics::MetricFamily>& out) {
    std::vector<metrics::MetricFamily> own;
    part->collect_metrics(own);
    metrics::add_label(own, "stream", stream);
    out.insert(out.end(), std::make_move_iterator(own.begin()), std::make_move_iterator(own.end()));
  };
}

}  // namespace

StreamPipeline add_stream_pipeline(asio::io_context& io, Daemon& daemon,
                                   metrics::MetricRegistry& registry,
                                   const config::StreamPipelineOptions& options,
                                   aws::AwsClient* aws, bool labelled) {
  StreamPipeline pipeline;
  pipeline.upstream = options.upstream;
  pipeline.vehicle = options.vehicle;
  pipeline.alerts = options.alerts;
  queue::Queue::OpenResult opened = queue::Queue::open(io, options.queue);
  if (!opened.queue) {
    throw std::runtime_error("cannot open the queue " + options.queue.dir.string() +
                             (options.upstream.empty() ? "" : " of stream " + options.upstream) +
                             ": " + opened.error);
  }
  auto queue_component = std::make_unique<queue::QueueComponent>(std::move(opened.queue));
  const queue::QueueComponent* queue_part = queue_component.get();
  pipeline.queue = &queue_component->queue();
  registry.add_collector(labelled_collector(queue_part, options.upstream));
  add_component(daemon, std::move(queue_component), options.upstream, labelled);

  if (options.upstream.empty()) {
    return pipeline;
  }
  aws::FirehoseClient& client = *aws->firehose;
  auto delivery = std::make_unique<delivery::FirehoseDelivery>(
      io, *pipeline.queue, options.delivery,
      [&client](std::shared_ptr<const std::string> body, std::size_t count,
                std::function<void(delivery::FirehoseDelivery::Outcome)> done) {
        client.put_record_batch(std::move(body), count, std::move(done));
      });
  if (!options.vehicle) {
    delivery->set_log_name("delivery[" + options.upstream + "]");
  }
  delivery::FirehoseDelivery* delivery_part = delivery.get();
  registry.add_collector(labelled_collector(delivery_part, options.upstream));
  pipeline.delivery = delivery_part;
  add_component(daemon, std::move(delivery), options.upstream, labelled);
  return pipeline;
}

void reconfigure_stream_pipelines(const std::vector<StreamPipeline>& pipelines,
                                  const config::Config& old_config,
                                  const config::Config& new_config) {
  const std::vector<config::StreamPipelineOptions> before = config::stream_pipelines(old_config);
  const std::vector<config::StreamPipelineOptions> after = config::stream_pipelines(new_config);
  const auto find = [](const std::vector<config::StreamPipelineOptions>& options,
                       const StreamPipeline& running) -> const config::StreamPipelineOptions* {
    for (const config::StreamPipelineOptions& p : options) {
      if (running.vehicle ? p.vehicle : (!p.vehicle && p.upstream == running.upstream)) {
        return &p;
      }
    }
    return nullptr;
  };
  for (const StreamPipeline& running : pipelines) {
    const auto* old_options = find(before, running);
    const auto* new_options = find(after, running);
    if (running.delivery != nullptr && old_options != nullptr && new_options != nullptr) {
      running.delivery->reconfigure(old_options->delivery, new_options->delivery);
    }
  }
}

}  // namespace canhose::service
