// Rate-limited logging: the first lines of an interval whole, the rest summarised per
// source when the interval ends, and a quiet interval costs nothing.
#include "runtime/log_limiter.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace ringtmp;

namespace {

struct Lines {
  std::vector<std::string> got;
  LogLimiter::Sink sink() {
    return [this](const std::string& l) { got.push_back(l); };
  }
};

}  // namespace

TEST_CASE("log limiter: a flood costs the burst and one summary line per source per interval") {
  Lines lines;
  LogLimiter limiter("rank 0: dropped", 3, 10);
  const auto t0 = LogLimiter::Clock::now();
  for (int i = 0; i < 70000; ++i)
    limiter.log(lines.sink(), "connections", i % 2 ? "10.0.0.9" : "10.0.0.8", "rank 0: dropped a connection", t0 + std::chrono::microseconds(i));
  CHECK(lines.got.size() == 3);  // the summary waits for the interval's end
  limiter.flush(lines.sink(), t0 + std::chrono::seconds(5));
  CHECK(lines.got.size() == 3);
  limiter.flush(lines.sink(), t0 + std::chrono::seconds(10));
  REQUIRE(lines.got.size() == 5);
  CHECK(lines.got[3] == "rank 0: dropped 34998 more connections from 10.0.0.8 in the last 10 s "
                        "(only the first 3 of an interval are logged one by one)");
  CHECK(lines.got[4].starts_with("rank 0: dropped 34999 more connections from 10.0.0.9 in the last 10 s"));
  // A new interval logs its first lines again; nothing held back means no summary.
  limiter.log(lines.sink(), "connections", "10.0.0.8", "again", t0 + std::chrono::seconds(11));
  limiter.flush(lines.sink(), t0 + std::chrono::seconds(30));
  CHECK(lines.got.size() == 6);
  CHECK(lines.got.back() == "again");
}

TEST_CASE("log limiter: many sources are summarised together past a limit; force flushes early") {
  Lines lines;
  LogLimiter limiter("dropped", 0, 10);
  const auto t0 = LogLimiter::Clock::now();
  for (int i = 0; i < 100; ++i) limiter.log(lines.sink(), "frames", "host " + std::to_string(i), "x", t0);
  CHECK(lines.got.empty());
  limiter.flush(lines.sink(), t0 + std::chrono::seconds(1), true);
  CHECK(lines.got.size() == LogLimiter::kMaxSources + 1);
  CHECK(lines.got.back().starts_with("dropped 84 more frames from other addresses in the last 1 s"));
}
