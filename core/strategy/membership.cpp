#include "core/strategy/membership.hpp"

#include <algorithm>
#include <cassert>
#include <numeric>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/model/rng.hpp"

namespace ringtmp {

namespace {
// Salt for the rank tokens, so a digest is not the seed stream of some training run.
constexpr uint64_t kDigestSalt = 0x6d656d6265727368ULL;  // "membersh"
}  // namespace

uint64_t rank_token(int rank) { return Rng(kDigestSalt + uint64_t(rank)).next_u64(); }

bool View::is_live(int rank) const { return std::binary_search(live.begin(), live.end(), rank); }

int View::position(int rank) const {
  const auto it = std::lower_bound(live.begin(), live.end(), rank);
  return it != live.end() && *it == rank ? int(it - live.begin()) : -1;
}

std::string View::describe(int size) const {
  std::vector<int> dead;
  for (int r = 0; r < size; ++r)
    if (!is_live(r)) dead.push_back(r);
  return fmt::format("epoch {}, live {} ({} ranks, dead {})", epoch, fmt::join(live, ","), size,
                     dead.empty() ? std::string("none") : fmt::format("{}", fmt::join(dead, ",")));
}

View view_of(int size, std::span<const int> dead) {
  std::vector<bool> is_dead(size_t(size), false);
  for (int r : dead) {
    assert(r >= 0 && r < size);
    is_dead[size_t(r)] = true;
  }
  View v;
  for (int r = 0; r < size; ++r) {
    if (is_dead[size_t(r)]) {
      ++v.epoch;
      v.digest += rank_token(r);
    } else {
      v.live.push_back(r);
    }
  }
  return v;
}

int next_live(const View& v, int rank) {
  assert(!v.live.empty());
  const auto it = std::upper_bound(v.live.begin(), v.live.end(), rank);
  return it == v.live.end() ? v.live.front() : *it;
}

int prev_live(const View& v, int rank) {
  assert(!v.live.empty());
  const auto it = std::lower_bound(v.live.begin(), v.live.end(), rank);
  return it == v.live.begin() ? v.live.back() : *(it - 1);
}

Arrival classify(const View& local, int sender_epoch, uint64_t sender_digest) {
  if (sender_epoch > local.epoch) return Arrival::ahead;
  if (sender_epoch < local.epoch || sender_digest != local.digest) return Arrival::stale;
  return Arrival::current;
}

const char* arrival_name(Arrival a) {
  switch (a) {
    case Arrival::current: return "current";
    case Arrival::ahead: return "ahead";
    case Arrival::stale: return "stale";
  }
  return "?";
}

Membership::Membership(int size) : size_(size) {
  assert(size >= 1);
  view_.live.resize(size_t(size));
  std::iota(view_.live.begin(), view_.live.end(), 0);
}

bool Membership::mark_dead(int rank) {
  assert(rank >= 0 && rank < size_);
  const auto it = std::lower_bound(view_.live.begin(), view_.live.end(), rank);
  if (it == view_.live.end() || *it != rank) return false;
  view_.live.erase(it);
  ++view_.epoch;
  view_.digest += rank_token(rank);
  deaths_.push_back(rank);
  return true;
}

}  // namespace ringtmp
