#include "sim/abort_trap.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace ringtmp::sim {
namespace {

// The signal handler's world: plain globals, set while a trap lives.
int real_stderr = -1;   // where the user's terminal is
int captured = -1;      // SimGrid's stderr, a scratch file
char line_prefix[256];  // "ringtmp sim: "
struct sigaction previous_abort_action;

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

AbortTrap::~AbortTrap() {
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
