#include "service/frame_router.hpp"

#include <chrono>

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

void FrameRouter::on_frames(std::span<const can::CanFrame> frames) {
  record::FieldStore::NumberBatch numbers = store_.number_batch(record::FieldStore::Clock::now());
  const record::FieldId* field_of_signal = field_of_signal_.data();
  const dbc::DbcDecoder* decoder = decoder_ ? &*decoder_ : nullptr;
  for (const can::CanFrame& f : frames) {
    if (f.error) {
      continue;
    }
    if (decoder != nullptr) {
      numbers.count(decoder->decode(f, [&](std::uint32_t signal, double value) {
        numbers.publish(field_of_signal[signal], value);
      }));
    }
    if (raw_ != nullptr) {
      std::uint8_t flags = 0;
      flags |= f.extended ? record::RawFrame::kExtended : 0;
      flags |= f.rtr ? record::RawFrame::kRemote : 0;
      flags |= f.fd ? record::RawFrame::kFd : 0;
      raw_->on_frame(record::RawFrame{f.interface, f.id, flags,
                                      std::span<const std::uint8_t>(f.data.data(), f.len),
                                      std::chrono::sys_time<std::chrono::microseconds>(
                                          std::chrono::microseconds(f.timestamp_ns / 1000))});
    }
  }
}

}  // namespace canhose::service
