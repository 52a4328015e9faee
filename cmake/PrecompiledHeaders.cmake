# Precompiled headers for the third-party headers that nearly every translation unit
# parses: Boost.Asio (reached through queue.hpp, the sources and the HTTPS client),
# Beast, Asio SSL, nlohmann/json and, in the tests, GoogleTest. Parsing them is most of
# the compile time of a typical file, on a two-core build machine and three builds per CI
# run (release, ASan, arm64). Our own headers are not precompiled: they change too often.
#
# canhose_precompile_headers(TARGET core|test) gives TARGET its own precompiled header;
# canhose_reuse_precompiled_headers(TARGET FROM) makes TARGET use FROM's, which needs the
# same compile flags and definitions (the test programs all carry the same ones for that
# reason, see tests/CMakeLists.txt). -DCANHOSE_PCH=OFF turns it all off, to check that
# every file still includes what it uses.

option(CANHOSE_PCH "Precompile the heavy third-party headers" ON)

set(CANHOSE_PCH_CORE_HEADERS
  # Boost 1.74 with g++ 12 in C++20: <utility> before any Asio header (asio/asio.hpp).
  <utility>
  <algorithm> <array> <chrono> <cstdint> <filesystem> <functional> <map> <memory>
  <optional> <span> <sstream> <string> <string_view> <vector>
  <boost/asio.hpp> <boost/asio/ssl.hpp>
  <boost/beast/core.hpp> <boost/beast/http.hpp> <boost/beast/ssl.hpp>
  <nlohmann/json.hpp> <yaml-cpp/yaml.h>)

function(canhose_precompile_headers target kind)
  if(NOT CANHOSE_PCH)
    return()
  endif()
  set(headers ${CANHOSE_PCH_CORE_HEADERS})
  if(kind STREQUAL "test")
    list(APPEND headers <gtest/gtest.h>)
  endif()
  target_precompile_headers(${target} PRIVATE ${headers})
endfunction()

function(canhose_reuse_precompiled_headers target from)
  if(CANHOSE_PCH)
    target_precompile_headers(${target} REUSE_FROM ${from})
  endif()
endfunction()
