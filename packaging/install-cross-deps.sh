#!/usr/bin/env bash
# Installs what cross-building canhose for a Raspberry Pi-class box needs on a Debian 12
# amd64 machine. Safe to run again: it does only what is missing.
#
#   packaging/install-cross-deps.sh arm64   # Debian multiarch: :arm64 -dev packages (apt)
#   packaging/install-cross-deps.sh armhf   # a sysroot of armhf .debs (no dpkg architecture)
#
# The arm64 libraries come through apt as multiarch :arm64 packages, except
# libyaml-cpp-dev, which is not multiarch (its amd64 and arm64 packages conflict): its
# arm64 files are unpacked into build/cross/arm64/root, which the toolchain searches first.
#
# armhf is not added as a dpkg architecture: on the build machines the bookworm-security
# armhf index is broken and apt then drops the whole security repository. Instead a
# private apt configuration (its own lists, armhf only, the main archive only) downloads
# the armhf .debs, which are unpacked into build/cross/armhf/sysroot with their absolute
# library symlinks made relative. Nothing is installed into the system for armhf except
# the cross compiler and qemu.
#
# CANHOSE_CROSS_DIR overrides the folder (default: build/cross in the source tree).
set -euo pipefail

arch=${1:-}
case "$arch" in
  arm64 | armhf) ;;
  *)
    echo "usage: $0 arm64|armhf" >&2
    exit 2
    ;;
esac

source_dir=$(cd "$(dirname "$0")/.." && pwd)
cross_dir=${CANHOSE_CROSS_DIR:-$source_dir/build/cross}
if [[ $(id -u) -ne 0 ]]; then sudo=sudo; else sudo=; fi
export DEBIAN_FRONTEND=noninteractive

# Installs the packages named that are not installed yet.
apt_install() {
  local missing=() p
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  ((${#missing[@]} == 0)) && return 0
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Unpacks every .deb in folder $1 into folder $2.
unpack_debs() {
  local deb
  for deb in "$1"/*.deb; do
    dpkg-deb -x "$deb" "$2"
  done
}

if [[ $arch == arm64 ]]; then
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    $sudo dpkg --add-architecture arm64
    $sudo apt-get update -qq
  fi
  apt_install g++-aarch64-linux-gnu qemu-user-static dpkg-dev fakeroot file \
    libboost-dev:arm64 libssl-dev:arm64 libgps-dev:arm64 libsocketcan-dev:arm64 \
    libsystemd-dev:arm64 libgtest-dev:arm64 libgmock-dev:arm64 libyaml-cpp0.7:arm64

  root=$cross_dir/arm64/root
  if [[ ! -e $root/usr/lib/aarch64-linux-gnu/pkgconfig/yaml-cpp.pc ]]; then
    debs=$cross_dir/arm64/debs
    rm -rf "$debs" "$root"
    mkdir -p "$debs" "$root"
    # The same version as the installed amd64 libyaml-cpp-dev and arm64 runtime.
    (cd "$debs" && apt-get -o APT::Sandbox::User=root download -qq libyaml-cpp-dev:arm64 libyaml-cpp0.7:arm64)
    unpack_debs "$debs" "$root"
  fi
  echo "arm64: ready (libyaml-cpp-dev in $root)"
  exit 0
fi

# ---- armhf
apt_install g++-arm-linux-gnueabihf qemu-user-static dpkg-dev fakeroot file pkg-config

sysroot=$cross_dir/armhf/sysroot
stamp=$sysroot/.canhose-sysroot-complete
if [[ -e $stamp ]]; then
  echo "armhf: ready ($sysroot)"
  exit 0
fi

# Everything the build links, with the libraries those libraries need (the linker
# checks them through -rpath-link), and the headers. Tests: gtest/gmock. Benchmarks are
# not cross-built.
armhf_packages=(
  libc6 libc6-dev linux-libc-dev libgcc-s1 libstdc++6 libcrypt1 libcrypt-dev
  libboost1.74-dev libssl3 libssl-dev
  libyaml-cpp0.7 libyaml-cpp-dev
  libgps28 libgps-dev libdbus-1-3 libbluetooth3
  libsocketcan2 libsocketcan-dev
  libsystemd0 libsystemd-dev libcap2 libgcrypt20 libgpg-error0 liblz4-1 liblzma5 libzstd1
  libgtest-dev libgmock-dev
  nlohmann-json3-dev
)

apt_dir=$cross_dir/armhf/apt
debs=$cross_dir/armhf/debs
rm -rf "$apt_dir" "$debs" "$sysroot"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$debs" "$sysroot"
# Only the main archive: the security index for armhf is what breaks apt here.
cat >"$apt_dir/sources.list" <<EOF
deb [arch=armhf signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb [arch=armhf signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-updates main
EOF
apt_options=(
  -o "APT::Architecture=armhf" -o "APT::Architectures=armhf"
  -o "Dir::State=$apt_dir" -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::State::status=/dev/null"
  -o "Dir::Cache=$apt_dir" -o "Dir::Cache::Archives=$apt_dir/archives"
  -o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
  -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root"
)
apt-get "${apt_options[@]}" update -qq
(cd "$debs" && apt-get "${apt_options[@]}" download -qq "${armhf_packages[@]}")
unpack_debs "$debs" "$sysroot"

# Library symlinks in the .debs are absolute (libfoo.so -> /lib/arm-linux-gnueabihf/...):
# inside a sysroot they must be relative to it, or the linker follows them into the
# host's amd64 /lib.
while IFS= read -r -d '' link; do
  target=$(readlink "$link")
  if [[ $target == /* ]]; then
    ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$sysroot$target")" "$link"
  fi
done < <(find "$sysroot" -type l -print0)

# Debian 12 armhf is not merged-/usr inside the .debs: the loader expects
# /lib/ld-linux-armhf.so.3, which libc6 ships; nothing more to do. Record the package
# versions for the report and mark the sysroot complete.
# Which package holds which shared library ("package version soname"): dpkg-shlibdeps
# cannot work in a sysroot, so cross-build.sh checks the hand-written armhf Depends
# against this list.
for deb in "$debs"/*.deb; do
  dpkg-deb --show --showformat='${Package} ${Version}\n' "$deb"
done >"$sysroot/.canhose-packages"
for deb in "$debs"/*.deb; do
  name_version=$(dpkg-deb --show --showformat='${Package} ${Version}' "$deb")
  dpkg-deb -c "$deb" | awk '{ print $6 }' | sed -n 's|.*/\(l[id][^/]*\.so\.[0-9][^/]*\)$|\1|p' |
    while read -r soname; do echo "$name_version $soname"; done
done >"$sysroot/.canhose-libraries"
# Their shlibs and symbols files, which say the minimum version each symbol needs.
mkdir -p "$sysroot/.control"
for deb in "$debs"/*.deb; do
  dpkg-deb -e "$deb" "$sysroot/.control/$(dpkg-deb --show --showformat='${Package}' "$deb")"
done
touch "$stamp"
echo "armhf: sysroot ready ($sysroot, $(wc -l <"$sysroot/.canhose-packages") packages)"
