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

// The end of a resilient parameter-server node's run: nobody leaves while another may still
// need it (a worker redoing the last step after a death, a server reseeding a shard from the
// workers' copies). A barrier through the lowest live rank: every other node tells it it is
// done (Control done), it answers each once it has heard from all, and every node hands
// anything else that arrives meanwhile to `serve`. 2(N-1) messages: an all-to-all exchange
// was N^2, 10^8 at 10,000 nodes. A death meanwhile is a view change like any other: after
// the recovery the node calls this again and announces itself anew (its first announcement
// may have been dropped as composed in the old view), to the new view's lowest rank.
template <Transport T, class Serve>
Status leave_together(Endpoint<T>& ep, const char* awaiting, Serve&& serve) {
  const View& view = ep.view();
  const int coordinator = view.live.front();  // ascending
  const auto is_done = [](const Message& m) {
    const auto* control = std::get_if<Control>(&m.payload);
    return control && control->code == Control::Code::done;
  };
  if (ep.rank() != coordinator) {
    ep.send(coordinator, Message{Control{Control::Code::done, ""}});
    while (true) {
      auto got = ep.next(awaiting);
      if (!got.ok()) return got.status();
      if (is_done(got->message)) {
        if (got->from == coordinator) return {};
      } else if (Status s = serve(got->from, got->message); !s.ok()) {
        return s;
      }
    }
  }
  std::set<int> heard{ep.rank()};
  while (heard.size() < view.live.size()) {
    auto got = ep.next(awaiting);
    if (!got.ok()) return got.status();
    if (is_done(got->message)) heard.insert(got->from);
    else if (Status s = serve(got->from, got->message); !s.ok()) return s;
  }
  for (int q : view.live)
    if (q != ep.rank()) ep.send(q, Message{Control{Control::Code::done, ""}});
  return {};
}

}  // namespace ringtmp
