#include "core/data/batcher.hpp"

#include <cassert>
#include <vector>

#include "core/data/shard.hpp"

namespace ringtmp {

uint64_t epoch_seed(uint64_t seed, int64_t epoch) {
  return seed + uint64_t(epoch) * 0x9e3779b97f4a7c15ULL;
}

Batcher::Batcher(Dataset data, int batch, uint64_t seed)
    : data_(std::move(data)), batch_(batch), seed_(seed) {
  assert(batch_ > 0 && data_.size() >= batch_);
}

Batch Batcher::next() {
  if (epoch_ < 0 || cursor_ + batch_ > data_.size()) {
    ++epoch_;
    cursor_ = 0;
    shuffle();
  }
  Batch b{data_.sample(cursor_), data_.labels(cursor_, batch_), batch_, epoch_};
  cursor_ += batch_;
  return b;
}

void Batcher::shuffle() {
  // New position j takes the sample now at perm[j]; apply by following cycles.
  const auto perm = permutation(data_.size(), epoch_seed(seed_, epoch_));
  std::vector<bool> placed(perm.size(), false);
  Vector spare(data_.features());
  for (size_t start = 0; start < perm.size(); ++start) {
    if (placed[start]) continue;
    spare = data_.x.col(Eigen::Index(start));
    const int32_t spare_label = data_.y[start];
    size_t j = start;
    while (size_t(perm[j]) != start) {
      data_.x.col(Eigen::Index(j)) = data_.x.col(Eigen::Index(perm[j]));
      data_.y[j] = data_.y[size_t(perm[j])];
      placed[j] = true;
      j = size_t(perm[j]);
    }
    data_.x.col(Eigen::Index(j)) = spare;
    data_.y[j] = spare_label;
    placed[j] = true;
  }
}

}  // namespace ringtmp
