#!/usr/bin/env bash
# Cross-builds canhose for a Raspberry Pi-class box and makes its .deb.
#
#   packaging/cross-build.sh arm64|armhf [--test]
#
# Needs packaging/install-cross-deps.sh ARCH first. Builds canhosed and canhose with
# packaging/toolchains/<triplet>.cmake in build/cross-ARCH (RelWithDebInfo, like the
# release preset; benchmarks off), and with --test also the unit test programs, which it
# runs with `ctest -L unit` under qemu user emulation (qemu-aarch64-static /
# qemu-arm-static -L SYSROOT: no binfmt_misc needed). Then `cpack -G DEB` makes
# build/cross-ARCH/canhose_<version>_ARCH.deb.
#
# Times measured under qemu mean nothing (roughly 10x slower than the real board).
set -euo pipefail

arch=${1:-}
run_tests=false
[[ ${2:-} == --test ]] && run_tests=true
case "$arch" in
  arm64) triplet=aarch64-linux-gnu ;;
  armhf) triplet=arm-linux-gnueabihf ;;
  *)
    echo "usage: $0 arm64|armhf [--test]" >&2
    exit 2
    ;;
esac

source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${CANHOSE_CROSS_BUILD_DIR:-$source_dir/build/cross-$arch}
jobs=${CANHOSE_JOBS:-$(nproc)}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$source_dir}

# Unit tests that cannot pass under qemu user emulation, excluded by name (ctest -E) with
# the reason. Everything else with label "unit" runs.
#  - Tests that start one of our own programs as a child process (the queue's crash-test
#    child, killed with SIGKILL): a process emulated by qemu-user cannot exec another
#    arm64/armhf program without binfmt_misc ("Exec format error"). They run natively in
#    the release and ASan builds. (Host programs such as /usr/bin/python3, gpsd and
#    gpsfake do start from emulated tests: the host kernel runs them natively.)
#  - Tests of kernel features qemu-user does not emulate (socket timestamps).
qemu_excluded=(
  # Execs tests/queue_crash's child (a build-target binary) and SIGKILLs it.
  'QueueCrashTest\.'
  # qemu-user (7.2) does not emulate setsockopt(SOL_SOCKET, SO_TIMESTAMPNS): -1.
  'CanFrameReader\.KernelReceiveTimestampIsUsedWhenTheSocketProvidesIt'
)

echo "=== cross build $arch ($triplet) in $build_dir"
cmake -S "$source_dir" -B "$build_dir" -G Ninja \
  -DCMAKE_TOOLCHAIN_FILE="$source_dir/packaging/toolchains/$triplet.cmake" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCANHOSE_WERROR=ON \
  -DCANHOSE_BUILD_BENCHMARKS=OFF \
  -DCANHOSE_BUILD_TESTS="$($run_tests && echo ON || echo OFF)" >/dev/null

targets=(canhosed canhose)
if $run_tests; then
  for dir in "$source_dir"/tests/unit/*/; do
    part=$(basename "$dir")
    compgen -G "$dir*_test.cpp" >/dev/null && targets+=("canhose_${part}_tests")
  done
fi
cmake --build "$build_dir" --parallel "$jobs" --target "${targets[@]}"

if $run_tests; then
  echo "=== unit tests of the $arch build under qemu"
  exclude=$(
    IFS='|'
    echo "${qemu_excluded[*]}"
  )
  ctest_args=(--test-dir "$build_dir" -L unit --output-on-failure --timeout 600 -j "$jobs")
  [[ -n $exclude ]] && ctest_args+=(-E "$exclude")
  ctest "${ctest_args[@]}"
fi

if [[ $arch == armhf ]]; then
  # dpkg-shlibdeps cannot see the sysroot: work Depends out from the sysroot packages'
  # symbols files instead, and hand it to the packaging (cmake/Packaging.cmake).
  sysroot=$(sed -n 's/^CANHOSE_CROSS_ROOT:[A-Z]*=//p' "$build_dir/CMakeCache.txt")
  [[ -n $sysroot ]] || sysroot=$source_dir/build/cross/armhf/sysroot
  depends=$("$source_dir/packaging/sysroot-shlibdeps.sh" "$sysroot" arm-linux-gnueabihf-readelf \
    "$build_dir/daemon/canhosed" "$build_dir/daemon/canhose" | paste -sd, | sed 's/,/, /g')
  echo "armhf library Depends (from the sysroot's symbols files): $depends"
  cmake "$build_dir" -DCANHOSE_SYSROOT_SHLIB_DEPENDS="$depends" >/dev/null
fi

echo "=== package"
(cd "$build_dir" && cpack -G DEB >/dev/null)
deb=$(ls "$build_dir"/canhose_*_"$arch".deb)
version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build_dir/CPackConfig.cmake")
"$source_dir/packaging/check-deb.sh" "$deb" "$arch" "$version"
