#pragma once
// A node's memory: running under a byte budget so that running out is one clear error
// (never a kernel OOM kill that leaves the peers waiting), and what this machine has free.
//
// The budget is RLIMIT_DATA, not RLIMIT_AS (measured on Linux 6.x, glibc 2.36): since Linux
// 4.7 RLIMIT_DATA counts every private writable mapping, so malloc's mmap path, its brk
// path and thread stacks all fail past it, while code, shared libraries and glibc's 64 MiB
// per-thread arena reservations (PROT_NONE until used) do not count. RLIMIT_AS counts all
// of those too: an idle threaded process "uses" hundreds of MiB of it that it never touches.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace ringtmp::cli {

// Sets this process's soft RLIMIT_DATA to budget_bytes (> 0). Error when the process already
// holds more than the budget (nothing could be allocated) or the kernel refuses; the message
// names the budget. Call it from the node's main thread before it allocates its data.
Status apply_memory_limit(int64_t budget_bytes);

// This process's data segment as the kernel counts it against RLIMIT_DATA (VmData).
StatusOr<int64_t> process_data_bytes();

// MemAvailable from /proc/meminfo: what this machine can give a new process without
// swapping. An unreadable or odd file is a one-line error naming it.
StatusOr<int64_t> available_memory_bytes();

// The pure part: the "<key>: <number> kB" line of a /proc/meminfo or /proc/<pid>/status
// text, in bytes. `source` names the text in the error.
StatusOr<int64_t> parse_kib_field(std::string_view text, std::string_view key, std::string_view source);

// The size of the last allocation that failed on this thread, taken (the next call returns
// nullopt until another fails). Recorded by the ringtmp binary's allocation hooks
// (failed_allocation_hooks.cpp); a program without them only ever gets nullopt.
std::optional<size_t> take_failed_allocation();
void note_failed_allocation(size_t bytes) noexcept;

}  // namespace ringtmp::cli
