#!/usr/bin/env bash
# Inspects a canhose .deb without installing it: control fields, Depends, the conffile,
# the files, the maintainer scripts (present, executable, valid sh) and the postinst's
# reading of delivery.stream. Used by the ctest test package.deb_contents and by
# packaging/cross-build.sh for the arm64/armhf packages.
#
#   packaging/check-deb.sh DEB ARCH VERSION
set -euo pipefail

deb=$1 arch=$2 version=$3
source_dir=$(cd "$(dirname "$0")/.." && pwd)
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- control fields
field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == canhose ]] || fail "Package is '$(field Package)'"
[[ $(field Version) == "$version" ]] || fail "Version is '$(field Version)', not $version"
[[ $(field Architecture) == "$arch" ]] || fail "Architecture is '$(field Architecture)', not $arch"
[[ -n $(field Maintainer) ]] || fail "no Maintainer"
[[ -n $(field Description) ]] || fail "no Description"
depends=$(field Depends)
[[ -n $depends ]] || fail "Depends is empty"
# The libraries canhosed links, and the CA store HTTPS needs.
for package in libc6 libstdc++6 libssl3 libyaml-cpp0.7 libgps28 libsocketcan2 libsystemd0 ca-certificates; do
  grep -Eq "(^|, )${package//+/\\+}( |,|$)" <<<"$depends" || fail "Depends lacks $package: $depends"
done

# --- conffiles and maintainer scripts
dpkg-deb -e "$deb" "$work/control"
[[ $(cat "$work/control/conffiles" 2>/dev/null) == "/etc/canhose/canhose.yaml" ]] ||
  fail "conffiles is not exactly /etc/canhose/canhose.yaml"
for script in postinst prerm postrm; do
  if [[ ! -x $work/control/$script ]]; then
    fail "maintainer script $script missing or not executable"
  elif ! sh -n "$work/control/$script"; then
    fail "maintainer script $script is not valid sh"
  fi
done

# --- files
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$work/files"
for path in /usr/sbin/canhosed /usr/bin/canhose /lib/systemd/system/canhose.service \
  /etc/canhose/canhose.yaml /usr/share/doc/canhose/README.md \
  /usr/share/doc/canhose/copyright /usr/share/doc/canhose/docs/queue.md; do
  grep -qx "$path" "$work/files" || fail "$path is not in the package"
done
if grep -Eq '^/usr/local/|^/usr/etc/|^/home/|^/work/' "$work/files"; then
  fail "files in unexpected places: $(grep -E '^/usr/local/|^/usr/etc/|^/home/|^/work/' "$work/files" | head -3)"
fi
dpkg-deb -x "$deb" "$work/root"
cmp -s "$work/root/etc/canhose/canhose.yaml" "$source_dir/conf/canhose.yaml" ||
  fail "the packaged canhose.yaml differs from conf/canhose.yaml"
cmp -s "$work/root/lib/systemd/system/canhose.service" "$source_dir/systemd/canhose.service" ||
  fail "the packaged unit differs from systemd/canhose.service"
for binary in usr/sbin/canhosed usr/bin/canhose; do
  if readelf -S "$work/root/$binary" | grep -Eq '\.debug_info|\.symtab'; then
    fail "$binary is not stripped"
  fi
done

# --- the postinst's reading of delivery.stream (it decides whether to start the service)
expect_stream() { # expected yaml-text description
  printf '%s' "$2" >"$work/config.yaml"
  local got
  got=$(sh "$work/control/postinst" stream-of "$work/config.yaml")
  [[ $got == "$1" ]] || fail "postinst reads delivery.stream '$got', expected '$1' ($3)"
}
expect_stream "" "$(cat "$source_dir/conf/canhose.yaml")" "the shipped config"
expect_stream "fleet" $'delivery:\n  stream: fleet\n  region: eu-west-1\n' "plain"
expect_stream "fleet-1" $'delivery:\n  # the stream\n  stream: "fleet-1"   # comment\n' "double-quoted, comments"
expect_stream "a#b" $'delivery:\n    stream: \'a#b\'\n' "single-quoted with #, indent 4"
expect_stream "x" $'delivery:\r\n  stream: x\r\n' "CRLF line ends"
expect_stream "" $'delivery:\n  stream:   # set me\n' "empty with a comment"
expect_stream "" $'delivery:\n  retry:\n    stream: nested\n  region: x\nstream: top\n' "only nested and top-level stream keys"
expect_stream "" $'sources:\n  delivery:\n    stream: wrong\n' "a delivery key that is not top-level"
expect_stream "late" $'delivery:\n  region: x\n  retry:\n    base: 1s\n  stream: late\nrecord:\n  x: 1\n' "after a nested block"
expect_stream "s1" $'delivery: {region: x, stream: s1}\n' "flow style"
expect_stream "" $'record:\n  format: space\n' "no delivery section"

if ((failures > 0)); then
  echo "$deb: $failures problem(s)" >&2
  exit 1
fi
echo "$deb: ok ($(field Architecture), Depends: $depends)"
