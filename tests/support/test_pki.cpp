#include "support/test_pki.hpp"
#include "support/test_paths.hpp"

#include <stdexcept>

#include "support/child_process.hpp"

namespace canhose::test {

TestPki make_test_pki(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const std::filesystem::path script =
      std::filesystem::path(CANHOSE_SOURCE_DIR) / "tests/firehose_emulator/make_test_pki.sh";
  const RunResult result = run_program("/bin/bash", {script.string(), dir.string()}, dir);
  if (!result.status.exited || result.status.code != 0) {
    throw std::runtime_error("make_test_pki.sh failed: " + result.err);
  }
  TestPki pki;
  pki.dir = dir;
  pki.ca_cert = dir / "ca.pem";
  pki.server_cert = dir / "server.pem";
  pki.server_key = dir / "server.key";
  pki.wrong_host_cert = dir / "wrong-host.pem";
  pki.wrong_host_key = dir / "wrong-host.key";
  pki.other_ca_cert = dir / "other-ca.pem";
  pki.client_ca_cert = dir / "client-ca.pem";
  pki.client_cert = dir / "client.pem";
  pki.client_key = dir / "client.key";
  pki.rogue_client_cert = dir / "rogue-client.pem";
  pki.rogue_client_key = dir / "rogue-client.key";
  return pki;
}

}  // namespace canhose::test
