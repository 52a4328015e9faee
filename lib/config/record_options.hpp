#pragma once
// The record builder's settings: the record section, with a longer default max age for
// the OBD-II fields polled less often than record.field_max_age allows (the shipped list
// asks for coolant and the MIL status every 10 s, fuel level and ambient temperature every
// 30 s, where field_max_age is 5 s). Such a field is kept for two of its periods plus the
// response timeout, so that every record between two answers has it and one lost answer
// does not blank it. An age set in record.field_max_age_overrides wins, and a
// field_max_age of 0 (never expire) stays.

#include "config/config.hpp"
#include "record/record_builder_options.hpp"

namespace canhose::config {

record::RecordBuilderOptions record_builder_options(const Config& config);

}  // namespace canhose::config
