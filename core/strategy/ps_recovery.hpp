#pragma once
// Who plays which parameter-server role in a membership view: pure functions of the
// config's PsLayout and the view, so every node derives the same roles from the same deaths.
//
// Workers. A dead worker's position (its slice of every minibatch) is played by the live
// worker before it (ps_worker.hpp), so the barrier keeps its N positions and every sample.
//
// Servers. Shard k lives on server rank workers + k (its home). In a view it is served by
// the first live server at or after its home, in the servers' ring order (home, home + 1,
// ..., wrapping), and with `replicas` > 0 chain-replicated on the next live servers after
// that one (Li et al., OSDI'14). So a dead server's shard falls to the server that held its
// replica, which then replicates it onward. When no server is left, the lowest live worker
// is promoted and serves every shard from its own full copy of the model: exact under BSP
// (every worker holds the same parameters after a pull), the last pulled copy under ASP/SSP.
#include <vector>

#include "core/status.hpp"
#include "core/strategy/membership.hpp"
#include "core/strategy/ps.hpp"

namespace ringtmp {

// The live workers, ascending; the live servers, ascending.
std::vector<int> live_workers(const PsLayout& layout, const View& view);
std::vector<int> live_servers(const PsLayout& layout, const View& view);

// The live worker that plays worker position `p` besides its own: the first live one
// before p in the workers' ring (p itself when no other lives).
int position_player(const PsLayout& layout, const View& view, int p);

// Rejoin. A worker back from a death takes its position back from its player, with the
// player's parameters; a server back takes its home shard back from the server that served
// it meanwhile (placement is a function of the view: it is the shard's server again), with
// its parameters and momentum. Admitted only while a server lives: with none, a worker
// promoted to serve would have to hand its shards over mid-run (not built).
bool ps_admits_joins(const PsLayout& layout, const View& view);

// Ok while a worker lives (a server alone cannot train); else one line saying so.
Status ps_survivable(const PsLayout& layout, const View& view);

struct ShardPlacement {
  int server = -1;            // rank serving the shard: a server, or the promoted worker
  std::vector<int> replicas;  // servers keeping its chain replica, in chain order
  bool operator==(const ShardPlacement&) const = default;
};
// Every shard's placement; `replicas` is --server-replicas (0: none), capped by the live
// servers other than the serving one. Requires ps_survivable.
std::vector<ShardPlacement> shard_placement(const PsLayout& layout, const View& view, int replicas);

// Where a shard's serving rank gets the shard's state from after the deaths between two
// views (`settled`: the view whose replicas were complete; its dead ranks are dead in `now`).
//   kept:      the same rank serves it.
//   replica:   its new server held a chain replica: parameters and momentum, exact.
//   reseeded:  no replica survived: parameters from a live worker's full copy
//              (reseed_worker; the promoted worker's own), momentum reset to zero.
enum class ShardSource { kept, replica, reseeded };
std::vector<ShardSource> shard_sources(const PsLayout& layout, const View& settled, const View& now,
                                       int replicas);
const char* shard_source_name(ShardSource s);

// The worker whose parameters reseed a shard that lost every copy: the lowest live worker.
int reseed_worker(const PsLayout& layout, const View& view);

}  // namespace ringtmp
