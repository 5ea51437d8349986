#pragma once
// A parameter server's share of work among the live workers: each global minibatch is cut
// into contiguous slices over the members, in ascending rank order, so that a run that lost
// workers still trains on every sample of every minibatch (BSP keeps summing the same
// gradient: equal to local SGD, up to the order of the float sums). With no deaths the
// slices are exactly BatchSlicer's. (All-reduce keeps its N ring positions instead, for
// exact sums: core/strategy/allreduce.hpp.)
#include <span>
#include <vector>

namespace ringtmp {

struct WorkerSlice {
  int rank = -1;
  int offset = 0;  // first sample of the slice within the global minibatch
  int size = 0;
  bool operator==(const WorkerSlice&) const = default;
};

// Slices of a minibatch of `global_batch` samples over `members` (ascending ranks): member i
// takes samples [offset, offset + size), the slices follow each other and cover the batch
// once, and sizes differ by at most one (the first global_batch % members.size() slices get
// the extra sample; a slice is empty when there are more members than samples).
std::vector<WorkerSlice> worker_slices(int global_batch, std::span<const int> members);

}  // namespace ringtmp
