#pragma once
// The shared side of the SimGrid backend. Each rank has a mailbox whose permanent receiver
// is that rank's node actor, so bytes flow as soon as they are sent (like TCP) instead of
// waiting for the node to ask, and arrive in the order they were sent. Messages from one
// rank to another go one after the other, as on one TCP connection: a (from, to) channel
// hands its next message to a sender only when the previous one has arrived (SimGrid would
// otherwise share the link fairly among them, and a burst's first message would arrive
// late). Across channels, small messages leave a rank one at a time in the order they were
// sent, and large ones share its link: TCP puts a small message into the NIC's FIFO queue
// whole, while the segments of large ones to several peers interleave there
// (kWholeMessageBytes). So each rank has one egress actor that puts its small messages in
// turn, and a channel that carries a large message gets its own sender actor: a cluster
// of N ranks needs about 2N actors, not one per channel (a 4,096-worker parameter server
// has 32k channels, and each actor's guarded stack costs two kernel memory mappings).
// A PeerDown is a zero-byte envelope a short-lived actor on each survivor's host puts into
// its own mailbox, so the node waits on one thing only: at once for a node that gives up
// with an error (as a runtime node's abort frame), after the modelled heartbeat silence
// for a host that goes off (FailureDetection). Everything here runs in simulated actors or
// in SimGrid's maestro: cooperative, one at a time, no locks.
#include <cmath>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <string>
#include <vector>

#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u.hpp>

#include "core/config.hpp"
#include "sim/platform.hpp"
#include "core/transport/transport.hpp"

namespace ringtmp::sim {

// What one rank sent and received over the air (or wire), for the radio energy model.
struct AirTime {
  int64_t bytes_sent = 0, bytes_received = 0;
};

// The runtime's failure detection (runtime/mesh.hpp), modelled: every node sends a
// heartbeat every heartbeat_s seconds from t = 0, and its peers declare it dead once they
// have heard nothing for timeout_s (RunConfig::heartbeat, failure_timeout). Heartbeats are
// not simulated as traffic: zero-byte frames once a second are nothing beside the data,
// and timers for them would cost N^2 events a second; the detection delay is what matters.
// The runtime counts data frames as signs of life too, so this is its earliest detection.
struct FailureDetection {
  double heartbeat_s = 0;
  double timeout_s = 0;
  // The last heartbeat of a node that fell silent at t, and when its peers declare it dead.
  double last_heartbeat(double t) const { return std::floor(t / heartbeat_s) * heartbeat_s; }
  double detected_at(double t) const { return last_heartbeat(t) + timeout_s; }
};
inline FailureDetection failure_detection(const RunConfig& c) { return {c.heartbeat, c.failure_timeout}; }

class SimNetwork {
 public:
  // Between the platform's hosts, with its delivery delay, per-message air bytes and
  // contention count (see Platform). `channels`: how many (sender, receiver) pairs may
  // carry large messages, each with its own sender actor (0: two per rank, a ring's).
  SimNetwork(const Platform& platform, FailureDetection detection, size_t channels = 0);
  ~SimNetwork();
  SimNetwork(const SimNetwork&) = delete;
  SimNetwork& operator=(const SimNetwork&) = delete;
  int size() const { return int(hosts_.size()); }
  simgrid::s4u::Host* host(int rank) const { return hosts_[rank]; }

  // `receiver` (rank's node actor, on rank's host) takes rank's messages from now on.
  // `rejoining`: a new incarnation after host_back. Once only such ones run, nobody is left
  // to admit them: each is told so (a Control done to itself) rather than wait out its
  // peer timeout.
  void set_receiver(int rank, simgrid::s4u::ActorPtr receiver, bool rejoining = false);

  // Non-blocking: the message (an owned copy) travels as `bytes` bytes on the platform.
  // Dropped when `to` is known to be down; lost if either end dies in flight.
  void post(int from, int to, Message&& m, int64_t bytes);

  // The next event for `rank`, or Timeout after timeout_s simulated seconds (<= 0: only
  // what has already arrived). Only Timeout once `rank` itself has failed. From rank's
  // receiver actor only.
  Event wait(int rank, double timeout_s);

  // `rank` is gone: every other live rank gets PeerDown(rank) once, after the messages
  // rank's channels had already put to it; what they still held is dropped, and so is any
  // later post from or to rank. fail: at once (the node gave up and said so); host_off: its
  // host lost power, so the others declare it dead only at detection.detected_at(now),
  // until when they just hear nothing from it. Safe from an actor or from maestro (where
  // a host turned off by the fault schedule is reported).
  void fail(int rank, const std::string& reason);
  void host_off(int rank, const std::string& reason);
  bool is_down(int rank) const { return down_[rank]; }
  // `rank`'s host is back on after host_off, memory gone: a new incarnation may run there
  // (set_receiver), asking to rejoin. Its death is reported now if its detection was still
  // to come, so that every survivor learns of it before anything from the new incarnation;
  // the new one starts with a fresh mailbox and hears only of failures from now on.
  void host_back(int rank);
  // `rank` leaves without a failure notice (a new incarnation that was not readmitted: its
  // survivors count it dead already).
  void withdraw(int rank) { down_[rank] = true; }
  // Node actors still running (a rejoin needs someone to admit it).
  int running_nodes() const { return running_nodes_; }

  // An unnoticed pause (sim/fault_schedule.hpp): `rank` does nothing from `at` to `until`.
  // Overlapping ones merge.
  void add_silence(int rank, double at, double until);
  // From rank's node actor, after it worked or waited since `since`: the work is stretched
  // by every silence that began meanwhile, and a node inside a silence waits for its end
  // (it neither acts nor sends in one; what arrives meanwhile waits in its mailbox).
  void sit_out_silences(int rank, double since);

  const AirTime& air(int rank) const { return air_[rank]; }

 private:
  // The largest message that goes out whole, ahead of what its rank sent after it. Linux
  // lets a TCP socket queue about a millisecond of its pacing rate below it (TCP small
  // queues; tens of KB on these links), so a small message enters the NIC's FIFO whole,
  // while larger messages to several peers interleave there. Measured over tbf-shaped
  // links (`validate --netns`): 16 KB and 65 KB ring activations went out whole (sharing
  // the link fairly made a 4-stage 1f1b ring 22% and 14% slower than measured; queueing
  // them whole, 3%), and 110 KB parameter-server shards shared it (whole: 17% too fast;
  // shared: 6%). 96 KiB lies between; the data pin it no closer.
  static constexpr int64_t kWholeMessageBytes = int64_t(96) << 10;
  // Stack of the sender and notice actors: a put, a catch, nothing of ours deeper (SimGrid's
  // default is 8 MiB, sized for code like the node programs' Eigen kernels).
  static constexpr unsigned kSenderStackKiB = 64;

  struct Envelope {
    int from = 0;
    int64_t bytes = 0;
    Message message;
    // A wake-up instead of a message: the failures logged before it was put may now be
    // reported to the receiver (failures_[0, covers)).
    bool wake = false;
    size_t covers = 0;
    double on_air_at = 0;  // when its put began (the simulated clock is every node's)
  };
  // Messages from one rank to one destination, waiting for their turn on the wire.
  struct Channel {
    int from = 0, to = 0;
    std::deque<Envelope*> queue;  // owned until handed to a sender
    bool busy = false;            // one of its messages is with a sender
    // Large messages only: this channel's sender actor and its hand-off slot.
    simgrid::s4u::SemaphorePtr large_ready;
    Envelope* large = nullptr;
  };
  // One rank's outgoing side: its channels and its egress actor's queue of small messages.
  struct Outbox {
    std::unordered_map<int, std::unique_ptr<Channel>> channels;  // by destination
    std::deque<std::pair<Channel*, Envelope*>> whole;  // small messages, in the order they may leave
    simgrid::s4u::SemaphorePtr whole_ready;            // one token per entry of `whole`
  };
  struct Inbox {
    simgrid::s4u::Mailbox* mailbox = nullptr;
    simgrid::s4u::CommPtr pending;  // the receive in progress, kept across timeouts
    Envelope* landing = nullptr;    // where `pending` puts its envelope
  };
  // Envelopes travel as raw pointers through queues and SimGrid's mailboxes; a run that
  // ends with some undelivered (a host turned off, a node that stopped reading) would leak
  // them, so the network keeps every live one and frees what is left when it goes.
  Envelope* make_envelope(Envelope e);
  void free_envelope(Envelope* env);
  struct EnvelopeFree {
    SimNetwork* net;
    void operator()(Envelope* env) const { net->free_envelope(env); }
  };
  Channel& channel(int from, int to);  // created on first use
  // Gives the channel's next message to the sender it needs (the channel is idle).
  void dispatch(Channel& ch);
  // Puts one envelope into `to`'s mailbox, blocking; the envelope is gone afterwards.
  void put(int to, Envelope* env);
  // `ch`'s message has been put: the channel may send its next.
  void done(Channel& ch);
  void start_egress(int rank);
  // Between two hosts: a co-located server's messages to its worker stay on the device.
  bool crosses_air(int from, int to) const { return hosts_[from] != hosts_[to]; }
  void start_large_sender(Channel& ch);
  // Puts a wake-up into `survivor`'s mailbox from its own host (zero bytes), unless one is
  // on its way already.
  void wake(int survivor);
  // Logs rank's failure and wakes every live survivor (fail at once, host_off at detection).
  void report(int rank, const std::string& reason);
  // A node actor has ended (finished, failed or killed): once none runs, the pending
  // detection timers go, or SimGrid would run the clock on to them.
  void node_ended();

  // Failures, in the order they happened. A survivor learns of them through its mailbox, so
  // that a PeerDown(r) comes after every message r put before failing, but one wake-up at a
  // time covers all failures logged before it was put: a whole cluster timing out at once
  // costs N wake-ups, not one notice per (failed, survivor) pair (N^2 actors and stacks:
  // 17 GB at 10,000 ranks).
  struct Failure {
    int rank = 0;
    std::string reason;
  };
  struct Notices {
    size_t reported = 0;  // failures_[0, reported) were returned as PeerDown
    size_t covered = 0;   // failures_[0, covered) may be returned: a wake-up put after them has arrived
    bool wake_in_flight = false;
  };

  std::vector<simgrid::s4u::Host*> hosts_;
  double delivery_delay_s_;
  int64_t air_message_bytes_;
  std::shared_ptr<AirContention> contention_;
  FailureDetection detection_;
  std::vector<Inbox> inboxes_;
  std::vector<Outbox> outboxes_;
  std::vector<bool> down_;  // cut off: nothing more to or from it
  std::vector<std::vector<std::pair<double, double>>> silences_;  // per rank: [at, until)
  std::vector<AirTime> air_;
  std::vector<Failure> failures_;
  // Detections still to come (host_off), by id, and by rank with their reason; the node
  // actors and how many still run.
  std::map<uint64_t, simgrid::kernel::timer::Timer*> timers_;
  std::map<int, std::pair<uint64_t, std::string>> detections_;
  std::vector<int> incarnation_;  // per rank: host_back count, which names its mailbox
  uint64_t next_timer_ = 0;
  // node_ended's notices to the new incarnations left when only they run.
  void turn_away_joiners();
  struct NodeActor {
    int rank = 0;
    bool rejoining = false;
    bool turned_away = false;  // told the run has ended (once: node_ended)
  };
  std::unordered_map<aid_t, NodeActor> node_actors_;
  int running_nodes_ = 0;
  std::shared_ptr<SimNetwork*> self_ = std::make_shared<SimNetwork*>(this);  // for SimGrid's callbacks
  std::vector<Notices> notices_;
  std::unordered_set<Envelope*> live_envelopes_;
};

}  // namespace ringtmp::sim
