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
  // Two passes, each loop doing only its own work: the decode pass and the raw pass are
  // independent (raw records do not read the field store), so a snapshot-only or a
  // raw-only configuration pays no per-frame test for the other.
  if (decoder_) {
    decode_frames(*decoder_, frames);
  }
  if (raw_ != nullptr) {
    record_frames(*raw_, frames);
  }
}

void FrameRouter::decode_frames(const dbc::DbcDecoder& decoder,
                                std::span<const can::CanFrame> frames) {
  record::FieldStore::NumberBatch numbers = store_.number_batch(record::FieldStore::Clock::now());
  const record::FieldId* field_of_signal = field_of_signal_.data();
  std::uint64_t published = 0;
  for (const can::CanFrame& f : frames) {
    if (f.error) {
      continue;
    }
    published += decoder.decode(f, [&](std::uint32_t signal, double value) {
      numbers.publish(field_of_signal[signal], value);
    });
  }
  numbers.count(published);
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
