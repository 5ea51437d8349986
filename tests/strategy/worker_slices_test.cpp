// Slices of a global minibatch over the live workers: contiguous, each sample exactly once,
// sizes within one of each other, BatchSlicer's with nobody dead; all-reduce's ring and
// slices after every single and double death.
#include "core/strategy/worker_slices.hpp"

#include <algorithm>
#include <numeric>

#include <doctest/doctest.h>

#include "core/data/batch_slicer.hpp"

using namespace ringtmp;

namespace {

void check_cover(int batch, std::span<const int> members, const std::vector<WorkerSlice>& slices) {
  REQUIRE(slices.size() == members.size());
  std::vector<int> seen(size_t(batch), 0);
  int lo = batch, hi = 0, next = 0;
  for (size_t i = 0; i < slices.size(); ++i) {
    const auto& s = slices[i];
    CHECK(s.rank == members[i]);
    CHECK(s.offset == next);  // contiguous, in member order
    next = s.offset + s.size;
    for (int j = s.offset; j < s.offset + s.size; ++j) ++seen[size_t(j)];
    lo = std::min(lo, s.size);
    hi = std::max(hi, s.size);
  }
  CHECK(next == batch);
  CHECK(std::all_of(seen.begin(), seen.end(), [](int c) { return c == 1; }));
  CHECK(hi - lo <= 1);
}

}  // namespace

TEST_CASE("slices cover the batch once, sizes within one, BatchSlicer's when nobody died") {
  for (int batch : {1, 7, 32, 100, 257})
    for (int n = 1; n <= 25; ++n) {
      std::vector<int> members(size_t(n), 0);
      std::iota(members.begin(), members.end(), 0);
      const auto slices = worker_slices(batch, members);
      check_cover(batch, members, slices);
      for (int i = 0; i < n; ++i) CHECK(slices[size_t(i)].size == BatchSlicer::slice_size(batch, n, i));
    }
  CHECK(worker_slices(10, std::vector<int>{}).empty());
  CHECK(worker_slices(10, std::vector<int>{1, 4, 6}) ==
        std::vector<WorkerSlice>{{1, 0, 4}, {4, 4, 3}, {6, 7, 3}});
}
