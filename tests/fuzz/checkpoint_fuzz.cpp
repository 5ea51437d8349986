// libFuzzer target: checkpoint files as a resuming run reads them. Arbitrary bytes are
// refused in one line without allocating more than they hold, or they decode to a
// checkpoint whose encoding is those very bytes (every field is read, the checksum covers
// the payload, nothing trails). Each input is tried twice: as it is, and with its header's
// length and checksum made to match, so mutations reach the payload's own checks.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "core/checkpoint/node_checkpoint.hpp"
#include "tests/fuzz/fuzz_seeds.hpp"

using namespace ringtmp;

namespace {

constexpr size_t kHeaderBytes = 24;  // magic, version, payload length, checksum

NodeCheckpoint sample(int part, int parts, size_t values) {
  NodeCheckpoint c;
  c.config = "ringtmp-config-digest-v2\nstrategy=ring\nlr=0.05\n";
  c.part = part;
  c.parts = parts;
  c.role = "stage " + std::to_string(part);
  c.iteration = 40;
  c.samples = 2560;
  c.clock = 12.75;
  c.losses = {{39, 12.1, 30.5, 64}, {40, 12.7, 29.25, 64}};
  c.tensors = {{"params", FloatBuffer(values, 0.5f)}, {"momentum", FloatBuffer(values, -0.25f)}, {"empty", {}}};
  return c;
}

// A refusal in one line, or a checkpoint whose encoding is `bytes` themselves.
void check(std::span<const uint8_t> bytes) {
  auto c = decode_checkpoint(bytes);
  if (!c.ok()) {
    fuzz::check_refusal(c.status());
    return;
  }
  const auto again = encode_checkpoint(*c);
  if (!std::equal(again.begin(), again.end(), bytes.begin(), bytes.end())) std::abort();
  if (c->part < 0 || c->part >= c->parts) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  NodeCheckpoint bare;
  bare.parts = 1;
  fuzz::seed_corpus(*argc, *argv,
                    {encode_checkpoint(bare), encode_checkpoint(sample(0, 1, 3)), encode_checkpoint(sample(2, 4, 16)),
                     encode_checkpoint(sample(3, 4, 0))});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  check(std::span(data, size));
  if (size < kHeaderBytes) return 0;
  std::vector<uint8_t> fixed(data, data + size);
  const uint64_t length = size - kHeaderBytes;
  uint64_t h = 14695981039346656037ull;  // FNV-1a-64, as the format defines it
  for (size_t i = kHeaderBytes; i < size; ++i) h = (h ^ fixed[i]) * 1099511628211ull;
  std::memcpy(fixed.data() + 8, &length, 8);
  std::memcpy(fixed.data() + 16, &h, 8);
  check(fixed);
  return 0;
}
