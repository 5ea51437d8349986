#include "core/strategy/worker_slices.hpp"

namespace ringtmp {

std::vector<WorkerSlice> worker_slices(int global_batch, std::span<const int> members) {
  std::vector<WorkerSlice> slices;
  const int n = int(members.size());
  if (n == 0) return slices;
  const int base = global_batch / n, extra = global_batch % n;
  int offset = 0;
  for (int i = 0; i < n; ++i) {
    const int size = base + (i < extra ? 1 : 0);
    slices.push_back({members[size_t(i)], offset, size});
    offset += size;
  }
  return slices;
}

}  // namespace ringtmp
