#pragma once
// Where the records of one local stream go: the queue of its upstream Firehose stream.
// An interface so the server is written against what it needs of a queue and no more.
// Loop thread only.

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <system_error>

namespace canhose::ingest {

class IngestSink {
 public:
  virtual ~IngestSink() = default;

  // Appends `records` in order. seqs[i] becomes record i's sequence number, or 0 if it was
  // refused (queue full under drop_newest, memory buffer full, closed). seqs.size() ==
  // records.size(). Never blocks (the queue copies into memory; a worker writes).
  virtual void append(std::span<const std::span<const std::byte>> records,
                      std::span<std::uint64_t> seqs) = 0;

  // Completes on the loop once every accepted record up to `seq` is kept under the queue's
  // fsync policy (always: fsynced; interval: written to its segment file, which a crash of
  // canhosed cannot undo; never: written); with an error if that will not happen (the
  // queue closed first).
  virtual void async_wait_durable(std::uint64_t seq,
                                  std::function<void(std::error_code)> handler) = 0;

  // 36 digits that, with a sequence number, make a RecordId unique beyond this queue
  // (append_record_id()).
  virtual std::string_view record_id_prefix() const = 0;
};

}  // namespace canhose::ingest
