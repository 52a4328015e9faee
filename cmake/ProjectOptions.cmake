# Compiler flags live on INTERFACE targets that our own targets link PRIVATEly, so
# third-party code (gtest, benchmark, Boost headers seen as system headers) never gets them.

add_library(canhose_warnings INTERFACE)
target_compile_options(canhose_warnings INTERFACE
  -Wall -Wextra -Wpedantic
  -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
  -Wmisleading-indentation -Wduplicated-cond -Wduplicated-branches -Wlogical-op)
# With the standard headers force-included (precompiled headers), g++ 12 at -O2 reports
# out-of-bounds copies and reads inside std::string's inlined short-string code that
# cannot happen, in ordinary code such as `std::string(DIR) + "/file"` (a false positive
# other projects with force-included headers hit the same way). Those three warnings are
# off for g++ 12 with precompiled headers only; -DCANHOSE_PCH=OFF builds keep them, and
# the ASan build checks bounds for real.
if(CANHOSE_PCH AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(canhose_warnings INTERFACE
    -Wno-array-bounds -Wno-stringop-overread -Wno-stringop-overflow)
endif()
if(CANHOSE_WERROR)
  target_compile_options(canhose_warnings INTERFACE -Werror)
endif()

add_library(canhose_hardening INTERFACE)
target_compile_options(canhose_hardening INTERFACE
  -fstack-protector-strong
  $<$<NOT:$<CONFIG:Debug>>:-D_FORTIFY_SOURCE=2>)
target_link_options(canhose_hardening INTERFACE -Wl,-z,relro -Wl,-z,now)

add_library(canhose_sanitizers INTERFACE)
if(CANHOSE_SANITIZE)
  target_compile_options(canhose_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(canhose_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

# Everything our own targets need, in one name.
add_library(canhose_project_options INTERFACE)
target_link_libraries(canhose_project_options INTERFACE
  canhose_warnings canhose_hardening canhose_sanitizers)
# 32-bit targets (armhf): large-file support in our own code, i.e. 64-bit off_t and
# ino_t, so queue files and offsets past 2 GiB work and readdir() does not fail with
# EOVERFLOW where the file system's directory cookies are 64-bit (ext4 seen by a 32-bit
# program under qemu-user, or on a 64-bit kernel). None of the libraries' interfaces we
# use carry off_t. time_t stays 32-bit: Debian 12's armhf libraries (libgps's
# timespec_t...) are built that way.
if(CMAKE_SIZEOF_VOID_P EQUAL 4)
  target_compile_definitions(canhose_project_options INTERFACE _FILE_OFFSET_BITS=64)
endif()

# ccache, set up so that it can cache files compiled with a precompiled header
# (sloppiness) and share results between build folders and clones (base_dir, no hash of
# the working directory). The cache is ccache's own (~/.cache/ccache) unless CCACHE_DIR
# says otherwise, so a second build on the same machine is mostly cache hits.
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER
    env "CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime"
        "CCACHE_BASEDIR=${PROJECT_SOURCE_DIR}" CCACHE_NOHASHDIR=true ${CCACHE_PROGRAM})
endif()

# Links. The whole build is one static library (canhose_core) linked into some sixty
# programs (the daemons, one test program per part, the benchmarks), in three builds. After
# the tests, the links are the largest part of a warm CI run. Two things make them cheaper:
# - lld (Debian's `lld`, installed by packaging/install-build-deps.sh) links canhosed in
#   about 4 s where GNU ld takes 11 s (release, this project's 2-core CI machine). Used when
#   the compiler accepts it; CANHOSE_LINKER=default keeps the toolchain's own linker.
# - canhose_core is a thin archive: `ar` records the object files' paths instead of
#   copying 570 MB of objects with their debug information (release) into the
#   .a on every change. It is never installed (only the programs are), so it only has to
#   be valid inside the build folder.
set(CANHOSE_LINKER "lld" CACHE STRING "Linker for our programs: lld (when available) or default")
set_property(CACHE CANHOSE_LINKER PROPERTY STRINGS lld default)
if(CANHOSE_LINKER STREQUAL "lld")
  include(CheckLinkerFlag)
  check_linker_flag(CXX "-fuse-ld=lld" CANHOSE_HAVE_LLD)
  if(CANHOSE_HAVE_LLD)
    add_link_options(-fuse-ld=lld)
  else()
    message(STATUS "lld not found: linking with the default linker (apt install lld links faster)")
  endif()
endif()
set(CMAKE_CXX_ARCHIVE_CREATE "<CMAKE_AR> qcT <TARGET> <LINK_FLAGS> <OBJECTS>")
set(CMAKE_CXX_ARCHIVE_APPEND "<CMAKE_AR> qT <TARGET> <LINK_FLAGS> <OBJECTS>")
