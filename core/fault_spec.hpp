#pragma once
// The text of a run's fault schedule (--faults): `kill:3@120` turns node 3's device off at
// 120 s for good; `pause:2@60+10` silences node 2 from 60 s to 70 s: noticed by its peers
// (longer than detection) it is a failure and the node comes back with its memory gone (it
// rejoins where its strategy readmits), else nothing. Items are comma-separated. Parsing
// only: sim/fault_schedule.* plays it on simulated hosts, cli/fault_player.* on the node
// processes of `launch --local`.
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"

namespace ringtmp {

struct Fault {
  enum class Kind { kill, pause } kind = Kind::kill;
  int rank = 0;
  double at_s = 0;
  double duration_s = 0;  // pause only
  std::string text;       // as the user wrote it, for reports
};

// Times and durations are read by core's one number parser (parse_number) and must lie in
// what SimGrid's state profiles can hold: a time is 0 or 1e-9..1e9 s, a duration 1e-9..1e9 s
// (1e-9 s is SimGrid's timing precision; a subnormal such as 1e-320 once reached SimGrid's
// own stod and ended in an uncaught std::out_of_range). Errors name the faulty item;
// `ranks` bounds the node numbers.
StatusOr<std::vector<Fault>> parse_fault_schedule(std::string_view spec, int ranks);

}  // namespace ringtmp
