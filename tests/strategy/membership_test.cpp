// Membership views: the same view from the same deaths in any order, digests that tell dead
// sets apart, ring neighbours against a brute-force walk, and the stale/current/ahead verdict
// against the dead sets themselves (a stale message must never become current).
#include "core/strategy/membership.hpp"

#include <algorithm>
#include <bit>
#include <set>

#include <doctest/doctest.h>

using namespace ringtmp;

namespace {

const int kSizes[] = {2, 3, 4, 7, 8, 25};

// The ranks of bit set `mask` (bit r: rank r is dead).
std::vector<int> ranks_of(unsigned mask, int size) {
  std::vector<int> r;
  for (int i = 0; i < size; ++i)
    if (mask & (1u << i)) r.push_back(i);
  return r;
}

int brute_next(const std::vector<bool>& dead, int rank) {
  const int n = int(dead.size());
  for (int step = 1; step <= n; ++step)
    if (!dead[size_t((rank + step) % n)]) return (rank + step) % n;
  return -1;
}

int brute_prev(const std::vector<bool>& dead, int rank) {
  const int n = int(dead.size());
  for (int step = 1; step <= n; ++step)
    if (!dead[size_t((rank - step + n) % n)]) return (rank - step + n) % n;
  return -1;
}

}  // namespace

TEST_CASE("a view with no deaths is epoch 0, digest 0, every rank live") {
  for (int n : kSizes) {
    const View v = view_of(n, {});
    CHECK(v.epoch == 0);
    CHECK(v.digest == 0);
    REQUIRE(v.live_count() == n);
    for (int r = 0; r < n; ++r) CHECK(v.live[size_t(r)] == r);
    CHECK(Membership(n).view() == v);
  }
}

TEST_CASE("every single death: epoch 1, the rank gone, the running view equals view_of") {
  for (int n : kSizes)
    for (int d = 0; d < n; ++d) {
      Membership m(n);
      REQUIRE(m.mark_dead(d));
      const View& v = m.view();
      CHECK(v == view_of(n, std::vector<int>{d}));
      CHECK(v.epoch == 1);
      CHECK(v.digest == rank_token(d));
      CHECK(v.live_count() == n - 1);
      CHECK_FALSE(v.is_live(d));
      CHECK(v.position(d) == -1);
      CHECK(std::is_sorted(v.live.begin(), v.live.end()));
      for (int r = 0; r < n; ++r)
        if (r != d) CHECK(v.position(r) == (r < d ? r : r - 1));
      // PeerDown comes once per rank, but a second notice of a known death changes nothing.
      CHECK_FALSE(m.mark_dead(d));
      CHECK(m.view() == view_of(n, std::vector<int>{d}));
      CHECK(m.deaths() == std::vector<int>{d});
    }
}

TEST_CASE("two deaths seen in either order give the same view") {
  for (int n : kSizes)
    for (int a = 0; a < n; ++a)
      for (int b = a + 1; b < n; ++b) {
        Membership ab(n), ba(n);
        ab.mark_dead(a);
        ab.mark_dead(b);
        ba.mark_dead(b);
        ba.mark_dead(a);
        CHECK(ab.view() == ba.view());
        CHECK(ab.view().epoch == 2);
        CHECK(ab.view() == view_of(n, std::vector<int>{b, a, b}));
        CHECK(ab.deaths() != ba.deaths());
      }
}

TEST_CASE("the digest tells apart dead sets of the same size (every subset of 12 ranks)") {
  const int n = 12;
  std::set<std::pair<int, uint64_t>> seen;
  for (unsigned mask = 0; mask < (1u << n); ++mask) {
    const View v = view_of(n, ranks_of(mask, n));
    CHECK(v.epoch == std::popcount(mask));
    CHECK(seen.insert({v.epoch, v.digest}).second);
  }
  // Tokens depend on the rank alone, not on the cluster's size.
  CHECK(view_of(25, std::vector<int>{3, 5}).digest == view_of(8, std::vector<int>{5, 3}).digest);
}

TEST_CASE("ring neighbours match a walk around the ring, for every dead set") {
  for (int n : {2, 3, 4, 7, 8})
    for (unsigned mask = 0; mask + 1 < (1u << n); ++mask) {  // at least one rank lives
      const View v = view_of(n, ranks_of(mask, n));
      std::vector<bool> dead(size_t(n), false);
      for (int r : ranks_of(mask, n)) dead[size_t(r)] = true;
      for (int r = 0; r < n; ++r) {
        CHECK(next_live(v, r) == brute_next(dead, r));
        CHECK(prev_live(v, r) == brute_prev(dead, r));
      }
      // From the lowest live rank, next_live visits each live rank once and closes the ring.
      std::vector<int> walk{v.live.front()};
      while (int(walk.size()) <= n && (walk.size() == 1 || walk.back() != v.live.front()))
        walk.push_back(next_live(v, walk.back()));
      walk.pop_back();
      CHECK(walk == v.live);
      for (int r : v.live) CHECK(next_live(v, prev_live(v, r)) == r);
    }
  // 25 ranks, the dead around the wrap: 24 and 0 dead, so 23's successor is 1.
  const View v = view_of(25, std::vector<int>{24, 0});
  CHECK(next_live(v, 23) == 1);
  CHECK(prev_live(v, 1) == 23);
  CHECK(next_live(v, 0) == 1);   // a dead rank's successor: who now receives what 0 did
  CHECK(prev_live(v, 24) == 23);
  const View alone = view_of(3, std::vector<int>{0, 2});
  CHECK(next_live(alone, 1) == 1);
  CHECK(prev_live(alone, 1) == 1);
}

TEST_CASE("classify agrees with the dead sets, and a stale message never becomes current") {
  // Every (sender, receiver) pair of dead sets over 5 ranks.
  const int n = 5;
  for (unsigned s = 0; s < (1u << n); ++s)
    for (unsigned r = 0; r < (1u << n); ++r) {
      const View sender = view_of(n, ranks_of(s, n)), receiver = view_of(n, ranks_of(r, n));
      const Arrival a = classify(receiver, sender.epoch, sender.digest);
      CAPTURE(s);
      CAPTURE(r);
      if (s == r) CHECK(a == Arrival::current);
      else if (std::popcount(s) > std::popcount(r)) CHECK(a == Arrival::ahead);
      else CHECK(a == Arrival::stale);
      // The receiver's later views are the supersets of r; a held message must be able to
      // become current exactly when the sender saw every death the receiver has.
      bool can_become_current = false;
      for (unsigned later = r; later < (1u << n); ++later)
        if ((later & r) == r && classify(view_of(n, ranks_of(later, n)), sender.epoch, sender.digest) == Arrival::current)
          can_become_current = true;
      CHECK(can_become_current == ((s & r) == r));
      if (a == Arrival::stale) CHECK_FALSE(can_become_current);
    }
}

TEST_CASE("two deaths seen in different orders: the messages in between are held or dropped") {
  // Ranks 2 and 5 of 8 die; node A learns 2 first, node B learns 5 first.
  Membership a(8), b(8);
  a.mark_dead(2);
  b.mark_dead(5);
  // A's message (epoch 1, {2}) reaches B (epoch 1, {5}): each lacks a death the other has.
  CHECK(classify(b.view(), a.view().epoch, a.view().digest) == Arrival::stale);
  const View a_first = a.view();
  a.mark_dead(5);
  // A (epoch 2) is now ahead of B: held until B learns of 2, then current.
  CHECK(classify(b.view(), a.view().epoch, a.view().digest) == Arrival::ahead);
  b.mark_dead(2);
  CHECK(classify(b.view(), a.view().epoch, a.view().digest) == Arrival::current);
  // A message composed in A's epoch 1 and delivered late stays stale.
  CHECK(classify(b.view(), a_first.epoch, a_first.digest) == Arrival::stale);
  CHECK(std::string(arrival_name(Arrival::stale)) == "stale");
}

TEST_CASE("a view describes itself for logs") {
  CHECK(view_of(6, std::vector<int>{4, 2}).describe(6) == "epoch 2, live 0,1,3,5 (6 ranks, dead 2,4)");
  CHECK(view_of(3, {}).describe(3) == "epoch 0, live 0,1,2 (3 ranks, dead none)");
}

TEST_CASE("a rejoin: the rank live again, one more change, the digest of the dead left; the admission round-trips") {
  for (int size : {1, 2, 5, 9}) {
    for (int back = 0; back < size; ++back) {
      CAPTURE(size);
      CAPTURE(back);
      Membership m(size);
      CHECK_FALSE(m.mark_joined(back));  // live: nothing to rejoin
      m.mark_dead(back);
      if (size > 2) m.mark_dead((back + 1) % size);
      const View before = m.view();
      CHECK(m.mark_joined(back));
      CHECK_FALSE(m.mark_joined(back));
      const View& v = m.view();
      CHECK(v.epoch == before.epoch + 1);
      CHECK(v.is_live(back));
      std::vector<int> still_dead;
      if (size > 2) still_dead.push_back((back + 1) % size);
      View same_dead = view_of(size, still_dead);
      CHECK(v.live == same_dead.live);
      CHECK(v.digest == same_dead.digest);
      // A message of the view before the rejoin is stale in the one after; a joiner's
      // admission names the view it enters, and nothing else parses.
      CHECK(classify(v, before.epoch, before.digest) == Arrival::stale);
      auto parsed = parse_admission(admission_text(v, size), size, v.epoch, v.digest);
      REQUIRE_MESSAGE(parsed.ok(), parsed.status().message());
      CHECK(*parsed == v);
      CHECK_FALSE(parse_admission(admission_text(v, size), size, v.epoch, v.digest + 1).ok());
    }
  }
  for (const char* bad : {"", "dead", "dead ", "dead 1,1", "dead 2,1", "dead -1", "dead 9", "dead 1,", "alive 1",
                          "dead 0,1,2,3,4,5,6,7,8", "dead none "}) {
    CAPTURE(bad);
    auto v = parse_admission(bad, 9, 3, 0);
    REQUIRE_FALSE(v.ok());
    CHECK(v.status().message().find("admission") != std::string::npos);
  }
}
