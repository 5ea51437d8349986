#pragma once
// What SimGrid cannot report as an exception, one line instead of a backtrace.
//
// SimGrid 3.32 stops on its own errors (xbt_die, xbt_assert, an exception escaping to
// its terminate handler: an odd user platform, no route between two hosts, a solver
// invariant) by logging a CRITICAL line, printing a backtrace and calling abort().
// While an AbortTrap lives, SimGrid's stderr goes to a scratch file and SIGABRT writes
//   <prefix>SimGrid aborted: <its CRITICAL message> (<where>, at <t> simulated s)
// to the real stderr and exits with code 1. When the trap ends without an abort, the
// captured text is copied to the real stderr (SimGrid's warnings and plugin reports stay
// visible) unless discard() was called (a SimGrid exception already said it in one line).
//
// One per process (a signal handler has only globals to work with; SimGrid allows one
// engine per process anyway). Create it before the engine, so it outlives it.
#include <cstddef>
#include <string>

namespace ringtmp::sim {

class AbortTrap {
 public:
  explicit AbortTrap(const std::string& prefix);
  ~AbortTrap();
  AbortTrap(const AbortTrap&) = delete;
  AbortTrap& operator=(const AbortTrap&) = delete;

  void discard() { discard_ = true; }

 private:
  bool discard_ = false;
  bool active_ = false;
};

// The line the trap prints for SimGrid's log text [log, log + n): the first CRITICAL
// message with its source location and simulated time. Writes at most cap - 1 characters
// and a NUL into out; returns the length. Allocation-free: it runs in a signal handler.
size_t abort_line(const char* prefix, const char* log, size_t n, char* out, size_t cap);

}  // namespace ringtmp::sim
