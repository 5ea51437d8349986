#include "sim/sim_network.hpp"

#include <fmt/format.h>
#include <simgrid/Exception.hpp>

namespace s4u = simgrid::s4u;

namespace ringtmp::sim {

SimNetwork::SimNetwork(std::vector<s4u::Host*> hosts, double delivery_delay_s)
    : hosts_(std::move(hosts)), delivery_delay_s_(delivery_delay_s), inboxes_(hosts_.size()), down_(hosts_.size(), false), air_(hosts_.size()) {
  for (size_t r = 0; r < hosts_.size(); ++r) {
    inboxes_[r].ready = s4u::Semaphore::create(0);
    inboxes_[r].mailbox = s4u::Mailbox::by_name(fmt::format("rank-{}", r));
  }
}

void SimNetwork::start_receiver(int rank) {
  auto receiver = s4u::Actor::create(fmt::format("rx-{}", rank), hosts_[rank], [this, rank] {
    auto* mailbox = inboxes_[rank].mailbox;
    while (true) {
      std::unique_ptr<Envelope> env;
      try {
        env.reset(mailbox->get<Envelope>());
      } catch (const simgrid::NetworkFailureException&) {
        continue;  // the sender's host died mid-transfer; its PeerDown comes from fail()
      }
      air_[rank].bytes_received += env->bytes;
      push(rank, Received{env->from, std::move(env->message)}, delivery_delay_s_);
    }
  });
  // The receiver never ends by itself; the simulation ends when the nodes do.
  receiver->daemonize();
  inboxes_[rank].mailbox->set_receiver(receiver);
}

void SimNetwork::post(int from, int to, Message&& m, int64_t bytes) {
  if (down_[to] || down_[from]) return;
  air_[from].bytes_sent += bytes;
  auto* env = new Envelope{from, bytes, std::move(m)};
  inboxes_[to].mailbox->put_init(env, uint64_t(bytes))->detach([](void* p) {
    delete static_cast<Envelope*>(p);
  });
}

Event SimNetwork::wait(int rank, double timeout_s) {
  auto& box = inboxes_[rank];
  if (box.ready->acquire_timeout(timeout_s)) return Timeout{};
  Pending p = std::move(box.events.front());
  box.events.pop_front();
  // Every message has the same delay, so waiting for the oldest keeps arrival order.
  if (const double wait = p.due - s4u::Engine::get_clock(); wait > 0) s4u::this_actor::sleep_for(wait);
  return std::move(p.event);
}

void SimNetwork::fail(int rank, const std::string& reason) {
  if (down_[rank]) return;
  down_[rank] = true;
  for (int r = 0; r < size(); ++r)
    if (r != rank && !down_[r]) push(r, PeerDown{rank, reason}, 0);
}

void SimNetwork::push(int rank, Event&& e, double delay_s) {
  inboxes_[rank].events.push_back({std::move(e), s4u::Engine::get_clock() + delay_s});
  inboxes_[rank].ready->release();
}

}  // namespace ringtmp::sim
