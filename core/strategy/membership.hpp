#pragma once
// Membership views: who is still alive, as every node derives it from the PeerDown events
// it has seen, and from the rejoins it admitted. The transport never renumbers ranks
// (core/transport/transport.hpp); this layer above it does not either. A view is a pure
// function of the set of dead ranks and of how many changes (deaths, rejoins) led to it,
// so two nodes that saw the same deaths in different orders hold the same view, and a
// message stamped with its sender's (epoch, digest) can be judged against the receiver's.
// A rejoin is admitted by every survivor at a point its strategy agrees on (a recovery),
// so survivors see the same changes; a joiner adopts the view its admission names.
//
// Node programs ask the view for their ring neighbours (next_live / prev_live) instead of
// computing `rank + 1` or `n - 1`, which is what breaks once a rank is gone.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.hpp"

namespace ringtmp {

struct View {
  int epoch = 0;            // changes seen (deaths, rejoins): it only grows
  std::vector<int> live;    // ascending
  uint64_t digest = 0;      // order-independent digest of the dead set (0 when none died)

  bool operator==(const View&) const = default;
  int live_count() const { return int(live.size()); }
  bool is_live(int rank) const;
  // Index of `rank` among the live ranks (its place in the live ring), -1 when dead.
  int position(int rank) const;
  // "epoch 2, live 0,1,3,5 (6 ranks, dead 2,4)": for logs and error lines.
  std::string describe(int size) const;
};

// The view of a cluster of `size` ranks once `dead` have failed (any order, duplicates
// ignored), with no rejoin: epoch = the number of dead. Every rank in dead must lie in
// [0, size) (a programmer error otherwise).
View view_of(int size, std::span<const int> dead);

// A rejoin's admission carries the view the joiner enters: its dead ranks as text
// ("dead 2,4", "dead none"; the frame carries epoch and digest). parse_admission checks
// every rank lies in [0, size), ascending, and that the digest is the dead set's: a
// garbled admission is refused, never adopted.
std::string admission_text(const View& v, int size);
StatusOr<View> parse_admission(const std::string& text, int size, int epoch, uint64_t digest);

// One rank's contribution to a digest: the digest of a dead set is the sum (mod 2^64) of
// its ranks' tokens, so it does not depend on the order the deaths were learned in. Two
// different sets of the same size share a digest with probability ~2^-64.
uint64_t rank_token(int rank);

// The next live rank after `rank` in ring order (rank + 1, rank + 2, ... wrapping past the
// highest), and the one before it. `rank` itself may be dead: next_live(v, j) of a dead j is
// the node that now receives what j's predecessor used to send to j. With one live rank
// both return it (a ring of one). The view must have a live rank (programmer error otherwise).
int next_live(const View& v, int rank);
int prev_live(const View& v, int rank);

// How a received message, stamped with its sender's (epoch, digest), relates to this
// node's view. Epochs only grow, so:
//   current: the sender's dead set is this node's: deliver.
//   ahead:   the sender has seen more deaths (higher epoch): hold the message and judge it
//            again after each view change; it becomes current, or stale.
//   stale:   drop and count. Either a lower epoch (the sender had not seen a death, or a
//            rejoin, this node has), or the same epoch with another digest (each side saw a death the other has
//            not yet). In both cases the sender's dead set lacks a rank this node knows is dead,
//            so the message can never become current: it was composed in a view in which that
//            rank was still in the ring. (Holding the equal-epoch case until the missing death
//            arrives would end in the same drop.)
enum class Arrival { current, ahead, stale };
Arrival classify(const View& local, int sender_epoch, uint64_t sender_digest);
const char* arrival_name(Arrival a);

// A node's running view: the deaths it has learned, one PeerDown at a time.
class Membership {
 public:
  explicit Membership(int size);
  int size() const { return size_; }
  const View& view() const { return view_; }
  // Records that `rank` failed; false (and no change) when it was already known dead.
  // `rank` in [0, size()) (programmer error otherwise: the transport checks ranks).
  bool mark_dead(int rank);
  // `rank`, dead, is back (a new incarnation, admitted): false (and no change) when it
  // was live. Its earlier deaths stay in deaths().
  bool mark_joined(int rank);
  // A joiner enters the survivors' view (parse_admission) instead of its own.
  void adopt(View v) { view_ = std::move(v); }
  // The dead ranks in the order this node learned of them (differs between nodes).
  const std::vector<int>& deaths() const { return deaths_; }

 private:
  int size_;
  std::vector<int> deaths_;
  View view_;
};

}  // namespace ringtmp
