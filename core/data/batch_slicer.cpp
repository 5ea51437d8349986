#include "core/data/batch_slicer.hpp"

#include <numeric>

namespace ringtmp {

BatchSlicer::BatchSlicer(const Dataset& data, int global_batch, int slices, int slice,
                         uint64_t seed, ShardMode mode)
    : data_(data), batch_(global_batch), seed_(seed) {
  size_ = slice_size(global_batch, slices, slice);
  offset_ = slice * (global_batch / slices) + std::min(slice, global_batch % slices);
  if (mode == ShardMode::by_label) {
    const auto idx = shard_indices(data, slices, slice, mode, seed);
    own_.emplace(data.subset(idx), size_, seed + uint64_t(slice) + 1);
    return;
  }
  order_.resize(size_t(data.size()));
  std::iota(order_.begin(), order_.end(), 0);
  x_.resize(data.features(), size_);
  y_.resize(size_t(size_));
}

Batch BatchSlicer::next() {
  if (own_) return *(last_own_ = own_->next());
  advance();
  return gather(cursor_ - batch_);
}

void BatchSlicer::advance() {
  if (epoch_ < 0 || cursor_ + batch_ > data_.size()) {
    ++epoch_;
    cursor_ = 0;
    // The same composition of permutations Batcher applies to its data in place.
    const auto perm = permutation(data_.size(), epoch_seed(seed_, epoch_));
    std::vector<int64_t> next(order_.size());
    for (size_t j = 0; j < order_.size(); ++j) next[j] = order_[size_t(perm[j])];
    order_.swap(next);
  }
  cursor_ += batch_;
}

void BatchSlicer::skip(int64_t batches) {
  for (int64_t b = 0; b < batches; ++b) {
    if (own_) last_own_ = own_->next();
    else advance();
  }
}

Batch BatchSlicer::again() {
  if (own_) return *last_own_;
  return gather(cursor_ - batch_);
}

Batch BatchSlicer::gather(int64_t batch_start) {
  for (int j = 0; j < size_; ++j) {
    const int64_t sample = order_[size_t(batch_start + offset_ + j)];
    x_.col(j) = data_.x.col(Eigen::Index(sample));
    y_[size_t(j)] = data_.y[size_t(sample)];
  }
  return {x_.data(), y_, size_, epoch_};
}

}  // namespace ringtmp
