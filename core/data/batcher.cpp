#include "core/data/batcher.hpp"

#include <cassert>
#include <numeric>

#include "core/data/shard.hpp"

namespace ringtmp {

uint64_t epoch_seed(uint64_t seed, int64_t epoch) {
  return seed + uint64_t(epoch) * 0x9e3779b97f4a7c15ULL;
}

Batcher::Batcher(const Dataset& data, int batch, uint64_t seed, int offset, int take)
    : data_(data), batch_(batch), offset_(offset), take_(take), seed_(seed),
      order_(size_t(data.size())), x_(data.features(), take), y_(size_t(take)) {
  assert(batch_ > 0 && data_.size() >= batch_ && offset_ >= 0 && take_ >= 0 && offset_ + take_ <= batch_);
  std::iota(order_.begin(), order_.end(), 0);
}

void Batcher::advance() {
  if (epoch_ < 0 || cursor_ + batch_ > data_.size()) {
    ++epoch_;
    cursor_ = 0;
    // Position j takes the sample that stood at perm[j]: the same order as shuffling the
    // data itself in place at every epoch start.
    const auto perm = permutation(data_.size(), epoch_seed(seed_, epoch_));
    std::vector<int64_t> next(order_.size());
    for (size_t j = 0; j < order_.size(); ++j) next[j] = order_[size_t(perm[j])];
    order_.swap(next);
  }
  cursor_ += batch_;
}

Batch Batcher::next() {
  advance();
  return again();
}

void Batcher::skip(int64_t batches) {
  for (int64_t b = 0; b < batches; ++b) advance();
}

Batch Batcher::again() {
  assert(epoch_ >= 0);  // after a next() or skip()
  const int64_t start = cursor_ - batch_ + offset_;
  for (int j = 0; j < take_; ++j) {
    const int64_t sample = order_[size_t(start + j)];
    x_.col(j) = data_.x.col(Eigen::Index(sample));
    y_[size_t(j)] = data_.y[size_t(sample)];
  }
  return {x_.data(), y_, take_, epoch_};
}

}  // namespace ringtmp
