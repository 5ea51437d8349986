#include "core/strategy/ps_recovery.hpp"

#include <algorithm>
#include <cassert>

namespace ringtmp {

namespace {
// The live ranks in [first, end), ascending.
std::vector<int> live_in(const View& view, int first, int end) {
  const auto lo = std::lower_bound(view.live.begin(), view.live.end(), first);
  const auto hi = std::lower_bound(lo, view.live.end(), end);
  return {lo, hi};
}
}  // namespace

std::vector<int> live_workers(const PsLayout& layout, const View& view) {
  return live_in(view, 0, layout.workers);
}

std::vector<int> live_servers(const PsLayout& layout, const View& view) {
  return live_in(view, layout.workers, layout.workers + layout.servers);
}

int position_player(const PsLayout& layout, const View& view, int p) {
  const int n = layout.workers;
  for (int q = (p + n - 1) % n; q != p; q = (q + n - 1) % n)
    if (view.is_live(q)) return q;
  return p;
}

bool ps_admits_joins(const PsLayout& layout, const View& view) { return !live_servers(layout, view).empty(); }

Status ps_survivable(const PsLayout& layout, const View& view) {
  if (live_workers(layout, view).empty())
    return Status::errorf("all {} workers are down: nothing is left to train", layout.workers);
  return {};
}

int reseed_worker(const PsLayout& layout, const View& view) {
  const auto workers = live_workers(layout, view);
  assert(!workers.empty());
  return workers.front();
}

std::vector<ShardPlacement> shard_placement(const PsLayout& layout, const View& view, int replicas) {
  const std::vector<int> servers = live_servers(layout, view);
  std::vector<ShardPlacement> placement(size_t(layout.servers));
  for (int k = 0; k < layout.servers; ++k) {
    auto& p = placement[size_t(k)];
    if (servers.empty()) {
      p.server = reseed_worker(layout, view);
      continue;
    }
    // Servers' ring order from the shard's home: the first live one serves, the next replicate.
    const auto first = std::lower_bound(servers.begin(), servers.end(), layout.workers + k);
    const size_t start = size_t(first - servers.begin()) % servers.size();
    p.server = servers[start];
    const int copies = std::min(replicas, int(servers.size()) - 1);
    for (int j = 1; j <= copies; ++j) p.replicas.push_back(servers[(start + size_t(j)) % servers.size()]);
  }
  return placement;
}

std::vector<ShardSource> shard_sources(const PsLayout& layout, const View& settled, const View& now,
                                       int replicas) {
  const auto before = shard_placement(layout, settled, replicas);
  const auto after = shard_placement(layout, now, replicas);
  std::vector<ShardSource> sources;
  for (size_t k = 0; k < after.size(); ++k) {
    const int server = after[k].server;
    const auto& held = before[k].replicas;
    if (server == before[k].server) sources.push_back(ShardSource::kept);
    else if (std::find(held.begin(), held.end(), server) != held.end()) sources.push_back(ShardSource::replica);
    else sources.push_back(ShardSource::reseeded);
  }
  return sources;
}

const char* shard_source_name(ShardSource s) {
  switch (s) {
    case ShardSource::kept: return "kept";
    case ShardSource::replica: return "replica";
    case ShardSource::reseeded: return "reseeded";
  }
  return "?";
}

}  // namespace ringtmp
