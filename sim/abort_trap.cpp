#include "sim/abort_trap.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>

namespace ringtmp::sim {
namespace {

// The signal handlers' world: plain globals. The prefix is set by trap_fatal_signals and,
// while it lives, by an AbortTrap; the descriptors only while a trap lives.
int real_stderr = -1;   // where the user's terminal is
int captured = -1;      // SimGrid's stderr, a scratch file
char line_prefix[256];  // "ringtmp sim: "
char outer_prefix[256];  // trap_fatal_signals' prefix, back when the trap ends
struct sigaction previous_abort_action;

// Where a line for the user goes: past the trap's capture while one lives.
int user_stderr() { return real_stderr >= 0 ? real_stderr : STDERR_FILENO; }

const char* find(const char* from, const char* end, const char* needle) {
  const size_t k = std::strlen(needle);
  for (const char* p = from; p + k <= end; ++p)
    if (std::memcmp(p, needle, k) == 0) return p;
  return nullptr;
}

struct Writer {
  char* out;
  size_t cap;
  size_t len = 0;
  void put(const char* s, size_t n) {
    for (size_t i = 0; i < n && len + 1 < cap; ++i) out[len++] = s[i];
  }
  void put(const char* s) { put(s, std::strlen(s)); }
};

[[noreturn]] void say_and_exit(const char* what) {
  static char line[2048];
  Writer w{line, sizeof line};
  w.put(line_prefix);
  w.put(what);
  w.put("\n");
  if (write(user_stderr(), line, w.len) < 0) _exit(1);
  _exit(1);
}

// Outside a trap, or a signal SimGrid does not raise: no log to quote, only what happened.
void on_fatal_signal(int signal) {
  say_and_exit(signal == SIGFPE
                   ? "stopped by SIGFPE (an arithmetic fault, such as an integer division by zero): a bug, please report it"
                   : "stopped by SIGABRT (a library called abort()): a bug, please report it");
}

// An exception nobody caught (thrown on a thread, or through a noexcept function): its
// message, instead of libstdc++'s two lines and an abort.
[[noreturn]] void on_terminate() {
  std::string what = "std::terminate called without an exception: a bug, please report it";
  if (const auto e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      what = std::string("uncaught exception: ") + x.what();
    } catch (...) {
      what = "uncaught exception of an unknown type: a bug, please report it";
    }
  }
  say_and_exit(what.c_str());
}

// SIGABRT: SimGrid has logged why (to the scratch file) and is about to dump core.
void on_abort(int) {
  static char log[64 * 1024];
  static char line[2048];
  const off_t size = lseek(captured, 0, SEEK_END);
  // The cause is logged just before the abort: the file's tail holds it.
  const off_t from = size > off_t(sizeof log) ? size - off_t(sizeof log) : 0;
  const ssize_t n = pread(captured, log, sizeof log, from);
  const size_t len = abort_line(line_prefix, log, n > 0 ? size_t(n) : 0, line, sizeof line);
  if (write(real_stderr, line, len) < 0) _exit(1);
  _exit(1);
}

}  // namespace

void trap_fatal_signals(const std::string& prefix) {
  std::snprintf(line_prefix, sizeof line_prefix, "%s", prefix.c_str());
  struct sigaction action {};
  action.sa_handler = on_fatal_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGABRT, &action, nullptr);
  sigaction(SIGFPE, &action, nullptr);
  std::set_terminate(on_terminate);
}

int run_guarded(const std::string& prefix, const std::function<int()>& body) {
  trap_fatal_signals(prefix);
  std::string what;
  try {
    return body();
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "an exception of an unknown type: a bug, please report it";
  }
  // One line, whatever the library put in its message (newlines, other control bytes).
  for (char& c : what)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  if (what.size() > 1000) what = what.substr(0, 1000) + "...";
  std::fprintf(stderr, "%s%s\n", prefix.c_str(), what.c_str());
  return 1;
}

size_t abort_line(const char* prefix, const char* log, size_t n, char* out, size_t cap) {
  Writer w{out, cap};
  w.put(prefix);
  w.put("SimGrid aborted: ");
  const char* end = log + n;
  // SimGrid's layout: "[<actor> <time>] <file>:<line>: [<category>/CRITICAL] <message>"
  const char* tag = find(log, end, "/CRITICAL] ");
  if (!tag) {
    w.put("no message (SimGrid called abort() without logging a cause)");
  } else {
    const char* message = tag + std::strlen("/CRITICAL] ");
    const char* message_end = message;
    while (message_end < end && *message_end != '\n') ++message_end;
    const char* line_start = tag;
    while (line_start > log && line_start[-1] != '\n') --line_start;
    w.put(message, size_t(message_end - message));
    // "[node-1:ring:(2) 0.000100] ./src/x.cpp:99: [root" -> "src/x.cpp:99" and "0.000100"
    const char* category = tag;
    while (category > line_start && *category != '[') --category;
    const char* time_end = find(line_start, category, "] ");
    if (*line_start == '[' && time_end) {
      const char* time = time_end;
      while (time > line_start + 1 && time[-1] != ' ' && time[-1] != '[') --time;
      const char* where = time_end + 2;
      if (where + 2 <= category && std::memcmp(where, "./", 2) == 0) where += 2;
      const char* where_end = category;
      while (where_end > where && (where_end[-1] == ' ' || where_end[-1] == ':')) --where_end;
      w.put(" (");
      if (where_end > where) {
        w.put(where, size_t(where_end - where));
        w.put(", ");
      }
      w.put("at ");
      w.put(time, size_t(time_end - time));
      w.put(" simulated s)");
    }
  }
  w.put("\n");
  out[w.len] = '\0';
  return w.len;
}

AbortTrap::AbortTrap(const std::string& prefix) {
  if (captured >= 0) throw std::logic_error("AbortTrap: one per process");
  std::memcpy(outer_prefix, line_prefix, sizeof line_prefix);
  std::snprintf(line_prefix, sizeof line_prefix, "%s", prefix.c_str());
  std::FILE* scratch = std::tmpfile();
  if (!scratch) return;  // no trap, SimGrid's own output: worse, not wrong
  captured = dup(fileno(scratch));
  std::fclose(scratch);
  std::fflush(stderr);
  std::setvbuf(stderr, nullptr, _IONBF, 0);  // every log line is in the file when abort() comes
  real_stderr = dup(STDERR_FILENO);
  dup2(captured, STDERR_FILENO);
  struct sigaction action {};
  action.sa_handler = on_abort;
  sigemptyset(&action.sa_mask);
  sigaction(SIGABRT, &action, &previous_abort_action);
  active_ = true;
}

void AbortTrap::say(const std::string& line) const {
  const std::string text = line + "\n";
  if (write(user_stderr(), text.data(), text.size()) < 0) return;  // nowhere else to say it
}

AbortTrap::~AbortTrap() {
  std::memcpy(line_prefix, outer_prefix, sizeof line_prefix);
  if (!active_) return;
  sigaction(SIGABRT, &previous_abort_action, nullptr);
  std::fflush(stderr);
  dup2(real_stderr, STDERR_FILENO);
  if (!discard_) {
    char buf[65536];
    off_t at = 0;
    for (ssize_t n; (n = pread(captured, buf, sizeof buf, at)) > 0; at += n)
      if (write(STDERR_FILENO, buf, size_t(n)) < 0) break;
  }
  close(real_stderr);
  close(captured);
  real_stderr = captured = -1;
}

}  // namespace ringtmp::sim
