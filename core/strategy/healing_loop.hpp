#pragma once
// The loop of a resilient node program: take steps until done; a step that fails with a
// view change (a peer died: endpoint.hpp) is followed by the program's recovery, after
// which the steps resume; a recovery cut short by another death starts again with it; any
// other failure, or a failed recovery, ends the loop with it.
#include <set>

#include "core/status.hpp"
#include "core/strategy/endpoint.hpp"

namespace ringtmp {

template <Transport T, class Done, class Step, class Recover>
Status run_healing(const Endpoint<T>& ep, Done&& done, Step&& step, Recover&& recover) {
  while (!done()) {
    Status s = step();
    if (s.ok()) continue;
    if (!ep.view_changed()) return s;
    do s = recover();
    while (!s.ok() && ep.view_changed());
    if (!s.ok()) return s;
  }
  return {};
}

// Returns once every live node of the view has called it: a barrier through the lowest
// live rank. Every other node sends it `mark` and waits for `mark` back; it waits for every
// other node's, then sends each its own. 2(N-1) messages (an all-to-all exchange was N^2:
// 10^8 at 10,000 nodes). `await_mark(accept)` waits for a `mark` from a rank `accept(rank)`
// takes and returns that rank, or the failure; what else arrives meanwhile is the caller's
// (served, or left pending). A death meanwhile is a view change like any other: after the
// recovery every survivor calls this again and announces itself anew (its first
// announcement may have been dropped as composed in the old view), to the new view's
// lowest rank.
template <Transport T, class AwaitMark>
Status barrier_through_lowest(Endpoint<T>& ep, const Message& mark, AwaitMark&& await_mark) {
  const View& view = ep.view();
  const int coordinator = view.live.front();  // ascending
  if (ep.rank() != coordinator) {
    ep.send(coordinator, Message(mark));
    StatusOr<int> from = await_mark([coordinator](int r) { return r == coordinator; });
    return from.ok() ? Status{} : from.status();
  }
  std::set<int> heard{ep.rank()};
  while (heard.size() < view.live.size()) {
    StatusOr<int> from = await_mark([&heard](int r) { return !heard.contains(r); });
    if (!from.ok()) return from.status();
    heard.insert(*from);
  }
  for (int q : view.live)
    if (q != ep.rank()) ep.send(q, Message(mark));
  return {};
}

// The end of a resilient parameter-server node's run: nobody leaves while another may still
// need it (a worker redoing the last step after a death, a server reseeding a shard from the
// workers' copies). A barrier on Control done (barrier_through_lowest); anything else that
// arrives meanwhile goes to `serve`, and a done from a rank not awaited is dropped.
template <Transport T, class Serve>
Status leave_together(Endpoint<T>& ep, const char* awaiting, Serve&& serve) {
  return barrier_through_lowest(ep, Message{Control{Control::Code::done, ""}}, [&](auto&& accept) -> StatusOr<int> {
    while (true) {
      auto got = ep.next(awaiting);
      if (!got.ok()) return got.status();
      const auto* control = std::get_if<Control>(&got->message.payload);
      if (control && control->code == Control::Code::done) {
        if (accept(got->from)) return got->from;
      } else if (Status s = serve(got->from, got->message); !s.ok()) {
        return s;
      }
    }
  });
}

}  // namespace ringtmp
