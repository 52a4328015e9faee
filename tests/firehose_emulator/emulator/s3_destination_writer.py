"""Writes accepted records like Firehose's S3 destination does.

Each stream has one buffer. Records are appended as they are accepted, byte for byte,
with nothing added between them (Firehose concatenates record data; newline-ended
records therefore give newline-separated objects). A buffer becomes one object when
  * its size reaches the stream's buffer size (the object ends with the record that
    reached it), or
  * its oldest record is the stream's buffer interval old (checked every 100 ms by the
    server's flusher thread), or
  * flush_all() runs: POST /_emulator/flush, DeleteDeliveryStream, SIGTERM.
Objects are named as Firehose names them:
  <output-dir>/<bucket>/<prefix>YYYY/MM/DD/HH/<stream>-<version>-YYYY-MM-DD-HH-MM-SS-<uuid>
with the time of the oldest record in the object, in UTC (the server clock, so
--date-skew-seconds moves it too). An object is written to a dot-file in its folder and
renamed into place, so a reader never sees a partial object.
"""

import os
import threading
import time
import uuid


class _StreamBuffer:
    def __init__(self):
        self.chunks = []
        self.size = 0
        self.first_arrival = None


class S3DestinationWriter:
    def __init__(self, output_dir, clock):
        self._output_dir = output_dir
        self._clock = clock  # () -> Unix seconds on the server clock
        self._lock = threading.Lock()
        self._buffers = {}   # stream name -> _StreamBuffer
        self._objects = []   # paths written, in order

    def append(self, stream, records):
        """stream: a DeliveryStream; records: list of bytes, already accepted."""
        flushed = []
        with self._lock:
            buffer = self._buffers.setdefault(stream.name, _StreamBuffer())
            for data in records:
                if buffer.first_arrival is None:
                    buffer.first_arrival = self._clock()
                buffer.chunks.append(data)
                buffer.size += len(data)
                if buffer.size >= stream.buffer_size_bytes:
                    flushed.append(self._write(stream, buffer))
                    buffer = self._buffers[stream.name] = _StreamBuffer()
        return flushed

    def flush_due(self, streams):
        """Writes the buffers whose oldest record is older than their interval."""
        now = self._clock()
        written = []
        with self._lock:
            for stream in streams:
                buffer = self._buffers.get(stream.name)
                if buffer and buffer.chunks and now - buffer.first_arrival >= \
                        stream.buffer_interval_seconds:
                    written.append(self._write(stream, buffer))
                    self._buffers[stream.name] = _StreamBuffer()
        return written

    def flush(self, stream):
        with self._lock:
            buffer = self._buffers.pop(stream.name, None)
            if buffer and buffer.chunks:
                return [self._write(stream, buffer)]
        return []

    def flush_all(self, streams):
        written = []
        for stream in streams:
            written.extend(self.flush(stream))
        return written

    def buffered_bytes(self):
        with self._lock:
            return sum(b.size for b in self._buffers.values())

    def objects(self):
        with self._lock:
            return list(self._objects)

    def _write(self, stream, buffer):
        stamp = time.gmtime(buffer.first_arrival)
        folder = os.path.join(self._output_dir, stream.bucket_name,
                              stream.prefix + time.strftime("%Y/%m/%d/%H/", stamp))
        os.makedirs(folder, exist_ok=True)
        name = (f"{stream.name}-{stream.version_id}-{time.strftime('%Y-%m-%d-%H-%M-%S', stamp)}"
                f"-{uuid.uuid4()}")
        final_path = os.path.join(folder, name)
        partial_path = os.path.join(folder, "." + name + ".partial")
        with open(partial_path, "wb") as f:
            for chunk in buffer.chunks:
                f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        os.replace(partial_path, final_path)
        self._objects.append(final_path)
        return final_path
