// The event queue of the thread-based backends keeps the contract's order by itself: nothing
// from a peer after its PeerDown, one PeerDown per peer, nothing once closed, and a wait
// that lasts its timeout (rounded up, never short).
#include "core/transport/event_queue.hpp"

#include <chrono>

#include <doctest/doctest.h>

using namespace ringtmp;

namespace {

Message token(int64_t it) { return Message{Token{.iteration = it, .microbatch = 0}}; }

}  // namespace

TEST_CASE("event queue: after PeerDown(r) nothing more from r, and no second PeerDown(r)") {
  EventQueue q;
  q.push(Received{2, token(1)});
  q.push(PeerDown{2, "gone"});
  q.push(Received{2, token(2)});  // late: a racing sender
  q.push(PeerDown{2, "gone again"});
  q.push(Received{1, token(3)});  // another peer is unaffected
  CHECK(std::get<Received>(q.wait(0)).from == 2);
  CHECK(std::get<PeerDown>(q.wait(0)).reason == "gone");
  CHECK(std::get<Received>(q.wait(0)).from == 1);
  CHECK(std::holds_alternative<Timeout>(q.wait(0)));
}

TEST_CASE("event queue: closed, it drops what it held and what comes, and only times out") {
  EventQueue q;
  q.push(Received{1, token(1)});
  q.close();
  q.push(Received{1, token(2)});
  q.push(PeerDown{1, "gone"});
  const auto start = std::chrono::steady_clock::now();
  CHECK(std::holds_alternative<Timeout>(q.wait(0.05)));
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(50));
}
