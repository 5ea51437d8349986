#include "core/metrics/memory_parts.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include <fmt/format.h>

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

std::string format_bytes(int64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = double(bytes);
  int unit = 0;
  while (std::fabs(value) >= 1024 && unit + 1 < int(std::size(kUnits))) {
    value /= 1024;
    ++unit;
  }
  if (unit == 0) return fmt::format("{} B", bytes);
  const double magnitude = std::fabs(value);
  return fmt::format("{:.{}f} {}", value, magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2, kUnits[unit]);
}

}  // namespace ringtmp
