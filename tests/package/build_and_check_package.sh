#!/usr/bin/env bash
# Makes the .deb of a build tree into a temporary folder and checks it.
# usage: build_and_check_package.sh CMAKE BINARY_DIR SOURCE_DIR VERSION
set -euo pipefail
cmake=$1 binary_dir=$2 source_dir=$3 version=$4
cpack=$(dirname "$cmake")/cpack

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$cpack" -G DEB --config "$binary_dir/CPackConfig.cmake" -B "$out" >"$out/cpack.log" 2>&1 || {
  cat "$out/cpack.log"
  exit 1
}
deb=$(ls "$out"/canhose_*.deb)
arch=$(sed -n 's/^set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE "\(.*\)")$/\1/p' "$binary_dir/CPackConfig.cmake")
exec "$source_dir/packaging/check-deb.sh" "$deb" "$arch" "$version"
