// The Transport contract (core/transport/transport.hpp), one scenario per promise, each run
// against every backend and failure hook (contract_backends.hpp): in-process, sim with its
// fail hook, sim with the host turned off, TCP killed, TCP closed with an error.
#include <doctest/doctest.h>

#include "tests/transport/contract_backends.hpp"

using namespace ringtmp;
using namespace ringtmp::testing;

namespace {

// Every expectation the scenario's nodes recorded held (a few lines shown when not).
template <class Backend, class Scenario>
void expect_kept(const Scenario& scenario) {
  const auto broken = Backend::run(scenario);
  std::string shown;
  for (size_t i = 0; i < broken.size() && i < 8; ++i) shown += "\n  " + broken[i];
  if (broken.size() > 8) shown += fmt::format("\n  ... and {} more", broken.size() - 8);
  CHECK_MESSAGE(broken.empty(), shown);
}

// rank() and size(): every node knows the cluster's size and its own rank, the ranks are
// distinct, and a message's `from` is the rank of the node that sent it.
struct Identity {
  static constexpr int nodes = 3;
  template <class Node>
  void operator()(Node& n) const {
    const int me = n.rank();
    n.expect(n.t.size() == nodes, fmt::format("size() is {}, not {}", n.t.size(), nodes));
    n.expect(me >= 0 && me < nodes, fmt::format("rank() {} is outside [0, {})", me, nodes));
    for (int to = 0; to < nodes; ++to) n.t.send(to, numbered(me, me));
    std::vector<int> heard(nodes, 0);
    for (int i = 0; i < nodes; ++i) {
      auto r = n.message("one message from every node");
      if (!r) return;
      const int claimed = read_numbered(r->message).sender;
      n.expect(r->from == claimed, fmt::format("rank {}'s message arrived with from == {}", claimed, r->from));
      if (r->from >= 0 && r->from < nodes) ++heard[size_t(r->from)];
    }
    for (int r = 0; r < nodes; ++r) n.expect(heard[size_t(r)] == 1, fmt::format("{} messages from rank {}", heard[size_t(r)], r));
  }
};

// One sender's messages arrive in the order sent, whatever their sizes (a large message does
// not let the small ones behind it overtake).
struct PerSenderOrder {
  static constexpr int nodes = 2, count = 200;
  static constexpr size_t sizes[] = {0, 40000, 1, 3000};  // floats; 160 KB is above the sim's whole-message size
  template <class Node>
  void operator()(Node& n) const {
    if (n.rank() == 1) {
      for (int i = 0; i < count; ++i) n.t.send(0, numbered(i, 1, 0, sizes[i % 4]));
      return;
    }
    for (int i = 0; i < count; ++i) {
      auto r = n.message(fmt::format("message {} of {}", i, count));
      if (!r) return;
      const auto m = read_numbered(r->message);
      n.expect(r->from == 1 && m.seq == i && m.intact && m.floats == sizes[i % 4],
               fmt::format("message {} arrived as seq {} from {} ({} floats, intact: {})", i, m.seq, r->from, m.floats, m.intact));
    }
  }
};

// Many senders interleaved: every node sends to every other, round by round; each receives
// every message once, each sender's in its order.
struct ManySenders {
  static constexpr int nodes = 4, rounds = 50;
  template <class Node>
  void operator()(Node& n) const {
    const int me = n.rank();
    for (int i = 0; i < rounds; ++i)
      for (int to = 0; to < nodes; ++to)
        if (to != me) n.t.send(to, numbered(i, me, 0, size_t(i % 3) * 100));
    std::vector<int64_t> next(nodes, 0);
    for (int k = 0; k < rounds * (nodes - 1); ++k) {
      auto r = n.message(fmt::format("message {} of {}", k, rounds * (nodes - 1)));
      if (!r) return;
      const auto m = read_numbered(r->message);
      const bool peer = r->from >= 0 && r->from < nodes && r->from != me;
      n.expect(peer && m.seq == next[size_t(r->from)] && m.intact,
               fmt::format("from {}: seq {} (intact: {}), expected seq {}", r->from, m.seq, m.intact,
                           peer ? next[size_t(r->from)] : -1));
      if (peer) next[size_t(r->from)] = m.seq + 1;
    }
  }
};

// Sending to oneself: the message comes back through recv with from == rank(), in order
// with one's other sends to self, and independently of what goes to peers.
struct SendToSelf {
  static constexpr int nodes = 2;
  template <class Node>
  void operator()(Node& n) const {
    const int me = n.rank(), peer = 1 - me;
    n.t.send(me, numbered(0, me));
    n.t.send(peer, numbered(0, me, 1));
    n.t.send(me, numbered(1, me));
    n.t.send(me, numbered(2, me));
    int64_t next_own = 0, from_peer = 0;
    for (int k = 0; k < 4; ++k) {
      auto r = n.message("three messages from self and one from the peer");
      if (!r) return;
      const auto m = read_numbered(r->message);
      if (r->from == me) {
        n.expect(m.seq == next_own && m.mark == 0, fmt::format("own message seq {} mark {}, expected seq {}", m.seq, m.mark, next_own));
        next_own = m.seq + 1;
      } else {
        n.expect(r->from == peer && m.mark == 1, fmt::format("a message from {} marked {}", r->from, m.mark));
        ++from_peer;
      }
    }
    n.expect(next_own == 3 && from_peer == 1, fmt::format("{} own messages, {} from the peer", next_own, from_peer));
  }
};

// recv(timeout_s) returns Timeout after timeout_s on the node's clock, no sooner and not
// much later; timeout 0 polls: Timeout at once when nothing is there, the message once
// it has arrived.
struct TimeoutAndPoll {
  static constexpr int nodes = 2;
  template <class Node>
  void operator()(Node& n) const {
    if (n.rank() == 1) {
      if (n.message("the go-ahead")) n.t.send(0, numbered(7, 1));
      return;
    }
    double took = 0, before = n.t.now();
    Event e = n.recv(kQuiet, took);
    n.expect(std::holds_alternative<Timeout>(e), "recv with nothing to receive did not time out");
    n.expect(took >= kQuiet - 1e-9 && took <= kQuiet + n.slack,
             fmt::format("recv({:g}) timed out after {:.9f} s", kQuiet, took));
    n.expect(n.t.now() >= before, "now() went backwards");
    e = n.recv(0, took);
    n.expect(std::holds_alternative<Timeout>(e) && took <= n.slack,
             fmt::format("recv(0) on an empty queue: Timeout {} after {:.9f} s", std::holds_alternative<Timeout>(e), took));
    n.t.send(1, numbered(0, 0));
    bool got = false;
    for (int i = 0; i < 400 && !got; ++i) {
      e = n.recv(0, took);
      n.expect(took <= n.slack, fmt::format("recv(0) waited {:.9f} s", took));
      if (auto* r = std::get_if<Received>(&e)) {
        got = true;
        n.expect(r->from == 1 && read_numbered(r->message).seq == 7, "recv(0) returned another message");
      } else {
        pass_time(n.t, 0.005);
      }
    }
    n.expect(got, "recv(0) never returned the message the peer sent (400 polls, 2 s apart in all)");
  }
};

// Large messages arrive intact, and the messages around them too.
struct LargeMessages {
  static constexpr int nodes = 2;
  static constexpr size_t sizes[] = {size_t(2) << 20, 1, size_t(1) << 20};  // floats: 8 MiB, 4 B, 4 MiB
  template <class Node>
  void operator()(Node& n) const {
    if (n.rank() == 1) {
      for (int i = 0; i < 3; ++i) n.t.send(0, numbered(i, 1, 0, sizes[i]));
      return;
    }
    for (int i = 0; i < 3; ++i) {
      auto r = n.message(fmt::format("large message {}", i));
      if (!r) return;
      const auto m = read_numbered(r->message);
      n.expect(m.seq == i && m.floats == sizes[i] && m.intact,
               fmt::format("message {} arrived as seq {} with {} of {} floats, intact: {}", i, m.seq, m.floats, sizes[i], m.intact));
    }
  }
};

// A message arrives with the membership view its sender stamped on it (epoch and digest
// of the dead set), whether the backend hands over the object or its wire bytes.
struct ViewArrives {
  static constexpr int nodes = 2;
  static Message stamped(int i) {
    static constexpr std::pair<uint32_t, uint64_t> views[] = {{0, 0}, {1, 0x9e3779b97f4a7c15}, {2147483647, ~uint64_t(0)}};
    Message m = numbered(i, 1, 0, size_t(i) * 10);
    m.epoch = views[i].first;
    m.view_digest = views[i].second;
    return m;
  }
  template <class Node>
  void operator()(Node& n) const {
    if (n.rank() == 1) {
      for (int i = 0; i < 3; ++i) n.t.send(0, stamped(i));
      return;
    }
    for (int i = 0; i < 3; ++i) {
      auto r = n.message(fmt::format("stamped message {}", i));
      if (!r) return;
      n.expect(r->message == stamped(i), fmt::format("message {} arrived as {} with digest {:x}", i, describe(r->message),
                                                     r->message.view_digest));
    }
  }
};

// Survivors say hello to the victim, which fails only once it has heard every survivor:
// then every connection is up (TCP's rendezvous is no barrier: a node may be done with it
// while a peer is still connecting, and a failure then is a failed start-up).
template <class Node>
bool all_hellos(Node& n, int survivors) {
  for (int i = 0; i < survivors; ++i)
    if (!n.message("the survivors' hellos")) return false;
  return true;
}
template <class Node>
void hello(Node& n, int victim) {
  n.t.send(victim, numbered(-1, n.rank(), 3));
}

// PeerDown(victim) comes once to each survivor, after a prefix of the victim's messages in
// order; nothing from the victim after it; the survivors still talk to each other. The
// victim fails with messages queued and on the way (10 ms of them on the simulated link).
struct PeerDownOnce {
  static constexpr int nodes = 3, victim = 2, count = 20;
  template <class Node>
  void operator()(Node& n) const {
    if (n.rank() == victim) {
      if (!all_hellos(n, 2)) return;
      for (int i = 0; i < count; ++i)
        for (int to : {0, 1}) n.t.send(to, numbered(i, victim, 0, 4096));
      pass_time(n.t, 0.01);
      n.fail();
      n.fail();  // the same failure again: still one PeerDown
      return;
    }
    // Each survivor greets the other once it has seen PeerDown(victim); the greeting may
    // overtake the receiver's own PeerDown (no order between senders).
    hello(n, victim);
    const int other = 1 - n.rank();
    int64_t next = 0;
    bool down = false, greeted = false;
    while (true) {
      Event e = n.t.recv(down && greeted ? kQuiet : kPatience);
      if (std::holds_alternative<Timeout>(e)) break;
      if (auto* d = std::get_if<PeerDown>(&e)) {
        n.expect(d->rank == victim && !down, fmt::format("PeerDown({}){}", d->rank, down && d->rank == victim ? " again" : ""));
        if (d->rank == victim && !down) n.t.send(other, numbered(1000, n.rank()));
        down = down || d->rank == victim;
        continue;
      }
      const auto& r = std::get<Received>(e);
      const auto m = read_numbered(r.message);
      if (r.from == other && m.seq == 1000 && !greeted) {
        greeted = true;
      } else {
        n.expect(r.from == victim && !down && m.seq == next && m.intact,
                 fmt::format("seq {} from {} (intact: {}) {} PeerDown({}); expected seq {} from {} before it", m.seq,
                             r.from, m.intact, down ? "after" : "before", victim, next, victim));
        next = m.seq + 1;
      }
    }
    n.expect(down, fmt::format("no PeerDown({}) within {:g} s", victim, kPatience));
    n.expect(greeted, "the other survivor's greeting never came");
    n.expect(n.t.size() == nodes, "size() changed after a failure");
  }
};

// Sends to a failed peer return at once, raise nothing, bring nothing back, and leave the
// rest of the cluster working.
struct SendToFailedPeer {
  static constexpr int nodes = 3, victim = 2;
  template <class Node>
  void operator()(Node& n) const {
    if (n.rank() == victim) {
      if (all_hellos(n, 2)) n.fail();
      return;
    }
    hello(n, victim);
    const int other = 1 - n.rank();
    bool down = false, greeted = false;  // as in PeerDownOnce
    while (true) {
      Event e = n.t.recv(down && greeted ? kQuiet : kPatience);
      if (std::holds_alternative<Timeout>(e)) break;
      if (auto* r = std::get_if<Received>(&e)) {
        n.expect(r->from == other && !greeted, fmt::format("a message from {}", r->from));
        greeted = true;
        continue;
      }
      const int rank = std::get<PeerDown>(e).rank;
      n.expect(rank == victim && !down, fmt::format("PeerDown({}){}", rank, down && rank == victim ? " again" : ""));
      if (rank != victim || down) continue;
      down = true;
      const double start = n.t.now();
      for (int i = 0; i < 100; ++i) n.t.send(victim, numbered(i, n.rank(), 0, 256));
      const double took = n.t.now() - start;
      n.expect(took <= n.slack, fmt::format("100 sends to a failed peer took {:.9f} s", took));
      n.t.send(other, numbered(1, n.rank()));
    }
    n.expect(down && greeted, fmt::format("PeerDown: {}, greeting: {} within {:g} s", down, greeted, kPatience));
  }
};

// After its own failure a node reaches no one, itself included, and hears nothing: not what
// was already on its way to it, nor anything later; recv only times out, on time.
struct OwnFailure {
  static constexpr int nodes = 2, victim = 1, early = 5;
  template <class Node>
  void operator()(Node& n) const {
    if (n.rank() == victim) {
      if (!n.message("the survivor's first message")) return;
      pass_time(n.t, 0.05);  // the survivor's other messages land here meanwhile
      n.fail();
      n.t.send(0, numbered(1, victim, 1));
      n.t.send(victim, numbered(2, victim, 1));
      double took = 0;
      Event e = n.recv(kQuiet, took);
      n.expect(std::holds_alternative<Timeout>(e), fmt::format("recv after failing returned event #{}", e.index()));
      n.expect(took >= kQuiet - 1e-9 && took <= kQuiet + n.slack, fmt::format("recv({:g}) after failing took {:.9f} s", kQuiet, took));
      e = n.recv(0, took);
      n.expect(std::holds_alternative<Timeout>(e), "recv(0) after failing returned an event");
      return;
    }
    for (int i = 0; i < early; ++i) n.t.send(victim, numbered(i, 0));
    bool down = false;
    while (true) {
      Event e = n.t.recv(down ? kQuiet : kPatience);
      if (std::holds_alternative<Timeout>(e)) break;
      if (auto* r = std::get_if<Received>(&e)) {
        n.expect(false, fmt::format("a message from {} marked {}", r->from, read_numbered(r->message).mark));
      } else {
        const int rank = std::get<PeerDown>(e).rank;
        n.expect(rank == victim && !down, fmt::format("PeerDown({}){}", rank, down && rank == victim ? " again" : ""));
        down = true;
      }
    }
    n.expect(down, fmt::format("no PeerDown({}) within {:g} s", victim, kPatience));
  }
};

}  // namespace

#define CONTRACT_BACKENDS InProcBackend, SimFailHook, SimHostOff, TcpKill, TcpAbort

TEST_CASE_TEMPLATE("contract: rank() and size() say who is who", B, CONTRACT_BACKENDS) { expect_kept<B>(Identity{}); }

TEST_CASE_TEMPLATE("contract: one sender's messages arrive in the order sent, whatever their sizes", B, CONTRACT_BACKENDS) {
  expect_kept<B>(PerSenderOrder{});
}

TEST_CASE_TEMPLATE("contract: many senders interleaved lose nothing and keep each sender's order", B, CONTRACT_BACKENDS) {
  expect_kept<B>(ManySenders{});
}

TEST_CASE_TEMPLATE("contract: a node may send to itself", B, CONTRACT_BACKENDS) { expect_kept<B>(SendToSelf{}); }

TEST_CASE_TEMPLATE("contract: recv times out after timeout_s on the node's clock; 0 polls", B, CONTRACT_BACKENDS) {
  expect_kept<B>(TimeoutAndPoll{});
}

TEST_CASE_TEMPLATE("contract: large messages arrive intact", B, CONTRACT_BACKENDS) { expect_kept<B>(LargeMessages{}); }

TEST_CASE_TEMPLATE("contract: a message keeps its sender's epoch and view digest", B, CONTRACT_BACKENDS) {
  expect_kept<B>(ViewArrives{});
}

TEST_CASE_TEMPLATE("contract: PeerDown comes once, after a prefix of the peer's messages, and nothing after it", B, CONTRACT_BACKENDS) {
  expect_kept<B>(PeerDownOnce{});
}

TEST_CASE_TEMPLATE("contract: sends to a failed peer are dropped without error", B, CONTRACT_BACKENDS) {
  expect_kept<B>(SendToFailedPeer{});
}

TEST_CASE_TEMPLATE("contract: after its own failure a node reaches no one and hears nothing", B, CONTRACT_BACKENDS) {
  expect_kept<B>(OwnFailure{});
}
