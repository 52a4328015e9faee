#pragma once
// What a Firehose that accepts everything answers, for benchmarks that need a fast local
// peer (the TLS test server) rather than the Python emulator: the PutRecordBatch response
// for a request body, with every record accepted.

#include <cstddef>
#include <string>
#include <string_view>

namespace canhose::test {

// The number of records ({"Data":"...}) in a PutRecordBatch request body.
std::size_t count_put_records(std::string_view body);

// {"Encrypted":false,"FailedPutCount":0,"RequestResponses":[...]} for `count` records.
std::string accepted_put_record_batch_response(std::size_t count);

}  // namespace canhose::test
