// Seconds as doubles into steady_clock durations and deadlines, without overflow.
#include "core/steady_seconds.hpp"

#include <cmath>
#include <limits>

#include <doctest/doctest.h>

using namespace ringtmp;
using namespace std::chrono;

TEST_CASE("steady_seconds converts, clamps and never wraps") {
  CHECK(steady_seconds(1.5) == duration_cast<steady_clock::duration>(milliseconds(1500)));
  CHECK(steady_seconds(0) == steady_clock::duration::zero());
  CHECK(steady_seconds(-3) == steady_clock::duration::zero());
  CHECK(steady_seconds(std::nan("")) == steady_clock::duration::zero());
  // Regression: 1e10 s is past nanoseconds' range; the cast wrapped to a negative duration.
  for (double s : {1e10, 1e300, std::numeric_limits<double>::infinity()}) {
    CAPTURE(s);
    CHECK(steady_seconds(s) == steady_seconds(kMaxWaitSeconds));
    CHECK(steady_deadline(s) > steady_clock::now() + hours(24 * 365));
  }
}
