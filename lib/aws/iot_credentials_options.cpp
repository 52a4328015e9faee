// The `credentials.iot` section of canhose.yaml.
#include "aws/iot_credentials_provider.hpp"

#include "base/mapping_reader.hpp"

namespace canhose::aws {

using base::MappingReader;

void read_options(MappingReader& r, IotCredentialsOptions& c) {
  r.value("endpoint", c.endpoint);
  r.value("role_alias", c.role_alias);
  r.value("thing_name", c.thing_name);
  r.value("cert_file", c.cert_file);
  r.value("key_file", c.key_file);
  r.value("ca_file", c.ca_file);
}

}  // namespace canhose::aws
