#include "core/metrics/memory_parts.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

#include <fmt/format.h>

#include "core/platform/byte_size.hpp"

namespace ringtmp {

std::string_view to_string(MemoryPart p) {
  switch (p) {
    case MemoryPart::params: return "params";
    case MemoryPart::grads: return "grads";
    case MemoryPart::optimizer: return "momentum";
    case MemoryPart::activations: return "activations";
    case MemoryPart::weight_stash: return "weight stash";
    case MemoryPart::held_pushes: return "held pushes";
    case MemoryPart::shadows: return "shadows";
    case MemoryPart::replicas: return "replicas";
    case MemoryPart::messages: return "messages";
    case MemoryPart::dataset: return "dataset";
  }
  return "?";
}

int64_t MemoryParts::total() const { return std::accumulate(bytes.begin(), bytes.end(), int64_t(0)); }

std::string MemoryParts::describe() const {
  std::vector<int> order(kMemoryParts);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return bytes[a] > bytes[b]; });
  std::string text;
  for (int p : order) {
    if (bytes[p] == 0) continue;
    text += fmt::format("{}{} {}", text.empty() ? "" : ", ", to_string(MemoryPart(p)), format_bytes(bytes[p]));
  }
  return text.empty() ? "nothing" : text;
}

}  // namespace ringtmp
