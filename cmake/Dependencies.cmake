# All third-party libraries come from Debian packages (see packaging/install-build-deps.sh).
# pkg-config is used where Debian ships no CMake package, and for yaml-cpp because its
# CMake package is not multiarch-safe when cross-compiling.

find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)  # header-only; Boost 1.74 has no Boost.JSON

pkg_check_modules(YAMLCPP REQUIRED IMPORTED_TARGET yaml-cpp)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
pkg_check_modules(GPS REQUIRED IMPORTED_TARGET libgps)
pkg_check_modules(SOCKETCAN REQUIRED IMPORTED_TARGET libsocketcan)

if(CANHOSE_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
if(CANHOSE_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
