#include "core/transport/inproc.hpp"

#include <cassert>

#include "core/steady_seconds.hpp"

namespace ringtmp {

InProcHub::InProcHub(int size) : down_(size, false) {
  for (int i = 0; i < size; ++i) boxes_.push_back(std::make_unique<Mailbox>());
}

void InProcHub::deliver(int from, int to, Message&& m) {
  assert(to >= 0 && to < size());
  if (is_down(to)) return;
  auto& box = *boxes_[to];
  {
    std::lock_guard lock(box.mu);
    box.events.push_back(Received{from, std::move(m)});
  }
  box.cv.notify_one();
}

Event InProcHub::wait(int rank, double timeout_s) {
  auto& box = *boxes_[rank];
  std::unique_lock lock(box.mu);
  const auto deadline = steady_deadline(timeout_s);
  if (!box.cv.wait_until(lock, deadline, [&] { return !box.events.empty(); })) return Timeout{};
  Event e = std::move(box.events.front());
  box.events.pop_front();
  return e;
}

void InProcHub::fail(int rank, const std::string& reason) {
  {
    std::lock_guard lock(down_mu_);
    if (down_[rank]) return;
    down_[rank] = true;
  }
  for (int r = 0; r < size(); ++r) {
    if (r == rank) continue;
    auto& box = *boxes_[r];
    {
      std::lock_guard lock(box.mu);
      box.events.push_back(PeerDown{rank, reason});
    }
    box.cv.notify_one();
  }
}

bool InProcHub::is_down(int rank) const {
  std::lock_guard lock(down_mu_);
  return down_[rank];
}

double InProcHub::now() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

}  // namespace ringtmp
