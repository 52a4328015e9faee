#pragma once
// FrameRouter: the per-frame hot path from a CAN source to the records. Every batch a
// source (SocketCAN reader, candump replay) delivers goes through on_frames():
//   - data frames matching a DBC message: each signal's physical value is published to the
//     FieldStore (the snapshot record builder reads the latest values once per period);
//   - frames selected for raw capture: one raw-frame record each, appended to the queue.
//   - with alerts (set_alerts()): each signal a rule reads goes to the rule engine too, at
//     the frame's own time, and `after_batch` runs once the batch is through (canhosed
//     sends what the engine raised; `canhose alerts test` prints it).
// Error frames carry no signals (the reader counted and logged them); one that reports
// the controller state sets the field <interface>.bus_state (can::bus_state()).
//
// Field-store slots are resolved once here (one FieldId per DBC signal), so a frame costs
// no string hashing. Lifetime: the FieldStore and the RawFrameRecorder outlive the router.
// Event-loop thread only.

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "alerts/alert_engine.hpp"
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

  // Feeds `engine` (which must outlive the router) from now on; null stops it.
  void set_alerts(alerts::AlertEngine* engine, std::function<void()> after_batch);

  void on_frames(std::span<const can::CanFrame> frames);

 private:
  static constexpr std::uint32_t kNoInput = ~std::uint32_t{0};
  struct BusStateField {
    std::string interface;
    record::FieldId field = 0;
    std::uint32_t input = kNoInput;
  };

  template <bool kAlerts>
  void decode_frames(const dbc::DbcDecoder& decoder, std::span<const can::CanFrame> frames);
  void error_frames(std::span<const can::CanFrame> frames);
  void on_error_frame(const can::CanFrame& f);
  void record_frames(record::RawFrameRecorder& raw, std::span<const can::CanFrame> frames);

  record::FieldStore& store_;
  std::optional<dbc::DbcDecoder> decoder_;
  record::RawFrameRecorder* raw_;
  std::vector<record::FieldId> field_of_signal_;  // DBC signal number -> field
  std::vector<record::RawFrame> raw_batch_;       // reused by record_frames()
  alerts::AlertEngine* alerts_ = nullptr;
  std::function<void()> after_batch_;
  std::vector<std::uint32_t> input_of_signal_;   // DBC signal number -> alert input or kNoInput
  std::vector<BusStateField> bus_state_fields_;  // one per interface seen in an error frame
};

}  // namespace canhose::service
