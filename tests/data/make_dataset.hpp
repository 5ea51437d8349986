#pragma once
// A small Dataset whose samples can be told apart after any reordering: sample i has
// features (i, -i, label) and label label_of(i), so a column says which sample it was and
// whether its label travelled with it.
#include <cstdint>
#include <functional>

#include "core/data/dataset.hpp"

namespace ringtmp::testing {

inline Dataset labelled_ids(int64_t n, int classes, const std::function<int(int64_t)>& label_of) {
  Dataset d;
  d.classes = classes;
  d.x.resize(3, n);
  d.y.resize(size_t(n));
  for (int64_t i = 0; i < n; ++i) {
    d.y[size_t(i)] = label_of(i);
    d.x(0, i) = float(i);
    d.x(1, i) = -float(i);
    d.x(2, i) = float(d.y[size_t(i)]);
  }
  return d;
}

// The id of column j (exact: ids stay far below 2^24).
inline int64_t id_of(const Dataset& d, int64_t j) { return int64_t(d.x(0, j)); }

}  // namespace ringtmp::testing
