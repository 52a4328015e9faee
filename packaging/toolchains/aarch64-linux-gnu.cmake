# Cross-compiling canhose for arm64 (aarch64-linux-gnu: Raspberry Pi 3/4/5 with a 64-bit
# OS) on a Debian 12 amd64 machine, with Debian's cross compiler and multiarch :arm64
# libraries. packaging/install-cross-deps.sh arm64 installs both; packaging/cross-build.sh
# arm64 uses this file. docs/packaging.md explains the set-up.
#
# libyaml-cpp-dev is not multiarch (its amd64 and arm64 packages conflict), so its arm64
# files are unpacked into CANHOSE_CROSS_ROOT, which is searched first.

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

if(NOT CANHOSE_CROSS_ROOT)
  if(DEFINED ENV{CANHOSE_CROSS_ROOT})
    set(CANHOSE_CROSS_ROOT "$ENV{CANHOSE_CROSS_ROOT}")
  else()
    get_filename_component(CANHOSE_CROSS_ROOT "${CMAKE_CURRENT_LIST_DIR}/../../build/cross/arm64/root"
                           ABSOLUTE)
  endif()
endif()
# try_compile projects re-read this file: hand them the folder too.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES CANHOSE_CROSS_ROOT)

set(CMAKE_FIND_ROOT_PATH "${CANHOSE_CROSS_ROOT}" /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config: only arm64 (and architecture-independent) .pc files.
set(PKG_CONFIG_EXECUTABLE aarch64-linux-gnu-pkg-config CACHE FILEPATH "pkg-config for arm64")
set(ENV{PKG_CONFIG_LIBDIR}
    "${CANHOSE_CROSS_ROOT}/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")

# No binfmt_misc on the build machines: run test programs (and gtest discovery) through
# qemu user emulation. Deliberately without "-L /usr/aarch64-linux-gnu": that prefix
# gives the loader of the cross toolchain's libc (libc6-arm64-cross 2.36-8cross1) while
# libc.so.6 comes from the multiarch libc6:arm64 (2.36-9+deb12u14); the mismatched pair
# makes every pthread_create spin for ever. Without a prefix, qemu uses the multiarch
# loader /lib/ld-linux-aarch64.so.1 and its own libc, as on a real board.
set(CMAKE_CROSSCOMPILING_EMULATOR /usr/bin/qemu-aarch64-static)
