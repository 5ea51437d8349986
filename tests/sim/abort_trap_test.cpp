// SimGrid's aborts become one line and exit code 1; its log stays out of the terminal. So do
// whatever else escapes a subcommand (run_guarded).
#include "sim/abort_trap.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <thread>
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

// The CLI's one place (cli/main.cpp runs every subcommand through run_guarded): whatever
// escapes a subcommand, an exception, an abort, an arithmetic fault or an exception on
// another thread, ends as one line with the command's prefix and exit code 1.
TEST_CASE("run_guarded: exceptions, aborts, SIGFPE and std::terminate become one line and exit 1") {
  auto thrown = in_child([]() -> std::vector<double> {
    const int code = ringtmp::sim::run_guarded("ringtmp x: ", []() -> int { throw std::out_of_range("stod\ntwo"); });
    return {double(code)};
  });
  REQUIRE_MESSAGE(thrown.ok, thrown.error);
  CHECK(thrown.values == std::vector<double>{1});
  CHECK(thrown.stderr_text == "ringtmp x: stod two\n");

  CHECK(in_child([] { return std::vector<double>{double(ringtmp::sim::run_guarded("p: ", [] { return 7; }))}; })
            .values == std::vector<double>{7});

  struct Case {
    std::function<int()> body;
    std::string line;
  };
  for (const auto& [body, line] :
       {Case{[] { std::abort(); return 0; }, "p: stopped by SIGABRT (a library called abort()): a bug, please report it\n"},
        Case{[] { std::raise(SIGFPE); return 0; },
             "p: stopped by SIGFPE (an arithmetic fault, such as an integer division by zero): a bug, please report it\n"},
        Case{[] {
               std::thread t([] { throw std::length_error("vector::_M_default_append"); });
               t.join();
               return 0;
             },
             "p: uncaught exception: vector::_M_default_append\n"}}) {
    auto r = in_child([&]() -> std::vector<double> { return {double(ringtmp::sim::run_guarded("p: ", body))}; });
    CHECK_FALSE(r.ok);
    CHECK(r.error.find("status 256") != std::string::npos);  // exit code 1, not a signal
    CHECK(r.stderr_text == line);
  }
}

TEST_CASE("under a trap, a fatal signal's line and say() reach the real stderr, past the capture") {
  auto r = in_child([]() -> std::vector<double> {
    ringtmp::sim::trap_fatal_signals("outer: ");
    ringtmp::sim::AbortTrap trap("sim: ");
    std::fprintf(stderr, "[0.1] [x/WARNING] held back\n");
    trap.say("sim: note: said now");
    std::raise(SIGFPE);
    return {};
  });
  CHECK_FALSE(r.ok);
  CHECK(r.stderr_text ==
        "sim: note: said now\n"
        "sim: stopped by SIGFPE (an arithmetic fault, such as an integer division by zero): a bug, please report it\n");
}
