// libFuzzer target: node outcome files as `launch` reads and merges them. The input is up to
// four files separated by kSeparator. Each file gets a verdict without allocating more than
// it holds, and a decoded outcome re-encodes to bytes that decode to the same encoding. Then
// the nodes are merged as launch merges them (a file that does not decode is a node that
// left no outcome) into a run of a 4-3-2 model: an error line, or a run with every node's
// metrics, its iterations in increasing order and, when the slices cover the model, an
// evaluation of the final model, after those of the kept snapshots (--eval-every) that cover
// it, in iteration order. (Out-of-model offsets such as 2^64-1 and 2^62 are among the seeds.)
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>
#include <vector>

#include "core/strategy/cluster.hpp"
#include "core/strategy/outcome_file.hpp"
#include "tests/fuzz/fuzz_seeds.hpp"

using namespace ringtmp;

namespace {

constexpr std::string_view kSeparator = "\xff--next-node--\xff";
constexpr int kMaxNodes = 4;

NodeOutcome slice(size_t offset, size_t count) {
  NodeOutcome o;
  o.param_offset = offset;
  o.params.assign(count, 0.5f);
  o.losses.push_back({1, 0.5, 2.0, 4});
  o.spans.push_back({0, SpanKind(0), 0.0, 0.25});
  return o;
}

// A slice of a two-iteration run that also kept its part of iteration 1 for an evaluation.
NodeOutcome kept(size_t offset, size_t count) {
  NodeOutcome o = slice(offset, count);
  o.losses.push_back({2, 1.0, 1.5, 4});
  o.snapshots.push_back({1, 0.25, offset, FloatBuffer(count, -0.5f)});
  return o;
}

std::vector<uint8_t> nodes(const std::vector<NodeOutcome>& outcomes) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (i > 0) out.insert(out.end(), kSeparator.begin(), kSeparator.end());
    const auto bytes = encode_outcome(outcomes[i]);
    out.insert(out.end(), bytes.begin(), bytes.end());
  }
  return out;
}

RunConfig merge_config(int n) {
  RunConfig c;
  c.strategy = StrategyKind::allreduce;
  c.nodes = n;
  c.layers = {4, 3, 2};  // 23 parameters
  return c;
}

DataSplit tiny_test_set() {
  DataSplit d;
  d.name = "fuzz";
  d.test.x = Matrix::Constant(4, 8, 0.25f);
  d.test.y = {0, 1, 0, 1, 0, 1, 0, 1};
  d.test.classes = 2;
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  fuzz::seed_corpus(*argc, *argv,
                    {nodes({slice(10, 13)}), nodes({slice(0, 23)}), nodes({NodeOutcome{}}),
                     nodes({slice(~size_t(0), 1)}), nodes({slice(0, 10), slice(10, 13)}),
                     nodes({slice(0, 12), slice(size_t(1) << 62, 11)}),
                     nodes({slice(0, 5), slice(5, 5), slice(10, 5), slice(15, 8)}),
                     nodes({kept(0, 10), kept(10, 13)}), nodes({kept(0, 23), kept(size_t(1) << 62, 2)})});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  std::vector<NodeOutcome> outcomes;
  for (size_t at = 0; at <= all.size() && int(outcomes.size()) < kMaxNodes;) {
    const size_t end = std::min(all.find(kSeparator, at), all.size());
    const auto file = std::span(data + at, end - at);
    at = end + kSeparator.size();
    auto o = decode_outcome(file);
    if (!o.ok()) {
      fuzz::check_refusal(o.status());
      NodeOutcome lost;
      lost.status = Status::errorf("node {}: left no outcome", outcomes.size());
      outcomes.push_back(std::move(lost));
      continue;
    }
    const auto bytes = encode_outcome(*o);
    auto again = decode_outcome(bytes);
    if (!again.ok() || encode_outcome(*again) != bytes) std::abort();
    outcomes.push_back(std::move(*o));
  }
  const size_t n = outcomes.size();
  static const DataSplit test_set = tiny_test_set();
  auto run = merge_outcomes(merge_config(int(n)), test_set, std::move(outcomes), 1.0, "fuzz");
  if (!run.ok()) {
    fuzz::check_refusal(run.status());
    return 0;
  }
  if (run->nodes.size() != n || run->evals.empty() || run->evals.back().iteration != run->iterations) std::abort();
  for (size_t i = 1; i < run->evals.size(); ++i)
    if (!(run->evals[i - 1].iteration < run->evals[i].iteration)) std::abort();
  for (size_t i = 1; i < run->trace.size(); ++i)
    if (!(run->trace[i - 1].iteration < run->trace[i].iteration)) std::abort();
  return 0;
}
