#include "core/strategy/membership.hpp"

#include <algorithm>
#include <cassert>
#include <numeric>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/model/rng.hpp"
#include "core/parse_number.hpp"

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

bool Membership::mark_joined(int rank) {
  assert(rank >= 0 && rank < size_);
  const auto it = std::lower_bound(view_.live.begin(), view_.live.end(), rank);
  if (it != view_.live.end() && *it == rank) return false;
  view_.live.insert(it, rank);
  ++view_.epoch;
  view_.digest -= rank_token(rank);
  return true;
}

std::string admission_text(const View& v, int size) {
  std::vector<int> dead;
  for (int r = 0; r < size; ++r)
    if (!v.is_live(r)) dead.push_back(r);
  return dead.empty() ? "dead none" : fmt::format("dead {}", fmt::join(dead, ","));
}

StatusOr<View> parse_admission(const std::string& text, int size, int epoch, uint64_t digest) {
  auto refuse = [&](std::string_view why) {
    return Status::errorf("admission \"{}\" (epoch {}): {}", text.substr(0, 80), epoch, why);
  };
  constexpr std::string_view kHead = "dead ";
  if (!text.starts_with(kHead)) return refuse("not \"dead <ranks>\"");
  std::vector<int> dead;
  const std::string_view list = std::string_view(text).substr(kHead.size());
  if (list != "none") {
    for (size_t at = 0; at <= list.size();) {
      const size_t comma = std::min(list.find(',', at), list.size());
      const auto rank = parse_number<int>(list.substr(at, comma - at));
      if (!rank || *rank < 0 || *rank >= size) return refuse(fmt::format("a rank outside 0..{}", size - 1));
      if (!dead.empty() && *rank <= dead.back()) return refuse("ranks not ascending");
      dead.push_back(int(*rank));
      at = comma + 1;
    }
  }
  if (int(dead.size()) >= size) return refuse("no live rank");
  if (epoch < int(dead.size())) return refuse("fewer changes than dead ranks");
  View v = view_of(size, dead);
  if (v.digest != digest) return refuse("its digest is not its dead set's");
  v.epoch = epoch;
  return v;
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
