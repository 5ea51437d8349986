// Parameter-server roles in a view, over workers N = 2, 3, 4, 7, 8, 25, servers 1..4, with
// and without a chain replica: barrier members and slices after a worker's death, a dead
// server's shard to its replica's holder (or reseeded), the promoted worker, and the same
// roles whatever the order the deaths were seen in.
#include "core/strategy/ps_recovery.hpp"

#include <algorithm>

#include <doctest/doctest.h>

using namespace ringtmp;

namespace {

const int kWorkers[] = {2, 3, 4, 7, 8, 25};

PsLayout layout(int workers, int servers) {
  PsLayout l;
  l.workers = workers;
  l.servers = servers;
  for (int k = 0; k <= servers; ++k) l.shard_begin.push_back(size_t(1000 * k / servers));
  return l;
}

std::vector<int> dead_of(unsigned mask, int size) {
  std::vector<int> r;
  for (int i = 0; i < size; ++i)
    if (mask & (1u << i)) r.push_back(i);
  return r;
}

// Invariants of any placement: live servers serve (the first live one at or after the
// home), replicas are live distinct servers after it, a worker serves only when no server lives.
void check_placement(const PsLayout& l, const View& v, int replicas) {
  const auto p = shard_placement(l, v, replicas);
  REQUIRE(int(p.size()) == l.servers);
  std::vector<int> servers;
  for (int r : v.live)
    if (r >= l.workers) servers.push_back(r);
  for (int k = 0; k < l.servers; ++k) {
    const auto& s = p[size_t(k)];
    CHECK(v.is_live(s.server));
    if (servers.empty()) {
      CHECK(s.server == live_workers(l, v).front());
      CHECK(s.replicas.empty());
      continue;
    }
    int expect = -1;
    for (int step = 0; step < l.servers && expect < 0; ++step)
      if (v.is_live(l.workers + (k + step) % l.servers)) expect = l.workers + (k + step) % l.servers;
    CHECK(s.server == expect);
    CHECK(int(s.replicas.size()) == std::min(replicas, int(servers.size()) - 1));
    // Chain order: each replica is the next live server after the one before it.
    int prev = s.server;
    for (int r : s.replicas) {
      CHECK(r != s.server);
      int expect_next = -1;
      for (int step = 1; step <= l.servers && expect_next < 0; ++step) {
        const int c = l.workers + (prev - l.workers + step) % l.servers;
        if (v.is_live(c)) expect_next = c;
      }
      CHECK(r == expect_next);
      prev = r;
    }
  }
}

}  // namespace

TEST_CASE("with nobody dead: every shard on its home server, its replica on the next") {
  for (int w : kWorkers)
    for (int k = 1; k <= 4; ++k)
      for (int replicas : {0, 1}) {
        const auto l = layout(w, k);
        const View v = view_of(w + k, {});
        const auto p = shard_placement(l, v, replicas);
        for (int s = 0; s < k; ++s) {
          CHECK(p[size_t(s)].server == w + s);
          if (replicas == 1 && k > 1) CHECK(p[size_t(s)].replicas == std::vector<int>{w + (s + 1) % k});
          else CHECK(p[size_t(s)].replicas.empty());
        }
        CHECK(live_workers(l, v).size() == size_t(w));
        check_placement(l, v, replicas);
      }
}

TEST_CASE("a dead worker: the live workers lose it, the servers stay") {
  for (int w : kWorkers)
    for (int k = 1; k <= 4; ++k)
      for (int dead = 0; dead < w; ++dead) {
        const auto l = layout(w, k);
        const View settled = view_of(w + k, {});
        const View v = view_of(w + k, std::vector<int>{dead});
        const auto members = live_workers(l, v);
        CHECK(members.size() == size_t(w - 1));
        CHECK(std::find(members.begin(), members.end(), dead) == members.end());
        CHECK(shard_placement(l, v, 1) == shard_placement(l, settled, 1));
        for (auto s : shard_sources(l, settled, v, 1)) CHECK(s == ShardSource::kept);
      }
}

TEST_CASE("a dead server: its shard goes to the next live server, from the replica when kept") {
  for (int w : kWorkers)
    for (int k = 1; k <= 4; ++k)
      for (int replicas : {0, 1})
        for (int dead = 0; dead < k; ++dead) {
          CAPTURE(w);
          CAPTURE(k);
          CAPTURE(replicas);
          CAPTURE(dead);
          const auto l = layout(w, k);
          const View settled = view_of(w + k, {});
          const View v = view_of(w + k, std::vector<int>{w + dead});
          REQUIRE(ps_survivable(l, v).ok());
          check_placement(l, v, replicas);
          const auto p = shard_placement(l, v, replicas);
          const auto sources = shard_sources(l, settled, v, replicas);
          for (int s = 0; s < k; ++s) {
            if (s != dead) {
              CHECK(p[size_t(s)].server == w + s);
              CHECK(sources[size_t(s)] == ShardSource::kept);
            } else if (k == 1) {  // no server left: worker 0 is promoted, from its own copy
              CHECK(p[size_t(s)].server == 0);
              CHECK(reseed_worker(l, v) == 0);
              CHECK(sources[size_t(s)] == ShardSource::reseeded);
            } else {
              CHECK(p[size_t(s)].server == w + (dead + 1) % k);
              CHECK(sources[size_t(s)] == (replicas ? ShardSource::replica : ShardSource::reseeded));
            }
          }
          CHECK(live_workers(l, v).size() == size_t(w));  // every worker still trains
        }
}

TEST_CASE("the single server and worker 0 both dead: worker 1 is promoted") {
  const auto l = layout(4, 1);
  const View v = view_of(5, std::vector<int>{4, 0});
  CHECK(shard_placement(l, v, 1)[0] == ShardPlacement{1, {}});
  CHECK(shard_sources(l, view_of(5, std::vector<int>{4}), v, 1)[0] == ShardSource::reseeded);
  CHECK(live_workers(l, v) == std::vector<int>{1, 2, 3});
}

TEST_CASE("two server deaths: the same roles in either order; adjacent ones lose a replica") {
  for (int w : {2, 7})
    for (int k = 2; k <= 4; ++k)
      for (int a = 0; a < k; ++a)
        for (int b = a + 1; b < k; ++b) {
          const auto l = layout(w, k);
          Membership ab(w + k), ba(w + k);
          ab.mark_dead(w + a);
          ab.mark_dead(w + b);
          ba.mark_dead(w + b);
          ba.mark_dead(w + a);
          REQUIRE(ab.view() == ba.view());
          check_placement(l, ab.view(), 1);
          const auto sources = shard_sources(l, view_of(w + k, {}), ab.view(), 1);
          // Shard s's replica sat on server s + 1 (wrapping): lost when that one died too.
          const bool a_replica_lost = b == a + 1;
          CHECK(sources[size_t(a)] == (a_replica_lost ? ShardSource::reseeded : ShardSource::replica));
          const bool b_replica_lost = (b + 1) % k == a;
          CHECK(sources[size_t(b)] == (b_replica_lost ? ShardSource::reseeded : ShardSource::replica));
        }
}

TEST_CASE("every dead set of 3 workers and 4 servers: placements hold their invariants") {
  const auto l = layout(3, 4);
  for (unsigned mask = 0; mask < (1u << 7); ++mask) {
    const View v = view_of(7, dead_of(mask, 7));
    if (live_workers(l, v).empty()) {
      CHECK(ps_survivable(l, v).message() == "all 3 workers are down: nothing is left to train");
      continue;
    }
    for (int replicas : {0, 1, 2}) check_placement(l, v, replicas);
  }
}
