#!/usr/bin/env bash
# Checks systemd/canhose.service the way systemd will read it:
#   1. systemd-analyze verify: the unit parses and its commands exist;
#   2. systemd-analyze security --offline=yes: prints the exposure score, which must
#      be at most MAX_EXPOSURE (2.0).
# The unit names /usr/sbin/canhosed; a copy pointing at the built binary is verified.
set -euo pipefail
unit=$1
canhosed=$2
max_exposure=${3:-2.0}

command -v systemd-analyze >/dev/null || { echo "systemd-analyze not found (apt-get install systemd)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s|/usr/sbin/canhosed|$canhosed|g" "$unit" > "$work/canhose.service"

echo "== systemd-analyze verify"
# verify prints problems on stderr and may still exit 0: treat any output as a failure.
out=$(systemd-analyze verify "$work/canhose.service" 2>&1) || { echo "$out"; exit 1; }
if [[ -n $out ]]; then
  echo "$out"
  exit 1
fi
echo "ok"

echo "== systemd-analyze security --offline=yes"
report=$(systemd-analyze security --offline=yes "$work/canhose.service" 2>&1 || true)
echo "$report" | grep -E '✗' || true
score=$(echo "$report" | sed -n 's/.*Overall exposure level for canhose.service: \([0-9.]*\).*/\1/p')
if [[ -z $score ]]; then
  echo "could not read the exposure score:"
  echo "$report"
  exit 1
fi
echo "exposure score: $score (must be at most $max_exposure)"
awk -v s="$score" -v m="$max_exposure" 'BEGIN { exit !(s <= m) }'
