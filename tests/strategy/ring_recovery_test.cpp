// RingTMP's roles in a view, over the matrix N = 2, 3, 4, 7, 8, 25 and every death
// position: the interim takeover by the shadow holder, the rebalanced partition, the
// transfers between them (each moved layer exactly once), shadows, and which double deaths
// cannot be healed.
#include "core/strategy/ring_recovery.hpp"

#include <algorithm>

#include <doctest/doctest.h>

using namespace ringtmp;

namespace {

const int kSizes[] = {2, 3, 4, 7, 8, 25};

// 40 layers of uneven widths, so stages differ in layers and flops.
const std::vector<LayerSpec>& layers() {
  static const std::vector<LayerSpec> l = [] {
    std::vector<int> widths;
    for (int i = 0; i <= 40; ++i) widths.push_back(8 + (i * 37) % 29 + (i == 0 ? 60 : 0));
    return mlp_layers(widths, Activation::relu);
  }();
  return l;
}
const std::vector<int64_t>& costs() {
  static const std::vector<int64_t> c = ring_layer_flops(layers(), 16);
  return c;
}
StageAssignment initial(int n) { return initial_assignment(*partition_layers(costs(), n)); }

// Stages in layer order, non-empty, covering the model; owners the view's live ranks.
void check_shape(const StageAssignment& a, const View& v) {
  REQUIRE(a.first_layer.size() == a.owner.size() + 1);
  CHECK(a.first_layer.front() == 0);
  CHECK(a.first_layer.back() == int(layers().size()));
  for (int k = 0; k < a.stages(); ++k) CHECK(a.begin(k) < a.end(k));
  CHECK(a.owner == v.live);
}

// Applies the plan to `before`'s owner of each layer: it must yield `after`'s, touching each
// layer whose owner changed exactly once and no other, with the right flat-buffer ranges.
void check_transfers(const StageAssignment& before, const StageAssignment& after,
                     const std::vector<LayerTransfer>& plan) {
  const int n = int(layers().size());
  std::vector<size_t> offset{0};
  for (const auto& l : layers()) offset.push_back(offset.back() + size_t(layer_param_count(l)));
  std::vector<int> owner, moved(size_t(n), 0);
  for (int l = 0; l < n; ++l) owner.push_back(before.owner_of_layer(l));
  for (size_t i = 0; i < plan.size(); ++i) {
    const auto& t = plan[i];
    REQUIRE(t.first_layer < t.end_layer);
    CHECK(t.from != t.to);
    CHECK(t.param_begin == offset[size_t(t.first_layer)]);
    CHECK(t.param_end == offset[size_t(t.end_layer)]);
    if (i > 0) {
      CHECK(plan[i - 1].end_layer <= t.first_layer);  // in layer order
      const bool same_pair = plan[i - 1].from == t.from && plan[i - 1].to == t.to;
      CHECK_FALSE((same_pair && plan[i - 1].end_layer == t.first_layer));  // maximal runs
    }
    for (int l = t.first_layer; l < t.end_layer; ++l) {
      CHECK(owner[size_t(l)] == t.from);
      owner[size_t(l)] = t.to;
      ++moved[size_t(l)];
    }
  }
  for (int l = 0; l < n; ++l) {
    CHECK(owner[size_t(l)] == after.owner_of_layer(l));
    CHECK(moved[size_t(l)] == (before.owner_of_layer(l) != after.owner_of_layer(l) ? 1 : 0));
  }
}

}  // namespace

TEST_CASE("with nobody dead the rebalanced assignment is the config's layout") {
  for (int n : kSizes) {
    const auto a = initial(n);
    CHECK(a.stages() == n);
    check_shape(a, view_of(n, {}));
    auto r = rebalanced_assignment(costs(), view_of(n, {}));
    REQUIRE(r.ok());
    CHECK(*r == a);
    CHECK(transfer_plan(layers(), a, *r).empty());
    CHECK(a.data_rank() == 0);
    CHECK(a.loss_rank() == n - 1);
  }
}

TEST_CASE("shadows: the predecessor's node holds a stage's, stage 1's node holds stage 0's") {
  for (int n : kSizes) {
    const auto a = initial(n);
    for (int k = 0; k < n; ++k) {
      const int h = shadow_holder(a, k);
      CHECK(h == (k == 0 ? 1 : k - 1));
      CHECK(h != a.owner[size_t(k)]);
      const View v = view_of(n, {});  // the holder is a ring neighbour of the owner
      CHECK((h == next_live(v, a.owner[size_t(k)]) || h == prev_live(v, a.owner[size_t(k)])));
    }
    for (int r = 0; r < n; ++r) {
      const auto held = shadows_held_by(a, r);
      if (n == 2) CHECK(held == std::vector<int>{1 - r});
      else if (r == 1) CHECK(held == std::vector<int>{0, 2});
      else if (r == n - 1) CHECK(held.empty());
      else CHECK(held == std::vector<int>{r + 1});
    }
  }
  CHECK(shadow_holder(initial_assignment(*partition_layers(costs(), 1)), 0) == -1);
}

TEST_CASE("every single death: the shadow holder takes over, then the stages are re-balanced") {
  for (int n : kSizes)
    for (int dead = 0; dead < n; ++dead) {
      CAPTURE(n);
      CAPTURE(dead);
      const auto settled = initial(n);
      const View v = view_of(n, std::vector<int>{dead});
      REQUIRE(ring_healable(settled, v).ok());
      auto interim = interim_assignment(settled, v);
      REQUIRE(interim.ok());
      check_shape(*interim, v);
      const int holder = shadow_holder(settled, dead);
      for (int l = 0; l < int(layers().size()); ++l) {
        const int was = settled.owner_of_layer(l);
        CHECK(interim->owner_of_layer(l) == (was == dead ? holder : was));
      }
      // The holder's new range is its own plus the dead stage's: one contiguous run.
      const int s = interim->stage_of(holder);
      CHECK(interim->begin(s) == std::min(settled.begin(dead), settled.begin(settled.stage_of(holder))));
      CHECK(interim->end(s) == std::max(settled.end(dead), settled.end(settled.stage_of(holder))));
      // Stage 0's duties move with its layers: its successor reads the data.
      CHECK(interim->data_rank() == (dead == 0 ? 1 : 0));
      CHECK(interim->loss_rank() == (dead == n - 1 ? n - 2 : n - 1));

      auto balanced = rebalanced_assignment(costs(), v);
      REQUIRE(balanced.ok());
      check_shape(*balanced, v);
      CHECK(balanced->first_layer == partition_layers(costs(), n - 1)->first_layer);
      check_transfers(*interim, *balanced, transfer_plan(layers(), *interim, *balanced));
      if (n == 2) CHECK(*balanced == *interim);  // one node runs everything either way
    }
}

TEST_CASE("two deaths: the same plan in either order; healable unless adjacent in layer order") {
  for (int n : kSizes) {
    if (n < 3) continue;
    const auto settled = initial(n);
    for (int a = 0; a < n; ++a)
      for (int b = 0; b < n; ++b) {
        if (a == b) continue;
        CAPTURE(n);
        CAPTURE(a);
        CAPTURE(b);
        Membership m(n);
        m.mark_dead(a);
        m.mark_dead(b);
        CHECK(m.view() == view_of(n, std::vector<int>{b, a}));
        const Status healable = ring_healable(settled, m.view());
        const bool adjacent = std::abs(a - b) == 1;
        CHECK(healable.ok() == !adjacent);
        auto interim = interim_assignment(settled, m.view());
        CHECK(interim.ok() == !adjacent);
        if (adjacent) {
          // One line naming both ranks, lower first, whichever died first.
          CHECK(healable.message().find(fmt::format("ranks {} and {} went down within one replica refresh",
                                                    std::min(a, b), std::max(a, b))) == 0);
          continue;
        }
        check_shape(*interim, m.view());
        for (int l = 0; l < int(layers().size()); ++l) {
          const int was = settled.owner_of_layer(l);
          const int expect = m.view().is_live(was) ? was : shadow_holder(settled, settled.stage_of(was));
          CHECK(interim->owner_of_layer(l) == expect);
        }
        auto balanced = rebalanced_assignment(costs(), m.view());
        REQUIRE(balanced.ok());
        CHECK(balanced->first_layer == partition_layers(costs(), n - 2)->first_layer);
        check_transfers(*interim, *balanced, transfer_plan(layers(), *interim, *balanced));
      }
  }
  // First and last stage are adjacent only over the closing edge: healable, and with three
  // nodes the middle one runs the whole model.
  auto whole = interim_assignment(initial(3), view_of(3, std::vector<int>{0, 2}));
  REQUIRE(whole.ok());
  CHECK(whole->owner == std::vector<int>{1});
  CHECK(whole->first_layer == std::vector<int>{0, int(layers().size())});
}

TEST_CASE("adjacent deaths heal when a replica refresh came between them") {
  // 8 nodes: 3 dies, the ring re-balances over 7 and rebuilds its shadows; then 4 dies.
  const auto first = initial(8);
  const View after3 = view_of(8, std::vector<int>{3});
  auto settled = rebalanced_assignment(costs(), after3);
  REQUIRE(settled.ok());
  const View after34 = view_of(8, std::vector<int>{3, 4});
  CHECK_FALSE(ring_healable(first, after34).ok());  // both within one refresh
  REQUIRE(ring_healable(*settled, after34).ok());
  auto interim = interim_assignment(*settled, after34);
  REQUIRE(interim.ok());
  CHECK(interim->owner == after34.live);
  // 4 ran stage 3 of the settled assignment; its shadow was on 2 (stage 2's node).
  CHECK(shadow_holder(*settled, settled->stage_of(4)) == 2);
  CHECK(interim->owner_of_layer(settled->begin(settled->stage_of(4))) == 2);
}

TEST_CASE("no survivor: one line, no plan") {
  // A ring shrunk to its last node (the others died across refreshes), which then dies.
  auto last = rebalanced_assignment(costs(), view_of(4, std::vector<int>{0, 1, 2}));
  REQUIRE(last.ok());
  CHECK(last->owner == std::vector<int>{3});
  auto lost = interim_assignment(*last, view_of(4, std::vector<int>{0, 1, 2, 3}));
  REQUIRE_FALSE(lost.ok());
  CHECK(lost.status().message() == "every node of the ring is down: nothing is left to train");
}

TEST_CASE("a transfer plan, by hand") {
  // Layers 2x3, 3x4, 4x5, 5x2: 9, 16, 25, 12 parameters (weights + biases).
  const auto l = mlp_layers(std::vector<int>{2, 3, 4, 5, 2}, Activation::relu);
  const StageAssignment before{{0, 3, 4}, {1, 2}};  // rank 1: layers 0-2, rank 2: layer 3
  const StageAssignment after{{0, 1, 4}, {1, 2}};   // rank 1: layer 0, rank 2: layers 1-3
  CHECK(transfer_plan(l, before, after) == std::vector<LayerTransfer>{{1, 2, 1, 3, 9, 50}});
  const StageAssignment three{{0, 1, 2, 4}, {0, 1, 2}};
  CHECK(transfer_plan(l, before, three) ==
        std::vector<LayerTransfer>{{1, 0, 0, 1, 0, 9}, {1, 2, 2, 3, 25, 50}});
  // Two runs with the same (from, to) pair but a kept layer between them stay two transfers.
  const StageAssignment split{{0, 1, 2, 4}, {1, 2, 1}};
  const StageAssignment gathered{{0, 4}, {2}};
  CHECK(transfer_plan(l, split, gathered) ==
        std::vector<LayerTransfer>{{1, 2, 0, 1, 0, 9}, {1, 2, 2, 4, 25, 62}});
}
