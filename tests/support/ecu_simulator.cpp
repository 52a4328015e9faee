#include "support/ecu_simulator.hpp"

#include <algorithm>

#include "obd/isotp_pci.hpp"

namespace canhose::test {

using obd::ObdFrame;

namespace {

ObdFrame padded(std::uint32_t id, std::uint8_t padding) {
  ObdFrame f;
  f.id = id;
  f.len = 8;
  f.data.fill(padding);
  return f;
}

}  // namespace

EcuSimulator::EcuSimulator(std::uint32_t response_id) : response_id_(response_id) {}

void EcuSimulator::set_dtcs(std::vector<std::uint16_t> codes, bool mil) {
  const auto count = static_cast<std::uint8_t>(std::min<std::size_t>(codes.size(), 0x7F));
  // B, C, D: misfire, fuel and component monitors and four spark-ignition ones supported,
  // all complete (readiness is not what the tests look at).
  pids_[0x01] = {static_cast<std::uint8_t>((mil ? 0x80 : 0x00) | count), 0x07, 0x65, 0x00};
  dtcs_ = std::move(codes);
}

std::vector<EcuSimulator::Output> EcuSimulator::on_frame(const ObdFrame& f) {
  std::vector<Output> out;
  if (f.len == 0) {
    return out;
  }
  const unsigned type = f.data[0] >> 4;
  if (f.id == physical_id() && type == 3) {
    ++flow_controls;
    flow_control_frames.push_back(f);
    if (!awaiting_flow_control()) {
      return out;
    }
    const unsigned status = f.data[0] & 0x0F;
    if (status == 0) {
      send_consecutive(f.data[1],
                       std::chrono::microseconds(obd::isotp::st_min_microseconds(f.data[2])), out);
    } else if (status == 2) {
      pending_payload_.clear();  // overflow: the receiver cannot take it
      ++abandoned_transfers;
    }
    return out;  // status 1 (wait): keep waiting
  }
  if ((f.id != 0x7DF && f.id != physical_id()) || type != 0) {
    return out;  // not for us, or a multi-frame request (OBD requests are single frames)
  }
  const std::size_t length = f.data[0] & 0x0F;
  if (length < 1 || length + 1 > f.len) {
    return out;
  }
  ++requests;
  if (f.data[1] == 0x03) {
    ++dtc_requests;
  }
  if (silent) {
    return out;
  }
  const std::uint8_t mode = f.data[1];
  std::vector<std::uint8_t> pids(f.data.begin() + 2,
                                 f.data.begin() + 1 + static_cast<long>(length));
  if (mode == 0x01 && pids.size() > 1) {
    ++multi_pid_requests;
  }
  return answer(mode, pids);
}

std::optional<std::vector<std::uint8_t>> EcuSimulator::mode01_data(std::uint8_t pid) const {
  if (pid % 0x20 == 0) {
    std::vector<std::uint8_t> b = bitmap(pid);
    if (pid == 0 || std::any_of(b.begin(), b.end(), [](std::uint8_t v) { return v != 0; }) ||
        bitmap(static_cast<std::uint8_t>(pid - 0x20))[3] & 0x01) {
      return b;
    }
    return std::nullopt;
  }
  const auto it = pids_.find(pid);
  if (it == pids_.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::vector<std::uint8_t> EcuSimulator::bitmap(std::uint8_t base) const {
  std::vector<std::uint8_t> b(4, 0);
  for (const auto& [pid, data] : pids_) {
    if (pid > base && pid <= base + 0x20u) {
      const unsigned bit = pid - base - 1u;
      b[bit / 8] = static_cast<std::uint8_t>(b[bit / 8] | (0x80u >> (bit % 8)));
    }
    if (pid > base + 0x20u) {
      b[3] |= 0x01;  // the next range has PIDs
    }
  }
  return b;
}

EcuSimulator::Fault EcuSimulator::take_fault(std::uint8_t mode, std::uint8_t pid) {
  const auto it = faults_.find({mode, pid});
  if (it == faults_.end() || it->second.remaining <= 0) {
    return Fault::none;
  }
  --it->second.remaining;
  return it->second.fault;
}

std::vector<EcuSimulator::Output> EcuSimulator::answer(std::uint8_t mode,
                                                       const std::vector<std::uint8_t>& pids) {
  std::vector<Output> out;
  const std::chrono::microseconds delay = response_delay;
  if ((mode == 0x01 || mode == 0x09) && pids.empty()) {
    return out;  // no PID: not a request these modes know
  }
  if (mode == 0x03) {
    if (const auto n = mode_negative_.find(mode); n != mode_negative_.end()) {
      send_payload({0x7F, mode, n->second}, Fault::none, delay, out);
    } else if (dtcs_) {
      std::vector<std::uint8_t> payload{0x43, static_cast<std::uint8_t>(dtcs_->size())};
      for (std::uint16_t code : *dtcs_) {
        payload.push_back(static_cast<std::uint8_t>(code >> 8));
        payload.push_back(static_cast<std::uint8_t>(code & 0xFF));
      }
      send_payload(payload, take_fault(0x03, 0x00), delay, out);
    } else {
      send_payload({0x7F, mode, 0x11}, Fault::none, delay, out);  // serviceNotSupported
    }
    return out;
  }
  if (mode == 0x01) {
    if (pids.size() > 1 && reject_multi_pid) {
      send_payload({0x7F, 0x01, 0x12}, Fault::none, delay, out);
      return out;
    }
    std::vector<std::uint8_t> payload{0x41};
    for (std::uint8_t pid : pids) {
      if (silent_pids_.count(pid) != 0) {
        continue;
      }
      if (const auto n = negative_.find(pid); n != negative_.end() && pids.size() == 1) {
        send_payload({0x7F, 0x01, n->second}, Fault::none, delay, out);
        return out;
      }
      if (auto data = mode01_data(pid)) {
        payload.push_back(pid);
        payload.insert(payload.end(), data->begin(), data->end());
      }
    }
    if (payload.size() == 1) {
      return out;  // nothing supported: no answer to a functional request
    }
    std::chrono::microseconds first = delay;
    if (const auto p = pending_.find(pids.front()); p != pending_.end() && pids.size() == 1) {
      for (int i = 0; i < p->second.count; ++i) {
        send_payload({0x7F, 0x01, 0x78}, Fault::none, i == 0 ? delay : p->second.interval, out);
      }
      if (p->second.count > 0) {
        first = p->second.interval;
      }
    }
    send_payload(payload, take_fault(0x01, pids.front()), first, out);
    return out;
  }
  if (mode == 0x09 && pids.size() == 1 && vin_) {
    if (pids[0] == 0x00) {
      send_payload({0x49, 0x00, 0x40, 0x00, 0x00, 0x00}, Fault::none, delay, out);
    } else if (pids[0] == 0x02) {
      std::vector<std::uint8_t> payload{0x49, 0x02, 0x01};
      payload.insert(payload.end(), vin_->begin(), vin_->end());
      send_payload(payload, take_fault(0x09, 0x02), delay, out);
    }
    return out;
  }
  if (mode != 0x01 && mode != 0x09) {
    send_payload({0x7F, mode, 0x11}, Fault::none, delay, out);  // serviceNotSupported
  }
  return out;
}

void EcuSimulator::send_payload(const std::vector<std::uint8_t>& payload_in, Fault fault,
                                std::chrono::microseconds delay, std::vector<Output>& out) {
  std::vector<std::uint8_t> payload = payload_in;
  if (fault == Fault::short_answer && payload.size() > 2) {
    payload.pop_back();
  }
  if (fault == Fault::invalid_pci) {
    ObdFrame f = padded(response_id_, padding);
    f.data[0] = 0x45;
    out.push_back({delay, f});
    return;
  }
  if (payload.size() <= 7) {
    ObdFrame f = padded(response_id_, padding);
    f.data[0] = static_cast<std::uint8_t>(payload.size());
    std::copy(payload.begin(), payload.end(), f.data.begin() + 1);
    if (fault == Fault::truncated_frame) {
      f.len = static_cast<std::uint8_t>(payload.size());  // one byte short of the PCI's claim
    }
    out.push_back({delay, f});
    return;
  }
  ObdFrame ff = padded(response_id_, padding);
  ff.data[0] = static_cast<std::uint8_t>(0x10 | (payload.size() >> 8));
  ff.data[1] = static_cast<std::uint8_t>(payload.size() & 0xFF);
  std::copy(payload.begin(), payload.begin() + 6, ff.data.begin() + 2);
  out.push_back({delay, ff});
  pending_payload_.assign(payload.begin() + 6, payload.end());
  next_sequence_ = 1;
  transfer_fault_ = fault;
}

void EcuSimulator::send_consecutive(std::uint8_t block_size, std::chrono::microseconds st_min,
                                    std::vector<Output>& out) {
  if (transfer_fault_ == Fault::ignore_flow_control) {
    pending_payload_.clear();  // the ECU "forgets" the transfer after its first frame
    ++abandoned_transfers;
    return;
  }
  int sent = 0;
  while (!pending_payload_.empty() && (block_size == 0 || sent < block_size)) {
    const std::size_t n = std::min<std::size_t>(7, pending_payload_.size());
    ObdFrame cf = padded(response_id_, padding);
    std::uint8_t sequence = next_sequence_;
    if (transfer_fault_ == Fault::wrong_sequence && sent == 1) {
      sequence = static_cast<std::uint8_t>((sequence + 1) & 0x0F);
    }
    cf.data[0] = static_cast<std::uint8_t>(0x20 | sequence);
    std::copy(pending_payload_.begin(), pending_payload_.begin() + static_cast<long>(n),
              cf.data.begin() + 1);
    pending_payload_.erase(pending_payload_.begin(),
                           pending_payload_.begin() + static_cast<long>(n));
    next_sequence_ = static_cast<std::uint8_t>((next_sequence_ + 1) & 0x0F);
    out.push_back({sent == 0 ? std::chrono::microseconds(0) : st_min, cf});
    ++sent;
  }
}

void EcuSimulator::flow_control_timeout() {
  if (awaiting_flow_control()) {
    pending_payload_.clear();
    ++abandoned_transfers;
  }
}

std::optional<std::uint16_t> parse_dtc(std::string_view text) {
  static constexpr std::string_view systems = "PCBU";
  if (text.size() != 5 || systems.find(text[0]) == std::string_view::npos || text[1] < '0' ||
      text[1] > '3') {
    return std::nullopt;
  }
  unsigned code = static_cast<unsigned>(systems.find(text[0])) << 14 |
                  static_cast<unsigned>(text[1] - '0') << 12;
  for (std::size_t i = 2; i < 5; ++i) {
    const char c = text[i];
    unsigned digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<unsigned>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
    code |= digit << (4 * (4 - i));
  }
  return static_cast<std::uint16_t>(code);
}

}  // namespace canhose::test
