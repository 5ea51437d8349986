#pragma once
// Test-set evaluation of a whole model: accuracy and mean loss, in fixed-size chunks so the
// workspace stays bounded whatever the test set's size.
#include "core/data/dataset.hpp"
#include "core/model/loss.hpp"
#include "core/model/model.hpp"
#include "core/metrics/run_result.hpp"

namespace ringtmp {

inline EvalRecord evaluate(const Model& model, const Dataset& test, int64_t iteration,
                           int chunk = 1000) {
  ForwardStash stash;
  int64_t correct = 0;
  double loss = 0;
  for (int64_t first = 0; first < test.size(); first += chunk) {
    const int n = int(std::min<int64_t>(chunk, test.size() - first));
    const Matrix& logits = model.forward(stash, test.sample(first), n);
    const auto labels = test.labels(first, n);
    correct += count_correct(logits, labels);
    loss += softmax_cross_entropy(logits, labels, 0.0f, nullptr);
  }
  const double n = double(std::max<int64_t>(test.size(), 1));
  return {iteration, double(correct) / n, loss / n};
}

}  // namespace ringtmp
