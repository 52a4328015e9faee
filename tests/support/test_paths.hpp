#pragma once
// Where this build's test data are and the programs some tests start. The values live in
// build/<preset>/tests/generated/test_paths.cpp, which tests/CMakeLists.txt generates and
// compiles once: no other test object carries the checkout's paths, so ccache reuses them
// from a clone in any folder.
//
// The macros are expressions of type const char*: `std::string(CANHOSE_TEST_DATA_DIR) +
// "/can/x.log"`, not string-literal concatenation.

namespace canhose::test {

const char* test_data_dir();           // tests/data
const char* source_dir();              // the checkout
const char* binary_dir();              // build/<preset>
const char* canhosed_path();           // the daemon
const char* canhose_cli_path();        // the operator tool
const char* queue_crash_child_path();  // tests/queue_crash's child program

}  // namespace canhose::test

#define CANHOSE_TEST_DATA_DIR (::canhose::test::test_data_dir())
#define CANHOSE_SOURCE_DIR (::canhose::test::source_dir())
#define CANHOSE_BINARY_DIR (::canhose::test::binary_dir())
#define CANHOSED_PATH (::canhose::test::canhosed_path())
#define CANHOSE_CLI_PATH (::canhose::test::canhose_cli_path())
#define CANHOSE_QUEUE_CRASH_CHILD (::canhose::test::queue_crash_child_path())
