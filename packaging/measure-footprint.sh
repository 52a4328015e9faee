#!/usr/bin/env bash
# Measures canhosed's memory at idle and under load, natively or under qemu user
# emulation (for the arm64/armhf builds), against the local Firehose emulator.
#
#   packaging/measure-footprint.sh CANHOSED [RUNNER...]
#   e.g. packaging/measure-footprint.sh build/cross-arm64/daemon/canhosed qemu-aarch64-static
#        packaging/measure-footprint.sh build/cross-armhf/daemon/canhosed \
#          qemu-arm-static -L build/cross/armhf/sysroot
#
# idle: delivery configured, no source enabled, 10 s.
# load: the real candump log replayed at full speed (speed: max, looping), every frame
#       also written as a raw-frame record, delivered to the emulator, 20 s.
# Prints VmRSS (sampled each second: the largest seen) and VmHWM from /proc/PID/status.
# Under qemu the figures include qemu's own memory (its translated-code cache and
# more), so they are an upper bound; times and rates under qemu mean nothing.
set -euo pipefail

canhosed=$(realpath "$1")
shift
runner=("$@")
source_dir=$(cd "$(dirname "$0")/.." && pwd)
log_file=$source_dir/tests/data/can/savvycan-candump.log

work=$(mktemp -d /tmp/canhose-footprint.XXXXXX)
emulator_pid=
daemon_pid=
cleanup() {
  [[ -n $daemon_pid ]] && kill "$daemon_pid" 2>/dev/null || true
  if [[ -n $emulator_pid ]]; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true # it may still be writing into $work
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=packaging/emulator.sh
source "$source_dir/packaging/emulator.sh"
start_emulator "$source_dir" "$work" footprint || exit 1
port=$emulator_port

# Every CAN id of the log, as raw-frame record ids.
ids=$(awk '{ split($3, f, "#"); print "\"0x" f[1] "\"" }' "$log_file" | sort -u | paste -sd,)

write_config() { # name replay-enabled
  cat >"$work/$1.yaml" <<YAML
device:
  id: footprint
service:
  state_dir: $work/state-$1
delivery:
  stream: footprint
  region: us-east-1
  endpoint: https://127.0.0.1:$port
  ca_file: $work/pki/ca.pem
credentials:
  source: static
  access_key_id: AKIDEXAMPLE
  secret_access_key: wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
sources:
  replay:
    enabled: $2
    file: $log_file
    speed: max
    loop: true
record:
  fields: [record_id, timestamp, device_id]
  period: 1s
  raw_frames:
    enabled: $2
    ids: [$ids]
YAML
  chmod 600 "$work/$1.yaml"
}

status_kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

measure() { # name seconds
  "${runner[@]}" "$canhosed" --config "$work/$1.yaml" 2>"$work/$1.log" &
  daemon_pid=$!
  local peak=0 rss
  for _ in $(seq "$2"); do
    sleep 1
    rss=$(status_kib "$daemon_pid" VmRSS) || {
      echo "canhosed exited early:"
      tail "$work/$1.log"
      exit 1
    }
    ((rss > peak)) && peak=$rss
  done
  local hwm
  hwm=$(status_kib "$daemon_pid" VmHWM)
  kill -TERM "$daemon_pid"
  for _ in $(seq 30); do
    kill -0 "$daemon_pid" 2>/dev/null || break
    sleep 1
  done
  if kill -0 "$daemon_pid" 2>/dev/null; then
    echo "$1: canhosed did not stop within 30 s of SIGTERM; killed. Its log ends:"
    tail -3 "$work/$1.log"
    kill -KILL "$daemon_pid"
  fi
  wait "$daemon_pid" || true
  daemon_pid=
  local delivered
  delivered=$(find "$work/s3" -type f -exec cat {} + 2>/dev/null | wc -l)
  printf '%-5s %3ss  VmRSS max %6d KiB  VmHWM %6d KiB  (records in the emulator so far: %d)\n' \
    "$1" "$2" "$peak" "$hwm" "$delivered"
}

write_config idle false
write_config load true
echo "canhosed: $canhosed ${runner[*]:+(under ${runner[*]})}"
measure idle 10
measure load 20
