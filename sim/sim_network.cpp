#include "sim/sim_network.hpp"

#include <fmt/format.h>
#include <simgrid/Exception.hpp>

namespace s4u = simgrid::s4u;

namespace ringtmp::sim {

SimNetwork::SimNetwork(std::vector<s4u::Host*> hosts, double delivery_delay_s)
    : hosts_(std::move(hosts)), delivery_delay_s_(delivery_delay_s), inboxes_(hosts_.size()),
      down_(hosts_.size(), false), air_(hosts_.size()) {
  for (size_t r = 0; r < hosts_.size(); ++r) {
    inboxes_[r].mailbox = s4u::Mailbox::by_name(fmt::format("rank-{}", r));
    egress_.push_back(s4u::Semaphore::create(1));
  }
}

void SimNetwork::set_receiver(int rank, s4u::ActorPtr receiver) { inboxes_[rank].mailbox->set_receiver(receiver); }

void SimNetwork::post(int from, int to, Message&& m, int64_t bytes) {
  if (down_[to] || down_[from]) return;
  air_[from].bytes_sent += bytes;
  enqueue(from, to, new Envelope{from, bytes, std::move(m), {}});
}

void SimNetwork::enqueue(int from, int to, Envelope* env) {
  auto& ch = channel(from, to);
  ch.queue.push_back(env);
  ch.ready->release();
}

SimNetwork::Channel& SimNetwork::channel(int from, int to) {
  auto& slot = inboxes_[from].channels[to];
  if (slot) return *slot;
  slot = std::make_unique<Channel>();
  slot->ready = s4u::Semaphore::create(0);
  Channel* ch = slot.get();
  auto* box = inboxes_[to].mailbox;
  auto egress = egress_[from];
  // The sender lives on `from`'s host (it dies with it) and outlives its node, so what the
  // node sent last still goes out; it is a daemon, so it never keeps the simulation alive.
  const bool to_self = from == to;
  auto sender = s4u::Actor::create(fmt::format("tx-{}-{}", from, to), hosts_[from], [this, ch, box, from, to, egress, to_self] {
    while (true) {
      ch->ready->acquire();
      Envelope* env = ch->queue.front();
      ch->queue.pop_front();
      const bool whole = !to_self && env->bytes <= kWholeMessageBytes;
      if (whole) egress->acquire();
      // Checked after the wait for the link: `to` may have gone down meanwhile, and a put to
      // a host that is off trips SimGrid's assertions. A message of a sender that has failed
      // meanwhile is dropped too: put now, it would arrive after the sender's PeerDown.
      if (down_[to] || down_[from]) {
        delete env;
      } else {
        try {
          box->put(env, uint64_t(env->bytes));
        } catch (const simgrid::Exception&) {
          delete env;  // the receiver's host went down: never delivered
        }
      }
      if (whole) egress->release();
    }
  });
  sender->daemonize();
  return *ch;
}

Event SimNetwork::wait(int rank, double timeout_s) {
  auto& box = inboxes_[rank];
  if (down_[rank]) {  // failed itself (fail, not its host off): it hears nothing more
    if (timeout_s > 0) s4u::this_actor::sleep_for(timeout_s);
    return Timeout{};
  }
  const double deadline = s4u::Engine::get_clock() + timeout_s;
  while (true) {
    if (!box.pending) box.pending = box.mailbox->get_async<Envelope>(&box.landing);
    const double left = deadline - s4u::Engine::get_clock();
    try {
      // No time left (or a poll): take what has already arrived, without waiting.
      const bool arrived = left > 0 ? s4u::Comm::wait_any_for({box.pending}, left) >= 0 : box.pending->test();
      if (!arrived) return Timeout{};
    } catch (const simgrid::NetworkFailureException&) {
      box.pending = nullptr;  // the sender died mid-transfer; its PeerDown follows
      continue;
    }
    box.pending = nullptr;
    std::unique_ptr<Envelope> env(box.landing);
    if (!env->down_reason.empty()) return PeerDown{env->from, std::move(env->down_reason)};
    air_[rank].bytes_received += env->bytes;
    // Every message has the same added delay, so delivering in order keeps it exact.
    if (delivery_delay_s_ > 0) s4u::this_actor::sleep_for(delivery_delay_s_);
    return Received{env->from, std::move(env->message)};
  }
}

void SimNetwork::fail(int rank, const std::string& reason) {
  if (down_[rank]) return;
  down_[rank] = true;
  for (int r = 0; r < size(); ++r) {
    if (r == rank || down_[r] || !hosts_[r]->is_on()) continue;
    // Through the survivor's channel to itself: zero bytes put on its own host, so the
    // notice costs no modelled network time.
    enqueue(r, r, new Envelope{rank, 0, Message{}, reason});
  }
}

}  // namespace ringtmp::sim
