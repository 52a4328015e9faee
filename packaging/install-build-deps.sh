#!/usr/bin/env bash
# Installs everything needed to build canhose and run its tests on Debian 12 /
# Raspberry Pi OS (bookworm). Safe to run again: quiet when all is installed.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config ccache clang-format lld
  # the .deb (cpack -G DEB): dpkg-shlibdeps works out Depends, file finds the binaries
  dpkg-dev file
  # libraries
  libboost-dev libssl-dev libyaml-cpp-dev nlohmann-json3-dev libsystemd-dev libgps-dev libsocketcan-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # fuzz targets (tests/fuzz/run.sh): clang with libFuzzer's runtime
  clang libclang-rt-14-dev
  # real peers the tests talk to
  gpsd gpsd-clients can-utils openssl python3 python3-botocore systemd
  # the Firehose emulator and its tests (run with /usr/bin/python3)
  # (record tests read records back with pandas, as a fleet analyst would)
  python3-pandas awscli
  # the ingest endpoint's tests drive it with the producers' own SDK (tests/ingest_endpoint)
  python3-boto3
)
# Real SocketCAN tests in a VM (tests/vm): Debian's amd64 kernel under qemu's emulation.
# They are built only on amd64 machines (a Pi's own kernel has AF_CAN anyway).
if [[ $(dpkg --print-architecture) == amd64 ]]; then
  packages+=(qemu-system-x86 linux-image-amd64 busybox-static cpio iproute2)
else
  echo "note: the VM tests (ctest -L vm) run on amd64 machines only; not on this $(dpkg --print-architecture) machine"
fi

# Installed for this machine's architecture (or for all): a -dev package installed only
# for arm64 by packaging/install-cross-deps.sh does not count for the native build.
native=$(dpkg --print-architecture)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${db:Status-Abbrev}${Architecture}\n' "$p" 2>/dev/null |
    grep -Eq "^ii +($native|all)\$"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  sudo=sudo
else
  sudo=
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
