// SimGrid's aborts become one line and exit code 1; its log stays out of the terminal.
#include "sim/abort_trap.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>  // in_child.hpp uses std::memcpy
#include <string>

#include "tests/sim/in_child.hpp"

using ringtmp::testing::in_child;

namespace {

std::string line_for(const std::string& log) {
  char out[512];
  const size_t n = ringtmp::sim::abort_line("ringtmp sim: ", log.data(), log.size(), out, sizeof out);
  return std::string(out, n);
}

}  // namespace

TEST_CASE("the abort line names SimGrid's CRITICAL message, where and when") {
  CHECK(line_for("[0.000000] [xbt_cfg/INFO] Configuration change\n"
                 "[0.306825] ./src/kernel/resource/Model.cpp:99: [root/CRITICAL] The Impossible Did Happen (yet again)\n"
                 "Backtrace (displayed in actor maestro):\n  0# xbt_backtrace_display_current\n") ==
        "ringtmp sim: SimGrid aborted: The Impossible Did Happen (yet again) "
        "(src/kernel/resource/Model.cpp:99, at 0.306825 simulated s)\n");
  // Inside an actor SimGrid's layout names host, actor and pid before the time.
  CHECK(line_for("[node-1:node-1:(2) 1.500000] ./src/surf/network_cm02.cpp:322: [root/CRITICAL] no path\n") ==
        "ringtmp sim: SimGrid aborted: no path (src/surf/network_cm02.cpp:322, at 1.500000 simulated s)\n");
  CHECK(line_for("[0.1] [root/CRITICAL] bare\n") == "ringtmp sim: SimGrid aborted: bare (at 0.1 simulated s)\n");
  CHECK(line_for("Segmentation fault\n") ==
        "ringtmp sim: SimGrid aborted: no message (SimGrid called abort() without logging a cause)\n");
  // A line that does not fit is cut, still NUL-terminated.
  char small[16];
  CHECK(ringtmp::sim::abort_line("p: ", "x", 1, small, sizeof small) == 15);
  CHECK(std::string(small) == "p: SimGrid abor");
}

TEST_CASE("an abort under the trap exits 1 with the one line; without an abort the log is kept") {
  auto aborted = in_child([]() -> std::vector<double> {
    ringtmp::sim::AbortTrap trap("test: ");
    std::fprintf(stderr, "[2.000000] ./src/x.cpp:7: [root/CRITICAL] it broke\nBacktrace:\n  0# frame\n");
    std::abort();
  });
  CHECK_FALSE(aborted.ok);
  CHECK(aborted.error.find("status 256") != std::string::npos);  // exit code 1, not a signal
  CHECK(aborted.stderr_text == "test: SimGrid aborted: it broke (src/x.cpp:7, at 2.000000 simulated s)\n");

  auto finished = in_child([] {
    ringtmp::sim::AbortTrap trap("test: ");
    std::fprintf(stderr, "[1.0] [res/WARNING] a warning\n");
    return std::vector<double>{1};
  });
  REQUIRE_MESSAGE(finished.ok, finished.error);
  CHECK(finished.stderr_text == "[1.0] [res/WARNING] a warning\n");
}
