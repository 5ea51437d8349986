#pragma once
// The loop of a resilient node program: take steps until done; a step that fails with a
// view change (a peer died: endpoint.hpp) is followed by the program's recovery, after
// which the steps resume; any other failure, or a failed recovery, ends the loop with it.
#include "core/status.hpp"
#include "core/strategy/endpoint.hpp"

namespace ringtmp {

template <Transport T, class Done, class Step, class Recover>
Status run_healing(const Endpoint<T>& ep, Done&& done, Step&& step, Recover&& recover) {
  while (!done()) {
    Status s = step();
    if (s.ok()) continue;
    if (!ep.view_changed()) return s;
    s = recover();
    if (!s.ok()) return s;
  }
  return {};
}

}  // namespace ringtmp
