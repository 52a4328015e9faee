# Sourced by packaging/demo.sh and packaging/measure-footprint.sh (not run on its own).
#
# start_emulator SOURCE_DIR WORK STREAM|topic:NAME [STREAM|topic:NAME...]
#   Makes a throw-away CA and server certificate in WORK/pki and starts the local
#   Firehose emulator (tests/firehose_emulator) in the background on 127.0.0.1, with the
#   AWS test-suite credentials, the streams and SNS topics named (topic NAME is
#   arn:aws:sns:us-east-1:123456789012:NAME), S3
#   output in WORK/s3 and SNS messages in WORK/s3/sns/<topic>.jsonl. Its
#   output goes to WORK/emulator.out and WORK/emulator.log. Sets emulator_pid (a child of
#   the calling shell, so it can be killed and waited for) and emulator_port. Returns 1,
#   after printing the emulator's log, if it did not start listening within 10 s.
start_emulator() {
  local source_dir=$1 work=$2
  shift 2
  local streams=()
  for s in "$@"; do
    if [[ $s == topic:* ]]; then streams+=(--sns-topic "${s#topic:}"); else streams+=(--stream "$s"); fi
  done
  "$source_dir/tests/firehose_emulator/make_test_pki.sh" "$work/pki" >/dev/null
  /usr/bin/python3 "$source_dir/tests/firehose_emulator/firehose_emulator.py" \
    --listen 127.0.0.1:0 --tls-cert "$work/pki/server.pem" --tls-key "$work/pki/server.key" \
    --credentials AKIDEXAMPLE:wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY --region us-east-1 \
    "${streams[@]}" --output-dir "$work/s3" >"$work/emulator.out" 2>"$work/emulator.log" &
  emulator_pid=$!
  emulator_port=
  for _ in $(seq 100); do
    emulator_port=$(sed -n 's/^LISTENING \([0-9]*\)$/\1/p' "$work/emulator.out")
    [[ -n $emulator_port ]] && return 0
    sleep 0.1
  done
  echo "the Firehose emulator did not start:" >&2
  cat "$work/emulator.log" >&2
  return 1
}
