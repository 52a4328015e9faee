#pragma once
// FrameRouter: the per-frame hot path from a CAN source to the records. Every batch a
// source (SocketCAN reader, candump replay) delivers goes through on_frames():
//   - data frames matching a DBC message: each signal's physical value is published to the
//     FieldStore (the snapshot record builder reads the latest values once per period);
//   - frames selected for raw capture: one raw-frame record each, appended to the queue.
// Error frames are skipped (the reader counted and logged them).
//
// Field-store slots are resolved once here (one FieldId per DBC signal), so a frame costs
// no string hashing. Lifetime: the FieldStore and the RawFrameRecorder outlive the router.
// Event-loop thread only.

#include <optional>
#include <span>
#include <vector>

#include "can/can_frame.hpp"
#include "dbc/dbc_decoder.hpp"
#include "record/field_store.hpp"
#include "record/raw_frame_recorder.hpp"

namespace canhose::service {

class FrameRouter {
 public:
  // `raw` may be null (no raw capture); `decoder` may be empty (no DBC).
  FrameRouter(record::FieldStore& store, std::optional<dbc::DbcDecoder> decoder,
              record::RawFrameRecorder* raw);

  void on_frames(std::span<const can::CanFrame> frames);

 private:
  void decode_frames(const dbc::DbcDecoder& decoder, std::span<const can::CanFrame> frames);
  void record_frames(record::RawFrameRecorder& raw, std::span<const can::CanFrame> frames);

  record::FieldStore& store_;
  std::optional<dbc::DbcDecoder> decoder_;
  record::RawFrameRecorder* raw_;
  std::vector<record::FieldId> field_of_signal_;  // DBC signal number -> field
  std::vector<record::RawFrame> raw_batch_;       // reused by record_frames()
};

}  // namespace canhose::service
