#include "core/transport/inproc.hpp"

#include <cassert>


namespace ringtmp {

InProcHub::InProcHub(int size) : down_(size, false) {
  for (int i = 0; i < size; ++i) boxes_.push_back(std::make_unique<EventQueue>());
}

void InProcHub::deliver(int from, int to, Message&& m) {
  assert(to >= 0 && to < size());
  // The mailbox drops what the contract forbids: anything once `to` is down (closed), and a
  // message from `from` once it holds PeerDown(from), which fail(from) queues everywhere
  // before it returns. Even if fail(from) runs on another thread at this very moment, the
  // message lands ahead of the PeerDown or not at all.
  boxes_[to]->push(Received{from, std::move(m)});
}

Event InProcHub::wait(int rank, double timeout_s) { return boxes_[rank]->wait(timeout_s); }

void InProcHub::fail(int rank, const std::string& reason) {
  {
    std::lock_guard lock(down_mu_);
    if (down_[rank]) return;
    down_[rank] = true;
  }
  boxes_[rank]->close();
  // A mailbox of a node that is down itself is closed and drops the notice.
  for (int r = 0; r < size(); ++r)
    if (r != rank) boxes_[r]->push(PeerDown{rank, reason});
}

bool InProcHub::is_down(int rank) const {
  std::lock_guard lock(down_mu_);
  return down_[rank];
}

double InProcHub::now() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

}  // namespace ringtmp
