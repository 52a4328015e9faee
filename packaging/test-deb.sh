#!/usr/bin/env bash
# Really installs the canhose .deb, checks the result, removes and purges it, and checks
# that nothing is left. It changes the machine (packages, /etc, /var/lib, systemd
# enablement), so it is meant for a throw-away machine such as CI and refuses to run
# unless CI=true or --yes is given. Runs itself with sudo when not root.
#
#   packaging/test-deb.sh [--yes] [DEB]
#
# DEB defaults to the package of build/release (made with cpack if missing).
# Checks: files, conffile status, the unit enabled but NOT started (the shipped config
# names no stream), `canhose --version`, `canhose check-config`; when systemd runs, that
# the service does start once a stream is configured; `dpkg --remove` keeps the
# conffile and masks the unit; `dpkg --purge` leaves nothing behind.
set -euo pipefail

yes=false
deb=""
for arg in "$@"; do
  case "$arg" in
    --yes) yes=true ;;
    -h | --help)
      sed -n '2,13p' "$0"
      exit 0
      ;;
    *) deb=$arg ;;
  esac
done
if [[ ${CI:-} != true ]] && ! $yes; then
  echo "test-deb.sh installs and purges the canhose package on THIS machine." >&2
  echo "Run it on a throw-away machine with CI=true, or pass --yes." >&2
  exit 2
fi
if [[ $(id -u) -ne 0 ]]; then
  # It installs a package: root, keeping the consent given above.
  exec sudo CI=true "$0" "$@"
fi

source_dir=$(cd "$(dirname "$0")/.." && pwd)
if [[ -z $deb ]]; then
  build_dir=$source_dir/build/release
  deb=$(ls "$build_dir"/canhose_*.deb 2>/dev/null | head -1 || true)
  if [[ -z $deb ]]; then
    (cd "$build_dir" && cpack -G DEB >/dev/null)
    deb=$(ls "$build_dir"/canhose_*.deb | head -1)
  fi
fi
deb=$(realpath "$deb")
version=$(dpkg-deb -f "$deb" Version)
echo "=== testing $deb"

if dpkg-query -W -f='${Status}' canhose 2>/dev/null | grep -q 'installed'; then
  echo "canhose is already installed here: not touching it" >&2
  exit 2
fi

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
check() { # description command...
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else fail "$what"; fi
}

unit=canhose.service
wants_link=/etc/systemd/system/multi-user.target.wants/$unit
systemd_running=false
[[ -d /run/systemd/system ]] && systemd_running=true
# Only the installed daemon: integration tests elsewhere may run build-tree canhosed.
installed_daemon_running() { pgrep -f '^/usr/sbin/canhosed( |$)' >/dev/null; }

export DEBIAN_FRONTEND=noninteractive
apt_get() { apt-get -o DPkg::Lock::Timeout=600 "$@"; }

# --- install (apt resolves the Depends)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
apt_get install -y -qq --no-install-recommends "$deb" >"$log" 2>&1 || {
  cat "$log"
  exit 1
}
echo "--- what the installation printed about the service:"
grep '^canhose:' "$log" || fail "postinst printed no line about the service"

check "package installed" bash -c 'dpkg-query -W canhose >/dev/null'
for path in /usr/sbin/canhosed /usr/bin/canhose /lib/systemd/system/$unit \
  /etc/canhose/canhose.yaml /usr/share/doc/canhose/README.md /usr/share/doc/canhose/copyright; do
  check "$path installed" test -f "$path"
done
check "canhosed executable" test -x /usr/sbin/canhosed

# Conffile: listed with the md5sum of the file as shipped (and not obsolete).
conffiles=$(dpkg-query -W -f='${Conffiles}' canhose)
echo "conffiles:$conffiles"
read -r cf_path cf_md5 cf_flag <<<"$conffiles" || true
check "/etc/canhose/canhose.yaml is the conffile" test "$cf_path" = /etc/canhose/canhose.yaml
check "conffile checksum matches the installed file" \
  test "$cf_md5" = "$(md5sum /etc/canhose/canhose.yaml | cut -d' ' -f1)"
check "conffile not obsolete" test -z "${cf_flag:-}"

# Enabled, not started: the shipped config names no stream.
check "unit enabled (multi-user.target wants it)" test -L "$wants_link"
check "systemctl is-enabled says enabled" \
  test "$(systemctl is-enabled $unit 2>/dev/null || true)" = enabled
if $systemd_running; then
  check "service not started without a stream" \
    test "$(systemctl is-active $unit 2>/dev/null || true)" != active
fi
check "no installed canhosed running" bash -c '! pgrep -f "^/usr/sbin/canhosed( |$)" >/dev/null'
check "postinst said it did not start the service" grep -q '^canhose: enabled' "$log"

check "canhose --version prints $version" test "$(canhose --version)" = "canhose $version"
check "canhose check-config accepts the shipped config" \
  bash -c 'canhose check-config /etc/canhose/canhose.yaml >/dev/null'
check "canhosed --check-config accepts the shipped config" \
  bash -c '/usr/sbin/canhosed --check-config /etc/canhose/canhose.yaml >/dev/null'

# With a stream named, configuring the package starts the service (needs systemd).
if $systemd_running; then
  cp /etc/canhose/canhose.yaml /etc/canhose/canhose.yaml.test-orig
  sed -i 's/^  stream: ""/  stream: "canhose-package-test"/; s/^  region: ""/  region: "eu-west-1"/' \
    /etc/canhose/canhose.yaml
  # What dpkg runs when this version is configured again (as on an upgrade).
  /var/lib/dpkg/info/canhose.postinst configure "$version"
  sleep 2
  check "service started once a stream is configured" \
    test "$(systemctl is-active $unit 2>/dev/null || true)" = active
  mv /etc/canhose/canhose.yaml.test-orig /etc/canhose/canhose.yaml
else
  echo "skip: systemd is not running here, so starting the service cannot be checked"
fi

# State the service would have written (StateDirectory= with DynamicUser=yes).
mkdir -p /var/lib/private/canhose/queue
echo data >/var/lib/private/canhose/queue/00000001.seg
[[ -e /var/lib/canhose ]] || ln -s private/canhose /var/lib/canhose

# --- remove: binaries go, the conffile and the state stay, the service is stopped
apt_get remove -y -qq canhose >"$log" 2>&1 || {
  cat "$log"
  exit 1
}
check "canhosed removed" test ! -e /usr/sbin/canhosed
check "conffile kept after remove" test -f /etc/canhose/canhose.yaml
check "unit masked after remove (enablement kept for a reinstall)" \
  test "$(readlink /etc/systemd/system/$unit)" = /dev/null
check "state kept after remove" test -f /var/lib/private/canhose/queue/00000001.seg
check "no installed canhosed running after remove" bash -c '! pgrep -f "^/usr/sbin/canhosed( |$)" >/dev/null'
if $systemd_running; then
  check "service stopped after remove" \
    test "$(systemctl is-active $unit 2>/dev/null || true)" != active
fi

# --- purge: nothing left
apt_get purge -y -qq canhose >"$log" 2>&1 || {
  cat "$log"
  exit 1
}
check "package gone" bash -c '! dpkg-query -W -f="\${Status}" canhose 2>/dev/null | grep -q .'
check "/etc/canhose gone" test ! -e /etc/canhose
check "/var/lib/canhose gone" test ! -e /var/lib/canhose -a ! -L /var/lib/canhose
check "/var/lib/private/canhose gone" test ! -e /var/lib/private/canhose
check "enablement link gone" test ! -L "$wants_link"
check "no mask left" test ! -e /etc/systemd/system/$unit -a ! -L /etc/systemd/system/$unit
leftovers=$(find /etc /lib/systemd /usr/lib/systemd /usr/sbin /usr/bin /usr/share/doc /var/lib \
  -name '*canhose*' -not -path '/var/lib/dpkg/*' -not -path '/var/lib/apt/*' 2>/dev/null || true)
check "no file named *canhose* left (${leftovers:-none})" test -z "$leftovers"

if ((failures > 0)); then
  echo "test-deb.sh: $failures check(s) failed" >&2
  exit 1
fi
echo "test-deb.sh: all checks passed"
