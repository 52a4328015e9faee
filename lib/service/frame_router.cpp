#include "service/frame_router.hpp"

#include <algorithm>
#include <chrono>

#include "can/can_error_frame.hpp"

namespace canhose::service {

FrameRouter::FrameRouter(record::FieldStore& store, std::optional<dbc::DbcDecoder> decoder,
                         record::RawFrameRecorder* raw)
    : store_(store), decoder_(std::move(decoder)), raw_(raw) {
  if (decoder_) {
    field_of_signal_.reserve(decoder_->signal_count());
    for (std::uint32_t n = 0; n < decoder_->signal_count(); ++n) {
      field_of_signal_.push_back(store_.id_of(decoder_->signal(n).name));
    }
  }
}

void FrameRouter::set_alerts(alerts::AlertEngine* engine, std::function<void()> after_batch) {
  alerts_ = engine;
  after_batch_ = std::move(after_batch);
  input_of_signal_.assign(field_of_signal_.size(), kNoInput);
  for (BusStateField& b : bus_state_fields_) {
    b.input = kNoInput;
  }
  if (engine == nullptr) {
    return;
  }
  for (BusStateField& b : bus_state_fields_) {
    b.input = engine->input(b.interface + ".bus_state").value_or(kNoInput);
  }
  if (!decoder_) {
    return;
  }
  for (std::uint32_t n = 0; n < decoder_->signal_count(); ++n) {
    if (const auto input = engine->input(decoder_->signal(n).name)) {
      input_of_signal_[n] = *input;
    }
  }
}

void FrameRouter::on_frames(std::span<const can::CanFrame> frames) {
  // Separate passes, each loop doing only its own work: the decode pass and the raw pass
  // are independent (raw records do not read the field store), so a snapshot-only or a
  // raw-only configuration pays no per-frame test for the other; the decode pass with
  // alerts is its own instance, so a configuration without rules pays nothing for them.
  if (decoder_) {
    if (alerts_ != nullptr) {
      decode_frames<true>(*decoder_, frames);
    } else {
      decode_frames<false>(*decoder_, frames);
    }
  } else {
    error_frames(frames);
  }
  if (raw_ != nullptr) {
    record_frames(*raw_, frames);
  }
  if (alerts_ != nullptr && after_batch_) {
    after_batch_();
  }
}

template <bool kAlerts>
void FrameRouter::decode_frames(const dbc::DbcDecoder& decoder,
                                std::span<const can::CanFrame> frames) {
  bool errors = false;
  {
    record::FieldStore::NumberBatch numbers = store_.number_batch(record::FieldStore::Clock::now());
    const record::FieldId* field_of_signal = field_of_signal_.data();
    [[maybe_unused]] const std::uint32_t* input_of_signal = input_of_signal_.data();
    std::uint64_t published = 0;
    for (const can::CanFrame& f : frames) {
      if (f.error) {
        errors = true;
        continue;
      }
      published += decoder.decode(f, [&](std::uint32_t signal, double value) {
        numbers.publish(field_of_signal[signal], value);
        if constexpr (kAlerts) {
          if (input_of_signal[signal] != kNoInput) {
            alerts_->update(input_of_signal[signal], value, f.timestamp_ns);
          }
        }
      });
    }
    numbers.count(published);
  }
  // After the batch: a new bus_state field may grow the store the batch pointed into.
  if (errors) {
    error_frames(frames);
  }
}

void FrameRouter::error_frames(std::span<const can::CanFrame> frames) {
  for (const can::CanFrame& f : frames) {
    if (f.error) {
      on_error_frame(f);
    }
  }
}

void FrameRouter::on_error_frame(const can::CanFrame& f) {
  const std::optional<int> state = can::bus_state(can::describe_error_frame(f));
  if (!state) {
    return;
  }
  auto it = std::find_if(bus_state_fields_.begin(), bus_state_fields_.end(),
                         [&](const BusStateField& b) { return b.interface == f.interface; });
  if (it == bus_state_fields_.end()) {
    BusStateField b;
    b.interface = std::string(f.interface);
    b.field = store_.id_of(b.interface + ".bus_state");
    if (alerts_ != nullptr) {
      b.input = alerts_->input(b.interface + ".bus_state").value_or(kNoInput);
    }
    bus_state_fields_.push_back(std::move(b));
    it = std::prev(bus_state_fields_.end());
  }
  store_.publish(it->field, record::FieldValue(static_cast<std::int64_t>(*state)));
  if (it->input != kNoInput) {
    alerts_->update(it->input, static_cast<double>(*state), f.timestamp_ns);
  }
}

void FrameRouter::record_frames(record::RawFrameRecorder& raw,
                                std::span<const can::CanFrame> frames) {
  // The batch's frames go to the recorder together: one queue lock for all its records.
  raw_batch_.clear();
  for (const can::CanFrame& f : frames) {
    if (f.error) {
      continue;
    }
    std::uint8_t flags = 0;
    flags |= f.extended ? record::RawFrame::kExtended : 0;
    flags |= f.rtr ? record::RawFrame::kRemote : 0;
    flags |= f.fd ? record::RawFrame::kFd : 0;
    raw_batch_.push_back(record::RawFrame{f.interface, f.id, flags,
                                          std::span<const std::uint8_t>(f.data.data(), f.len),
                                          std::chrono::sys_time<std::chrono::microseconds>(
                                              std::chrono::microseconds(f.timestamp_ns / 1000))});
  }
  raw.on_frames(raw_batch_);
}

}  // namespace canhose::service
