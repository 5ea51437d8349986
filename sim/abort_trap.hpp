#pragma once
// What a library cannot report as an exception, one line instead of a core dump.
//
// Process-wide (trap_fatal_signals, called once by the CLI naming its command): SIGABRT,
// SIGFPE and std::terminate (an exception nobody caught, e.g. on another thread) write
//   <prefix><what happened>
// to stderr and exit with code 1, rather than a backtrace or a core dump.
//
// While a simulation runs (AbortTrap): SimGrid 3.32 stops on its own errors (xbt_die,
// xbt_assert, an exception escaping to its terminate handler: an odd user platform, no
// route between two hosts, a solver invariant) by logging a CRITICAL line, printing a
// backtrace and calling abort(). While an AbortTrap lives, SimGrid's stderr goes to a
// scratch file and SIGABRT writes
//   <prefix>SimGrid aborted: <its CRITICAL message> (<where>, at <t> simulated s)
// to the real stderr and exits with code 1 (the other fatal signals' lines go to the real
// stderr too). When the trap ends without an abort, the captured text is copied to the real
// stderr (SimGrid's warnings and plugin reports stay visible) unless discard() was called (a
// SimGrid exception already said it in one line).
//
// One trap per process (a signal handler has only globals to work with; SimGrid allows one
// engine per process anyway). Create it before the engine, so it outlives it.
#include <cstddef>
#include <functional>
#include <string>

namespace ringtmp::sim {

// Installs the process-wide handlers; `prefix` starts their lines ("ringtmp train: ").
// Call from the main thread before any other thread starts.
void trap_fatal_signals(const std::string& prefix);

// Runs `body` (a subcommand) under trap_fatal_signals(prefix) and returns its exit code; an
// exception escaping it becomes "<prefix><what>" on stderr, on one line, and exit code 1.
int run_guarded(const std::string& prefix, const std::function<int()>& body);

class AbortTrap {
 public:
  explicit AbortTrap(const std::string& prefix);
  ~AbortTrap();
  AbortTrap(const AbortTrap&) = delete;
  AbortTrap& operator=(const AbortTrap&) = delete;

  void discard() { discard_ = true; }
  // Writes `line` (and a newline) to the real stderr now, past the capture: what ringtmp
  // itself has to say while SimGrid's output is held back.
  void say(const std::string& line) const;

 private:
  bool discard_ = false;
  bool active_ = false;
};

// The line the trap prints for SimGrid's log text [log, log + n): the first CRITICAL
// message with its source location and simulated time. Writes at most cap - 1 characters
// and a NUL into out; returns the length. Allocation-free: it runs in a signal handler.
size_t abort_line(const char* prefix, const char* log, size_t n, char* out, size_t cap);

}  // namespace ringtmp::sim
