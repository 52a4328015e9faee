#pragma once
// glibc's malloc gives threads that allocate at the same time arenas of their own (up to
// 8 per core), and an arena keeps what its thread freed: the top of a thread arena's heap
// is not even returned by malloc_trim(). canhosed has a handful of threads (the event
// loop, the queue's worker, the dead-letter writer, the resolver) that allocate rarely,
// so one arena costs no measurable contention and lets every thread reuse the same free
// memory. Measured (tests/bench/delivery_bench.cpp, BM_PeakRss, 16 MiB backlog): the
// queue worker's arena still held 1.5 MiB from appending the backlog when the drain began
// (VmRSS at the start 12.3 MiB -> 10.9 MiB, peak 18.2 -> 16.7 MiB, after 14.4 -> 12.9 MiB).

namespace canhose::service {

// Limits malloc to one arena (mallopt M_ARENA_MAX); a no-op without glibc. Call it at the
// start of main(), before any thread exists.
void use_one_malloc_arena();

}  // namespace canhose::service
