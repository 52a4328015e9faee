# Cross-compiling canhose for armhf (arm-linux-gnueabihf: 32-bit Raspberry Pi OS, Pi 2
# and later) on a Debian 12 amd64 machine. armhf is NOT added as a dpkg architecture
# (the armhf index of bookworm-security breaks apt on the build machines); instead
# packaging/install-cross-deps.sh armhf unpacks the armhf .debs canhose needs into a
# sysroot, CANHOSE_CROSS_ROOT. packaging/cross-build.sh armhf uses this file.

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_LIBRARY_ARCHITECTURE arm-linux-gnueabihf)

set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
set(CMAKE_CXX_COMPILER arm-linux-gnueabihf-g++)
# GCC notes on every std::unordered_map erase that the ARM parameter passing of such
# types changed in GCC 7.1: it matters only when linking objects from GCC < 7.1, and
# everything here is built by GCC 12 (Debian 12's armhf libraries too).
set(CMAKE_CXX_FLAGS_INIT "-Wno-psabi")

if(NOT CANHOSE_CROSS_ROOT)
  if(DEFINED ENV{CANHOSE_CROSS_ROOT})
    set(CANHOSE_CROSS_ROOT "$ENV{CANHOSE_CROSS_ROOT}")
  else()
    get_filename_component(CANHOSE_CROSS_ROOT "${CMAKE_CURRENT_LIST_DIR}/../../build/cross/armhf/sysroot"
                           ABSOLUTE)
  endif()
endif()
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES CANHOSE_CROSS_ROOT)

set(CMAKE_SYSROOT "${CANHOSE_CROSS_ROOT}")
set(CMAKE_FIND_ROOT_PATH "${CANHOSE_CROSS_ROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# The sysroot holds the libraries' own dependencies (libsystemd's liblz4, libzstd, ...):
# let the linker find them there without making them direct dependencies.
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "-Wl,-rpath-link,${CANHOSE_CROSS_ROOT}/lib/arm-linux-gnueabihf -Wl,-rpath-link,${CANHOSE_CROSS_ROOT}/usr/lib/arm-linux-gnueabihf")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "${CMAKE_EXE_LINKER_FLAGS_INIT}")

# pkg-config reads the sysroot's .pc files and prefixes their paths with the sysroot.
set(PKG_CONFIG_EXECUTABLE pkg-config CACHE FILEPATH "pkg-config (sysroot mode)")
set(ENV{PKG_CONFIG_DIR} "")
set(ENV{PKG_CONFIG_LIBDIR}
    "${CANHOSE_CROSS_ROOT}/usr/lib/arm-linux-gnueabihf/pkgconfig:${CANHOSE_CROSS_ROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${CANHOSE_CROSS_ROOT}")

set(CMAKE_CROSSCOMPILING_EMULATOR /usr/bin/qemu-arm-static;-L;${CANHOSE_CROSS_ROOT})
