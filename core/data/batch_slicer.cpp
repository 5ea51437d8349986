#include "core/data/batch_slicer.hpp"

#include <algorithm>

namespace ringtmp {

namespace {

int slice_offset(int global_batch, int slices, int slice) {
  return slice * (global_batch / slices) + std::min(slice, global_batch % slices);
}

std::unique_ptr<const Dataset> own_shard(const Dataset& data, int slices, int slice, uint64_t seed,
                                         ShardMode mode) {
  if (mode != ShardMode::by_label) return nullptr;
  return std::make_unique<const Dataset>(data.subset(shard_indices(data, slices, slice, mode, seed)));
}

}  // namespace

BatchSlicer::BatchSlicer(const Dataset& data, int global_batch, int slices, int slice,
                         uint64_t seed, ShardMode mode)
    : size_(slice_size(global_batch, slices, slice)),
      shard_(own_shard(data, slices, slice, seed, mode)),
      batcher_(shard_ ? Batcher(*shard_, size_, seed + uint64_t(slice) + 1)
                      : Batcher(data, global_batch, seed, slice_offset(global_batch, slices, slice), size_)) {}

}  // namespace ringtmp
