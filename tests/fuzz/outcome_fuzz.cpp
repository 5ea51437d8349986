// libFuzzer target: any bytes as a node's outcome file get a verdict without allocating
// more than the file holds, and a decoded outcome re-encodes to bytes that decode to the
// same encoding. (The merge of decoded outcomes is not fuzzed here yet: cluster.hpp pulls
// in allreduce.hpp, whose lambda captures a structured binding, which clang 14 cannot
// compile; tests/strategy/cluster_test.cpp covers slices anywhere, 2^64-1 and 2^62.)
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "core/strategy/outcome_file.hpp"
#include "tests/fuzz/fuzz_seeds.hpp"

using namespace ringtmp;

namespace {

NodeOutcome slice(size_t offset, size_t count) {
  NodeOutcome o;
  o.param_offset = offset;
  o.params.assign(count, 0.5f);
  o.losses.push_back({1, 0.5, 2.0, 4});
  o.spans.push_back({0, SpanKind(0), 0.0, 0.25});
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  fuzz::seed_corpus(*argc, *argv,
                    {encode_outcome(slice(10, 13)), encode_outcome(slice(0, 23)), encode_outcome(NodeOutcome{}),
                     encode_outcome(slice(~size_t(0), 1))});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto o = decode_outcome(std::span(data, size));
  if (!o.ok()) return 0;
  const auto bytes = encode_outcome(*o);
  auto again = decode_outcome(bytes);
  if (!again.ok() || encode_outcome(*again) != bytes) std::abort();
  return 0;
}
