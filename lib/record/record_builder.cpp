#include "record/record_builder.hpp"

#include <stdexcept>

#include "log/logger.hpp"
#include "record/text_encoding.hpp"

namespace canhose::record {

namespace {

constexpr std::string_view kComponent = "record";

std::vector<RecordColumn> make_columns(const RecordBuilderOptions& o) {
  auto columns = columns_with_default_precision(o.fields);
  for (auto& c : columns) {
    if (auto it = o.precision.find(c.name); it != o.precision.end()) {
      if (it->second < -1 || it->second > 12) {
        throw std::invalid_argument("record: precision of \"" + c.name + "\" must be -1..12");
      }
      c.precision = it->second;
    }
  }
  return columns;
}

// The bytes of one snapshot, written when the sink knows the record's sequence.
class SnapshotContent final : public RecordContent {
 public:
  SnapshotContent(const RecordFormatter& f, std::chrono::sys_time<std::chrono::milliseconds> ts,
                  const std::vector<const FieldValue*>& values)
      : formatter_(f), timestamp_(ts), values_(values) {}
  void write(std::uint64_t sequence, std::string& out) const override {
    formatter_.format(sequence, timestamp_, values_, out);
  }

 private:
  const RecordFormatter& formatter_;
  std::chrono::sys_time<std::chrono::milliseconds> timestamp_;
  const std::vector<const FieldValue*>& values_;
};

class TextContent final : public RecordContent {
 public:
  explicit TextContent(const std::string& text) : text_(text) {}
  void write(std::uint64_t, std::string& out) const override { out += text_; }

 private:
  const std::string& text_;
};

}  // namespace

RecordBuilder::RecordBuilder(asio::io_context& io, FieldStore& store, RecordSink& sink,
                             RecordBuilderOptions options, WallClock clock)
    : timer_(io),
      store_(store),
      sink_(sink),
      options_(std::move(options)),
      clock_(std::move(clock)),
      formatter_(options_.format, make_columns(options_), options_.missing_token) {
  if (options_.period <= std::chrono::milliseconds(0)) {
    throw std::invalid_argument("record: period must be positive");
  }
  if (options_.format == RecordFormat::space) {
    // A VIN or device id with a space would shift every column after it.
    if (!options_.vin.empty() && !is_space_token(options_.vin)) {
      throw std::invalid_argument("record: the VIN must not contain spaces");
    }
    if (!options_.device_id.empty() && !is_space_token(options_.device_id)) {
      throw std::invalid_argument("record: the device id must not contain spaces");
    }
  }
  for (const auto& c : formatter_.columns()) {
    field_ids_.push_back(store_.id_of(c.name));
    auto age = options_.field_max_age;
    if (c.name == "vin" || c.name == "device_id") {
      age = FieldStore::kNeverExpires;
    }
    if (auto it = options_.field_max_age_overrides.find(c.name);
        it != options_.field_max_age_overrides.end()) {
      age = it->second;
    }
    max_age_.push_back(age);
  }
  values_.resize(field_ids_.size(), nullptr);
  if (!options_.vin.empty()) {
    store_.publish("vin", options_.vin);
  }
  if (!options_.device_id.empty()) {
    store_.publish("device_id", options_.device_id);
  }
}

RecordBuilder::~RecordBuilder() {
  alive_.reset();
}

void RecordBuilder::start() {
  if (running_) {
    return;
  }
  running_ = true;
  if (options_.csv_header && options_.format == RecordFormat::csv) {
    const std::string header = formatter_.header();
    const AppendResult r = sink_.append(TextContent(header));
    if (r.error) {
      ++counters_.append_failures;
      log::warning(kComponent, "the csv header record was refused: ", r.error.message());
    } else {
      ++counters_.header_records;
    }
  }
  next_tick_ = std::chrono::steady_clock::now() + options_.period;
  schedule();
}

void RecordBuilder::stop() {
  running_ = false;
  timer_.cancel();
}

void RecordBuilder::schedule() {
  timer_.expires_at(next_tick_);
  timer_.async_wait(
      [this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
        if (alive.expired() || ec || !running_) {
          return;
        }
        build_once();
        next_tick_ += options_.period;
        const auto now = std::chrono::steady_clock::now();
        if (now >= next_tick_) {
          // Held up for more than a period: skip the missed ticks rather than bunch them.
          const auto missed = (now - next_tick_) / options_.period + 1;
          counters_.skipped_ticks += static_cast<std::uint64_t>(missed);
          next_tick_ += missed * options_.period;
        }
        schedule();
      });
}

AppendResult RecordBuilder::build_once() {
  const auto now = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < field_ids_.size(); ++i) {
    values_[i] = store_.get(field_ids_[i], now, max_age_[i]);
  }
  const auto ts = std::chrono::floor<std::chrono::milliseconds>(clock_());
  const AppendResult r = sink_.append(SnapshotContent(formatter_, ts, values_));
  if (r.error) {
    ++counters_.append_failures;
    log::warning(kComponent, "a record was refused by the queue: ", r.error.message());
  } else {
    ++counters_.records;
  }
  return r;
}

}  // namespace canhose::record
