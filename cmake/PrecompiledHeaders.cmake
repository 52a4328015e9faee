# Precompiled headers for the third-party headers that nearly every translation unit
# parses: Boost.Asio (reached through queue.hpp, the sources and the HTTPS client),
# Beast, Asio SSL, nlohmann/json and, in the tests, GoogleTest. Our own headers are not
# precompiled: they change too often.
#
# Measured (user CPU per file, same flags, g++ 12 -O2 -g): they do NOT pay for the
# library. Loading the ~200 MB header costs ~1.4 s, more than small files save
# (units.cpp 1.75 -> 3.11 s, pending_store.cpp 1.92 -> 3.31 s); heavy files gain a little
# (status_report.cpp 11.36 -> 10.77 s, credentials_test.cpp 14.71 -> 12.21 s). Code
# generation, not parsing, is where the time goes. To do: drop it from canhose_core, keep
# it (if at all) on the test programs, and look at unity builds and -g1 for tests.
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
