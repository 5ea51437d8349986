#include "core/metrics/run_result.hpp"

#include <algorithm>

namespace ringtmp {

namespace {

// A part of the nodes' time over the run's length, averaged over the nodes. A node that
// failed was idle, at most, for as long as it lived; one whose measures died with it (a
// host turned off, a process killed) has none to count.
double mean_fraction(const RunResult& run, double NodeMetrics::*part) {
  double sum = 0.0;
  int counted = 0;
  for (const auto& n : run.nodes) {
    if (n.failed_at && n.busy_s + n.idle_s + n.send_s + n.checkpoint_s == 0) continue;
    sum += n.*part / std::max(n.failed_at.value_or(run.run_seconds()), 1e-12);
    ++counted;
  }
  return counted ? sum / double(counted) : 0.0;
}

}  // namespace

double RunResult::idle_fraction() const { return mean_fraction(*this, &NodeMetrics::idle_s); }
double RunResult::idle_network_fraction() const { return mean_fraction(*this, &NodeMetrics::idle_network_s); }

int64_t RunResult::bytes_sent_total() const {
  int64_t sum = 0;
  for (const auto& n : nodes) sum += n.bytes_sent;
  return sum;
}

int64_t RunResult::peak_memory_bytes_max() const {
  int64_t m = 0;
  for (const auto& n : nodes) m = std::max(m, n.peak_memory_bytes);
  return m;
}

std::optional<int64_t> RunResult::peak_rss_bytes_max() const {
  std::optional<int64_t> m;
  for (const auto& n : nodes)
    if (n.peak_rss_bytes) m = std::max(m.value_or(0), *n.peak_rss_bytes);
  return m;
}

std::optional<double> RunResult::energy_joules() const {
  double sum = 0.0;
  for (const auto& n : nodes) {
    if (!n.energy_j) return std::nullopt;
    sum += *n.energy_j;
  }
  return nodes.empty() ? std::nullopt : std::optional(sum);
}

std::optional<double> RunResult::energy_per_sample() const {
  auto e = energy_joules();
  if (!e || samples == 0) return std::nullopt;
  return *e / double(samples);
}

}  // namespace ringtmp
