#pragma once
// The shared side of the SimGrid backend: one mailbox per rank with a permanent receiver
// actor, so bytes flow as soon as they are sent (like TCP) instead of waiting for the node
// to ask; arrived messages and PeerDown events queue per rank behind a semaphore, which
// the node's recv waits on with its timeout. Everything here runs in simulated actors or
// in SimGrid's maestro: cooperative, one at a time, so there are no locks.
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <simgrid/s4u.hpp>

#include "core/transport/transport.hpp"

namespace ringtmp::sim {

// What one rank sent and received over the air (or wire), for the radio energy model.
struct AirTime {
  int64_t bytes_sent = 0, bytes_received = 0;
};

class SimNetwork {
 public:
  // delivery_delay_s: latency added to every message on arrival (see Platform).
  SimNetwork(std::vector<simgrid::s4u::Host*> hosts, double delivery_delay_s = 0);
  int size() const { return int(hosts_.size()); }
  simgrid::s4u::Host* host(int rank) const { return hosts_[rank]; }

  // Starts rank's receiver on its host. Call once per rank, before the simulation runs.
  void start_receiver(int rank);

  // Non-blocking: the message (an owned copy) travels as `bytes` bytes on the platform.
  // Dropped when `to` is known to be down; lost if either end dies in flight.
  void post(int from, int to, Message&& m, int64_t bytes);

  // The next event for `rank`, or Timeout after timeout_s simulated seconds.
  Event wait(int rank, double timeout_s);

  // `rank` is gone: every other rank gets PeerDown(rank) once; later posts to it drop.
  // Safe from an actor or from maestro (a host turned off by the fault schedule).
  void fail(int rank, const std::string& reason);
  bool is_down(int rank) const { return down_[rank]; }

  const AirTime& air(int rank) const { return air_[rank]; }

 private:
  struct Envelope {
    int from = 0;
    int64_t bytes = 0;
    Message message;
  };
  struct Pending {
    Event event;
    double due = 0;  // simulated time at which the node may see it
  };
  struct Inbox {
    std::deque<Pending> events;
    simgrid::s4u::SemaphorePtr ready;  // one token per queued event
    simgrid::s4u::Mailbox* mailbox = nullptr;
  };
  void push(int rank, Event&& e, double delay_s);

  std::vector<simgrid::s4u::Host*> hosts_;
  double delivery_delay_s_;
  std::vector<Inbox> inboxes_;
  std::vector<bool> down_;
  std::vector<AirTime> air_;
};

}  // namespace ringtmp::sim
