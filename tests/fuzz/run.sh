#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (tests/fuzz/CMakeLists.txt, its own project in
# build/fuzz) and, for each target:
#   1. replays its seed corpus tests/fuzz/corpus/<target>/ (the regression step: every
#      input that once crashed us is a seed, and must not crash again);
#   2. fuzzes it for SECONDS (default 20), starting from the seeds; new inputs go to
#      build/fuzz/work/<target>/, never into the source tree.
# Prints one summary line per target and exits non-zero if any target crashed, leaked,
# timed out or failed to build. A crashing input is saved under build/fuzz/artifacts/:
# see docs/fuzzing.md for turning it into a seed.
#
#   tests/fuzz/run.sh [SECONDS]      FUZZ_TARGETS="http_date proxy_url" limits the set
set -euo pipefail

seconds=${1:-20}
if ! [[ $seconds =~ ^[0-9]+$ ]]; then
  echo "usage: $0 [SECONDS]  (fuzzing time per target, default 20; 0 = replay the seeds only)" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build/fuzz
cxx=${CXX_FUZZ:-clang++}

if ! command -v "$cxx" >/dev/null; then
  echo "fuzz: $cxx not found (packaging/install-build-deps.sh installs clang)" >&2
  exit 1
fi

started=$SECONDS
generator=()
if command -v ninja >/dev/null; then
  generator=(-G Ninja)
fi
nice -n 10 cmake -S "$here" -B "$build" "${generator[@]}" -DCMAKE_CXX_COMPILER="$cxx" >/dev/null
nice -n 10 cmake --build "$build"
echo "fuzz: targets built in $((SECONDS - started)) s"

targets=()
if [[ -n ${FUZZ_TARGETS:-} ]]; then
  read -r -a targets <<<"$FUZZ_TARGETS"
else
  for dir in "$here"/corpus/*/; do
    targets+=("$(basename "$dir")")
  done
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=0
summary=()
for target in "${targets[@]}"; do
  binary=$build/fuzz_$target
  seeds=$here/corpus/$target
  work=$build/work/$target
  artifacts=$build/artifacts/$target/
  log=$build/logs/$target.log
  if [[ ! -x $binary || ! -d $seeds ]]; then
    summary+=("$target: FAILED: no binary $binary or no seed directory $seeds")
    failed=1
    continue
  fi
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  options=(-timeout=10 -rss_limit_mb=2048 -artifact_prefix="$artifacts" -print_final_stats=1)

  # 1. Regression: every seed once (-runs=0 runs the loaded corpus and nothing more).
  if ! nice -n 10 "$binary" "${options[@]}" -runs=0 "$seeds" >"$log" 2>&1; then
    summary+=("$target: FAILED on a seed (regression); see $log")
    failed=1
    continue
  fi
  seed_count=$(find "$seeds" -type f | wc -l)
  if ((seconds == 0)); then
    summary+=("$target: ok, $seed_count seeds replayed")
    continue
  fi

  # 2. Fuzzing for a bounded time, new inputs into the work directory.
  if nice -n 10 "$binary" "${options[@]}" -max_total_time="$seconds" "$work" "$seeds" \
    >>"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    corpus=$(find "$work" -type f | wc -l)
    summary+=("$target: ok, $seed_count seeds replayed, ${runs:-?} executions in $seconds s, $corpus inputs in $work")
  else
    crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    summary+=("$target: CRASH after fuzzing: ${crash:-see $log}; log $log")
    failed=1
  fi
done

echo "fuzz: summary ($((SECONDS - started)) s in all)"
printf '  %s\n' "${summary[@]}"
exit "$failed"
