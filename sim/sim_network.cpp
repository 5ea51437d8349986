#include "sim/sim_network.hpp"

#include <algorithm>
#include <fstream>
#include <utility>

#include <fmt/format.h>
#include <simgrid/Exception.hpp>
#include <simgrid/kernel/Timer.hpp>

#include "core/transport/codec.hpp"

namespace s4u = simgrid::s4u;

namespace ringtmp::sim {
namespace {

// SimGrid guards each actor's stack with a protected page: two kernel memory mappings per
// actor, against a per-process limit (vm.max_map_count, 65530 by default). A run that
// could come near it (a node, an egress actor and a PeerDown notice per rank, a sender per
// channel: a parameter server's workers x servers x 2) goes without guard pages rather than
// abort; the stacks then merge into few mappings. Must run before the first actor is
// created: a stack is freed with the guard size it was made with.
void fit_stack_guards(size_t ranks, size_t channels) {
  long limit = 65530;
  std::ifstream("/proc/sys/vm/max_map_count") >> limit;
  const size_t mappings_per_actor = 2, actors_per_rank = 3, headroom = 8192;
  if (mappings_per_actor * (actors_per_rank * ranks + channels) + headroom > size_t(limit))
    s4u::Engine::set_config("contexts/guard-size:0");
}

}  // namespace

SimNetwork::SimNetwork(const Platform& platform, FailureDetection detection, size_t channels)
    : hosts_(platform.hosts), delivery_delay_s_(platform.delivery_delay_s),
      air_message_bytes_(platform.air_message_bytes), contention_(platform.contention),
      detection_(detection), inboxes_(hosts_.size()),
      outboxes_(hosts_.size()), down_(hosts_.size(), false), silences_(hosts_.size()), air_(hosts_.size()),
      incarnation_(hosts_.size(), 0), notices_(hosts_.size()) {
  fit_stack_guards(hosts_.size(), channels ? channels : 2 * hosts_.size());
  // In maestro, when any actor ends or is killed; SimGrid's signals outlive this network.
  s4u::Actor::on_termination_cb([alive = std::weak_ptr<SimNetwork*>(self_)](const s4u::Actor& actor) {
    if (auto self = alive.lock(); self && (*self)->node_actors_.erase(actor.get_pid())) (*self)->node_ended();
  });
  for (size_t r = 0; r < hosts_.size(); ++r)
    inboxes_[r].mailbox = s4u::Mailbox::by_name(fmt::format("rank-{}", r));
}

SimNetwork::~SimNetwork() {
  for (auto& [id, timer] : timers_) timer->remove();
  for (Envelope* env : live_envelopes_) delete env;
}

SimNetwork::Envelope* SimNetwork::make_envelope(Envelope e) {
  auto* env = new Envelope(std::move(e));
  live_envelopes_.insert(env);
  return env;
}

void SimNetwork::free_envelope(Envelope* env) {
  live_envelopes_.erase(env);
  delete env;
}

void SimNetwork::set_receiver(int rank, s4u::ActorPtr receiver, bool rejoining) {
  inboxes_[rank].mailbox->set_receiver(receiver);
  node_actors_[receiver->get_pid()] = NodeActor{rank, rejoining};
  ++running_nodes_;
}

void SimNetwork::post(int from, int to, Message&& m, int64_t bytes) {
  if (down_[to] || down_[from]) return;
  if (crosses_air(from, to)) air_[from].bytes_sent += bytes;
  auto& ch = channel(from, to);
  ch.queue.push_back(make_envelope(Envelope{from, bytes, std::move(m)}));
  if (!ch.busy) dispatch(ch);
}

SimNetwork::Channel& SimNetwork::channel(int from, int to) {
  auto& slot = outboxes_[from].channels[to];
  if (!slot) slot = std::make_unique<Channel>(Channel{from, to});
  return *slot;
}

void SimNetwork::dispatch(Channel& ch) {
  Envelope* env = ch.queue.front();
  ch.queue.pop_front();
  ch.busy = true;
  if (env->bytes <= kWholeMessageBytes) {
    auto& out = outboxes_[ch.from];
    if (!out.whole_ready) start_egress(ch.from);
    out.whole.emplace_back(&ch, env);
    out.whole_ready->release();
  } else {
    if (!ch.large_ready) start_large_sender(ch);
    ch.large = env;
    ch.large_ready->release();
  }
}

void SimNetwork::done(Channel& ch) {
  ch.busy = false;
  if (!ch.queue.empty()) dispatch(ch);
}

void SimNetwork::put(int to, Envelope* env) {
  // Checked when the message's turn has come: `to` may have gone down meanwhile, and a put
  // to a host that is off trips SimGrid's assertions. A message of a sender that has failed
  // meanwhile is dropped too: put now, it would arrive after the sender's PeerDown (the
  // transport contract).
  if (down_[to] || (down_[env->from] && !env->wake)) {
    free_envelope(env);
    return;
  }
  // On the air from here until the put returns, fails, or its sender's host dies (the
  // actor is then unwound): the same scheduling rounds in which SimGrid's transfer starts
  // and ends.
  // A wake-up stays on its host, as does a message to a co-located rank.
  const bool over_air = crosses_air(env->from, to);
  struct OnAir {
    AirContention* air;
    int from, to;
    OnAir(AirContention* a, int f, int t) : air(a), from(f), to(t) {
      if (air) air->start(from, to);
    }
    ~OnAir() {
      if (air) air->end(from, to);
    }
  } on_air(over_air ? contention_.get() : nullptr, env->from, to);
  env->on_air_at = s4u::Engine::get_clock();
  try {
    // A message between co-located ranks is a copy within the device: it takes the route's
    // latency from the host to itself and one byte of a link's bandwidth. (Not none: under
    // SimGrid's thread contexts, the sanitizers' build, empty data transfers went missing.
    // A wake-up has no bytes; a rank's message to itself keeps its size, as it always had.)
    const uint64_t size = over_air ? uint64_t(env->bytes + air_message_bytes_)
                          : env->from == to ? uint64_t(env->bytes)
                                            : 1;
    inboxes_[to].mailbox->put(env, size);
  } catch (const simgrid::Exception&) {
    free_envelope(env);  // the receiver's host went down: never delivered
  }
}

// The senders live on the rank's host (they die with it) and outlive its node, so what the
// node sent last still goes out; they are daemons, so they never keep the simulation alive.
void SimNetwork::start_egress(int rank) {
  auto& out = outboxes_[rank];
  out.whole_ready = s4u::Semaphore::create(0);
  auto sender = s4u::Actor::init(fmt::format("egress-{}", rank), hosts_[rank])->set_stacksize(kSenderStackKiB);
  sender->start([this, &out] {
    while (true) {
      out.whole_ready->acquire();
      auto [ch, env] = out.whole.front();
      out.whole.pop_front();
      put(ch->to, env);  // the rank's link carries nothing else of its small messages meanwhile
      done(*ch);
    }
  });
  sender->daemonize();
}

void SimNetwork::start_large_sender(Channel& ch) {
  ch.large_ready = s4u::Semaphore::create(0);
  auto sender = s4u::Actor::init(fmt::format("tx-{}-{}", ch.from, ch.to), hosts_[ch.from])
                    ->set_stacksize(kSenderStackKiB);
  sender->start([this, &ch] {
    while (true) {
      ch.large_ready->acquire();
      put(ch.to, std::exchange(ch.large, nullptr));
      done(ch);
    }
  });
  sender->daemonize();
}

void SimNetwork::add_silence(int rank, double at, double until) {
  auto& windows = silences_[size_t(rank)];
  windows.push_back({at, until});
  std::sort(windows.begin(), windows.end());
  std::vector<std::pair<double, double>> merged;
  for (auto w : windows) {
    if (!merged.empty() && w.first <= merged.back().second) merged.back().second = std::max(merged.back().second, w.second);
    else merged.push_back(w);
  }
  windows = std::move(merged);
}

void SimNetwork::sit_out_silences(int rank, double since) {
  const auto& silences = silences_[size_t(rank)];
  if (silences.empty()) return;
  // Windows are disjoint (add_silence merges them). The stretch may run into a later one,
  // which stretches it in turn.
  for (double from = since, to = s4u::Engine::get_clock();;) {
    double stretch = 0;
    for (auto [at, until] : silences)
      if (at >= from && at < to) stretch += until - at;
    if (stretch <= 0) break;
    s4u::this_actor::sleep_for(stretch);
    from = to;
    to = s4u::Engine::get_clock();
  }
  for (auto [at, until] : silences)
    if (const double t = s4u::Engine::get_clock(); at <= t && t < until) s4u::this_actor::sleep_until(until);
}

Event SimNetwork::wait(int rank, double timeout_s) {
  auto& box = inboxes_[rank];
  if (down_[rank]) {  // failed itself (fail, not its host off): it hears nothing more
    if (timeout_s > 0) s4u::this_actor::sleep_for(timeout_s);
    return Timeout{};
  }
  auto& notices = notices_[rank];
  const double deadline = s4u::Engine::get_clock() + timeout_s;
  while (true) {
    if (notices.reported < notices.covered) {
      const auto& f = failures_[notices.reported++];
      return PeerDown{f.rank, f.reason};
    }
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
    const double arrived = box.pending->get_finish_time();
    box.pending = nullptr;
    std::unique_ptr<Envelope, EnvelopeFree> env(box.landing, EnvelopeFree{this});
    if (env->wake) {
      notices.wake_in_flight = false;
      notices.covered = env->covers;
      if (failures_.size() > notices.covered) wake(rank);  // failures after this wake-up was put
      continue;
    }
    const bool over_air = crosses_air(env->from, rank);
    if (over_air) air_[rank].bytes_received += env->bytes;
    // Due a fixed delay after its bytes arrived; the messages of a burst are in flight
    // together, so one that arrived while the node was busy (or was itself waiting out an
    // earlier message's delay) is due sooner. Every message over the air has the same
    // delay, so delivering in arrival order keeps each sender's in order.
    const double due = arrived + (over_air ? delivery_delay_s_ : 0);
    if (due > s4u::Engine::get_clock()) s4u::this_actor::sleep_until(due);
    return Received{env->from, std::move(env->message), env->on_air_at};
  }
}

void SimNetwork::fail(int rank, const std::string& reason) {
  if (down_[rank]) return;
  down_[rank] = true;
  report(rank, reason);
}

void SimNetwork::host_off(int rank, const std::string& reason) {
  if (down_[rank]) return;
  down_[rank] = true;  // cut off now: its senders' queues are dropped, posts to it too
  const double now = s4u::Engine::get_clock();
  const double at = detection_.detected_at(now);
  const std::string why = fmt::format("{}; silent since its heartbeat at {:g} s, declared dead at {:g} s "
                                      "(--failure-timeout {:g})",
                                      reason, detection_.last_heartbeat(now), at, detection_.timeout_s);
  // A SimGrid timer, run in maestro as this is. Not an actor per survivor sleeping until
  // then: an actor started on a host in the instant that host goes off (several hosts of a
  // fault schedule at once) is never cleaned up, and SimGrid complains at the end.
  const uint64_t id = next_timer_++;
  detections_[rank] = {id, why};
  timers_[id] = simgrid::kernel::timer::Timer::set(at, [this, id, rank, why] {
    timers_.erase(id);  // SimGrid deletes a timer once it has run
    detections_.erase(rank);
    report(rank, why);
  });
}

void SimNetwork::host_back(int rank) {
  if (auto due = detections_.find(rank); due != detections_.end()) {
    auto [id, why] = std::move(due->second);
    detections_.erase(due);
    if (auto timer = timers_.find(id); timer != timers_.end()) {
      timer->second->remove();
      timers_.erase(timer);
    }
    report(rank, why);
  }
  // Its actors (node, egress, senders) died with the host; what was on its way to or from
  // it is lost, as the old incarnation's state is.
  outboxes_[size_t(rank)] = Outbox{};
  inboxes_[size_t(rank)] = Inbox{};
  inboxes_[size_t(rank)].mailbox =
      s4u::Mailbox::by_name(fmt::format("rank-{}-life-{}", rank, ++incarnation_[size_t(rank)]));
  notices_[size_t(rank)] = Notices{failures_.size(), failures_.size(), false};
  down_[size_t(rank)] = false;
}

void SimNetwork::report(int rank, const std::string& reason) {
  failures_.push_back({rank, reason});
  for (int r = 0; r < size(); ++r)
    if (r != rank && !down_[r] && hosts_[r]->is_on()) wake(r);
}

void SimNetwork::node_ended() {
  if (--running_nodes_ > 0) {
    if (std::any_of(node_actors_.begin(), node_actors_.end(), [](const auto& a) { return !a.second.rejoining; }))
      return;
    // Only new incarnations run: each is told once (an admitted one ignores it: stamped in
    // no view, stale). Not from here: this runs while SimGrid goes over the actors it runs,
    // and an actor made now could move that list under it; a timer at this instant can.
    simgrid::kernel::timer::Timer::set(s4u::Engine::get_clock(), [alive = std::weak_ptr<SimNetwork*>(self_)] {
      if (auto self = alive.lock()) (*self)->turn_away_joiners();
    });
    return;
  }
  // No node is left to notice: a pending timer would only run the clock on to it.
  for (auto& [id, timer] : timers_) timer->remove();
  timers_.clear();
}

void SimNetwork::turn_away_joiners() {
  for (auto& [pid, actor] : node_actors_) {
    if (!actor.rejoining || std::exchange(actor.turned_away, true)) continue;
    const int rank = actor.rank;
    auto notice = s4u::Actor::init(fmt::format("turn-away-{}", rank), hosts_[rank])->set_stacksize(kSenderStackKiB);
    notice->start([this, rank] {
      Message m{Control{Control::Code::done, "the run has ended: no node left to admit it"}};
      const auto bytes = int64_t(encoded_size(m));
      post(rank, rank, std::move(m), bytes);
    });
    notice->daemonize();
  }
}

void SimNetwork::wake(int survivor) {
  if (notices_[survivor].wake_in_flight) return;  // it will cover this failure too
  notices_[survivor].wake_in_flight = true;
  // From the survivor's own host, beside its message traffic: a failure notice does not
  // queue behind the survivor's own messages. An actor puts it, as maestro (where a host
  // turned off reports its failure) cannot; it is gone once the wake-up is in the mailbox.
  auto notice = s4u::Actor::init(fmt::format("wake-{}", survivor), hosts_[survivor])->set_stacksize(kSenderStackKiB);
  notice->start([this, survivor] {
    // What the wake-up covers is fixed when it is put: every failure logged before it.
    put(survivor, make_envelope(Envelope{survivor, 0, Message{}, true, failures_.size()}));
  });
  notice->daemonize();
}

}  // namespace ringtmp::sim
