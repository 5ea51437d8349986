#include "core/fault_spec.hpp"

#include <fmt/format.h>

#include "core/parse_number.hpp"
#include "core/quote_input.hpp"

namespace ringtmp {
namespace {

constexpr double kShortest = 1e-9;  // SimGrid's default precision/timing: shorter is zero to it
constexpr double kLongest = 1e9;    // about 32 years of simulated time

StatusOr<Fault> parse_item(std::string_view item, int ranks) {
  auto bad = [&](std::string_view why) {
    return Status::errorf("invalid value for faults: {} ({}; write kill:RANK@SECONDS or "
                          "pause:RANK@SECONDS+SECONDS)", quote_input(item), why);
  };
  Fault f;
  f.text = std::string(item);
  const auto colon = item.find(':');
  const auto kind = item.substr(0, colon);
  if (kind == "kill") f.kind = Fault::Kind::kill;
  else if (kind == "pause") f.kind = Fault::Kind::pause;
  else return bad("unknown fault kind");
  const auto rest = colon == item.npos ? std::string_view{} : item.substr(colon + 1);
  const auto at = rest.find('@');
  if (at == rest.npos) return bad("missing @time");
  const auto rank = parse_number<int>(rest.substr(0, at));
  if (!rank) return bad("node is not a whole number");
  if (*rank < 0 || *rank >= ranks) return bad(fmt::format("node {} is outside 0..{}", *rank, ranks - 1));
  f.rank = *rank;
  auto when = rest.substr(at + 1);
  const auto plus = when.find('+');
  if (f.kind == Fault::Kind::pause) {
    if (plus == when.npos) return bad("a pause needs +duration");
    const auto duration = parse_number<double>(when.substr(plus + 1));
    if (!duration || !(*duration >= kShortest && *duration <= kLongest))
      return bad(fmt::format("duration is not a positive number of seconds in {:g}..{:g}", kShortest, kLongest));
    f.duration_s = *duration;
    when = when.substr(0, plus);
  } else if (plus != when.npos) {
    return bad("a kill is permanent and takes no +duration");
  }
  const auto time = parse_number<double>(when);
  if (!time || !(*time == 0 || (*time >= kShortest && *time <= kLongest)))
    return bad(fmt::format("time is not a number of seconds, 0 or in {:g}..{:g}", kShortest, kLongest));
  f.at_s = *time;
  return f;
}

}  // namespace

StatusOr<std::vector<Fault>> parse_fault_schedule(std::string_view spec, int ranks) {
  std::vector<Fault> faults;
  std::string_view rest = spec;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    auto item = rest.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    auto f = parse_item(item, ranks);
    if (!f.ok()) return f.status();
    faults.push_back(*f);
    rest = comma == rest.npos ? std::string_view{} : rest.substr(comma + 1);
  }
  return faults;
}

}  // namespace ringtmp
