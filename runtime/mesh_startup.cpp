// The start-up rendezvous of a Mesh: listen, dial the lower ranks with bounded retries,
// accept the higher ranks, and tell the node thread when all are in (or why not).
// Connections arriving after start-up go through the same handshake and are dropped: the
// cluster is complete, so a caller is a stranger, a duplicate or a misconfigured node.
#include "runtime/mesh.hpp"

#include <algorithm>

namespace ringtmp {

namespace {

// A connection we accepted must say hello within this: a dialer sends its hello as soon as
// it has connected, so only an idle stranger waits longer (and holds a descriptor).
constexpr double kIncomingHelloSeconds = 2;

// What the node we dial answered: a wrong key, config or rank (or bytes that are not our
// protocol) cannot heal by waiting; during start-up it ends the node. It came from the
// address the peers file gives for that rank.
bool fatal_from_dialed(HandshakeFailure kind) {
  return kind == HandshakeFailure::authentication || kind == HandshakeFailure::config ||
         kind == HandshakeFailure::rank || kind == HandshakeFailure::garbage;
}

// What a caller answered: only a proven key holder (its ready frame verified) can end a
// start-up, with another config or other ranks. A bad tag or garbage can come from anyone
// who reaches the port; the real peer may still call.
bool fatal_from_caller(HandshakeFailure kind) {
  return kind == HandshakeFailure::config || kind == HandshakeFailure::rank;
}

// Why a dial failed, in words that point at the likely cause.
std::string dial_failure(const boost::system::error_code& ec) {
  if (ec == asio::error::connection_refused)
    return "nothing listens there (connection refused: is its node started, on that port?)";
  if (ec == asio::error::host_not_found || ec == asio::error::host_not_found_try_again)
    return fmt::format("its host name does not resolve ({})", ec.message());
  return fmt::format("unreachable ({})", ec.message());
}

// "10.0.0.9:41234" -> "10.0.0.9": rate-limited logs count per address, not per connection.
std::string host_of(const std::string& remote) { return remote.substr(0, remote.rfind(':')); }

}  // namespace

StatusOr<std::unique_ptr<Mesh>> Mesh::listen(int rank, uint16_t port, const ClusterKey& key,
                                             const ConfigDigest& digest, NetOptions options) {
  if (!sodium_ready()) return Status::error("libsodium cannot initialise (no entropy source)");
  boost::system::error_code ec;
  if (options.listen_host.empty()) options.listen_host = "127.0.0.1";
  const auto address = asio::ip::make_address(options.listen_host, ec);
  if (ec) return Status::errorf("listen address '{}' is not an IP address", options.listen_host);
  std::unique_ptr<Mesh> m(new Mesh(rank, key, digest, std::move(options)));
  const tcp::endpoint ep(address, port);
  auto fail = [&](const char* what) {
    return Status::errorf("rank {} cannot listen on {}:{}: {} ({})", rank, address.to_string(), port,
                          ec.message(), what);
  };
  if (m->acceptor_.open(ep.protocol(), ec)) return fail("open");
  // Lets a restarted node reuse its port while old connections linger in TIME_WAIT; on
  // Linux it does not let two live listeners share a port, so "in use" is still caught.
  m->acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (m->acceptor_.bind(ep, ec)) return fail("bind");
  if (m->acceptor_.listen(asio::socket_base::max_listen_connections, ec)) return fail("listen");
  m->port_ = m->acceptor_.local_endpoint(ec).port();
  return m;
}

Status Mesh::adopt_peers(const std::vector<PeerAddress>& peers) {
  const int n = int(peers.size());
  if (rank_ < 0 || rank_ >= n)
    return Status::errorf("rank {} is not in the peers list (ranks 0..{})", rank_, n - 1);
  if (peers[size_t(rank_)].port != port_)
    return Status::errorf("the peers list puts rank {} at {}, but it listens on port {}", rank_,
                          to_string(peers[size_t(rank_)]), port_);
  size_ = n;
  addresses_ = peers;
  peers_.assign(size_t(n), Peer{});
  peers_[size_t(rank_)].state = PeerState::self;
  return {};
}

Status Mesh::connect(const std::vector<PeerAddress>& peers) {
  if (thread_.joinable() || closed_) return Status::errorf("rank {}: connect may be called once", rank_);
  if (Status s = adopt_peers(peers); !s.ok()) return s;
  start_network_thread([this] { start(); });
  Status result;
  {
    std::unique_lock lock(mu_);
    // The network thread enforces the timeout itself; the margin only guards against a bug.
    if (!cv_.wait_for(lock, steady_seconds(opt_.startup_timeout + 10), [&] { return startup_result_.has_value(); }))
      startup_result_ = Status::errorf("rank {}: start-up did not finish", rank_);
    result = *startup_result_;
  }
  if (!result.ok()) close(result);
  return result;
}

void Mesh::start_background() {
  last_tick_ = std::chrono::steady_clock::now();  // not since listen: connect may come much later
  asio::co_spawn(io_, accept_loop(), asio::detached);
  asio::co_spawn(io_, heartbeats(), asio::detached);
  asio::co_spawn(io_, drop_summaries(), asio::detached);
}

void Mesh::start() {
  life_ = fresh_life();
  if (size_ == 1) return finish_startup({});
  for (int r = 0; r < rank_; ++r) asio::co_spawn(io_, dial(r), asio::detached);
  start_background();
  auto timer = std::make_shared<asio::steady_timer>(io_, steady_seconds(opt_.startup_timeout));
  timer->async_wait([this, timer](boost::system::error_code ec) {
    if (ec || !starting_) return;
    finish_startup(Status::errorf("rank {}: start-up timed out after {:g} s (--startup-timeout); {}", rank_,
                                  opt_.startup_timeout, missing_peers()));
  });
}

std::string Mesh::missing_peers() const {
  std::string s;
  for (int r = 0; r < size_; ++r) {
    const Peer& p = peers_[size_t(r)];
    if (p.state == PeerState::up || p.state == PeerState::self) continue;
    // Higher ranks dial lower ones: a missing higher rank is one that never called us.
    const std::string why =
        r < rank_                ? (p.last_error.empty() ? "no answer" : p.last_error)
        : !p.last_error.empty() ? "never connected; " + p.last_error
                                : "never connected (higher ranks call lower ones: is its node started, "
                                  "with this node's address in its peers file?)";
    s += fmt::format("{}peer {} ({}): {}", s.empty() ? "not connected: " : "; ", r,
                     to_string(addresses_[size_t(r)]), why);
  }
  return s;
}

void Mesh::finish_startup(Status result) {
  if (!starting_) return;
  starting_ = false;
  std::lock_guard lock(mu_);
  startup_result_ = std::move(result);
  cv_.notify_all();
}

asio::awaitable<void> Mesh::dial(int peer) {
  const PeerAddress& a = addresses_[size_t(peer)];
  tcp::resolver resolver(io_);
  asio::steady_timer pause(io_);
  double backoff = 0.05;  // refused connections are retried quickly at first, then every 1 s
  // A dial belongs to start-up or to one rejoin: one left over from an earlier rejoin (stuck
  // connecting) must not call again beside the new one.
  const int64_t generation = rejoin_generation_;
  auto calling = [&] {
    return (starting_ || (rejoining_ && generation == rejoin_generation_)) && !closing_ &&
           peers_[size_t(peer)].state == PeerState::waiting;
  };
  while (calling()) {
    tcp::socket socket(io_);
    std::string error;
    try {
      auto endpoints = co_await resolver.async_resolve(a.host, std::to_string(a.port), asio::use_awaitable);
      co_await asio::async_connect(socket, endpoints, asio::use_awaitable);
    } catch (const boost::system::system_error& e) {
      error = dial_failure(e.code());
    }
    if (error.empty()) {
      auto link = std::make_shared<Link>(std::move(socket), rank_, opt_.limits, stats_);
      const HandshakeSide side{rank_, size_, peer, digest_, rejoining_, cut_off_, life_};
      handshaking_.insert(link);
      auto bad = co_await link->handshake(key_, side, opt_.handshake_timeout);
      handshaking_.erase(link);
      if (!calling()) {  // start-up or the rejoin ended meanwhile
        const Peer& p = peers_[size_t(peer)];
        // Its own call came in first, from the life this one reached: a spare (Peer).
        if (!bad && !closing_ && p.state == PeerState::up && p.life == link->peer_life()) add_spare(peer, std::move(link));
        else link->close();
        co_return;
      }
      if (!bad) {
        link_up(peer, std::move(link));
        co_return;
      }
      if (bad->kind == HandshakeFailure::crossed_rejoins) co_return;  // it calls us
      if (fatal_from_dialed(bad->kind)) {
        const auto why = Status::errorf("rank {}: peer {} ({}): {}", rank_, peer, to_string(a), bad->message);
        starting_ ? finish_startup(why) : finish_rejoin(why);
        co_return;
      }
      error = bad->message;
    }
    peers_[size_t(peer)].last_error = error;
    pause.expires_after(steady_seconds(backoff));
    backoff = std::min(backoff * 2, 1.0);
    try {
      co_await pause.async_wait(asio::use_awaitable);
    } catch (const boost::system::system_error&) {
      co_return;
    }
  }
}

asio::awaitable<void> Mesh::accept_loop() {
  asio::steady_timer pause(io_);
  while (!closing_) {
    tcp::socket socket(io_);
    std::string error;
    try {
      co_await acceptor_.async_accept(socket, asio::use_awaitable);
    } catch (const boost::system::system_error& e) {
      if (closing_ || e.code() == asio::error::operation_aborted) co_return;  // closed by us
      error = e.code().message();
    }
    if (!error.empty()) {
      // Out of file descriptors (a flood of strangers) and the like: keep the door, slowly.
      log_dropped("failed accepts", "this node", fmt::format("rank {}: accepting a connection failed: {}", rank_, error));
      pause.expires_after(steady_seconds(0.1));
      co_await pause.async_wait(asio::use_awaitable);
      continue;
    }
    asio::co_spawn(io_, serve_incoming(std::move(socket)), asio::detached);
  }
}

// The newcomer always gets a place: the oldest pending caller that has not said hello goes
// (it has had longest to speak), else the oldest of all. To keep a peer out, a flood would
// have to fill every place between its connect and its hello, a fraction of a round trip.
void Mesh::make_room_for_incoming() {
  if (int(incoming_.size()) < opt_.max_pending_handshakes || incoming_.empty()) return;
  auto victim = std::find_if(incoming_.begin(), incoming_.end(), [](const auto& l) { return !l->said_hello(); });
  if (victim == incoming_.end()) victim = incoming_.begin();
  (*victim)->drop(fmt::format("evicted: {} handshakes pending, a newer caller needed the place",
                              incoming_.size()));
  incoming_.erase(victim);
}

asio::awaitable<void> Mesh::serve_incoming(tcp::socket socket) {
  // A node stopped past detection learns it before it answers: a caller accepted as if by
  // a survivor would be hung up on a moment later, and count this node dead twice.
  cut_off_if_stopped();
  make_room_for_incoming();
  auto link = std::make_shared<Link>(std::move(socket), rank_, opt_.limits, stats_);
  handshaking_.insert(link);
  incoming_.push_back(link);
  asio::steady_timer hello_wait(io_, steady_seconds(kIncomingHelloSeconds));
  if (kIncomingHelloSeconds < opt_.handshake_timeout)  // else the handshake's own deadline comes first
    hello_wait.async_wait([weak = std::weak_ptr<Link>(link)](boost::system::error_code ec) {
      if (auto l = weak.lock(); l && !ec && !l->said_hello())
        l->drop(fmt::format("it said nothing for {:g} s", kIncomingHelloSeconds));
    });
  const HandshakeSide side{rank_, size_, -1, digest_, rejoining_, cut_off_, life_};
  auto bad = co_await link->handshake(key_, side, opt_.handshake_timeout);
  hello_wait.cancel();
  handshaking_.erase(link);
  if (auto it = std::find(incoming_.begin(), incoming_.end(), link); it != incoming_.end()) incoming_.erase(it);
  if (closing_) co_return;
  const int claimed = link->peer_rank();
  const std::string caller =
      claimed >= 0 ? fmt::format("{} (claims rank {})", link->remote(), claimed) : link->remote();
  // We call it; or we are cut off and it calls again once we rejoin.
  if (bad && (bad->kind == HandshakeFailure::crossed_rejoins || bad->kind == HandshakeFailure::not_yet)) co_return;
  if (bad) {
    log_dropped("connections", host_of(link->remote()), fmt::format("rank {}: dropped a connection from {}: {}", rank_, caller, bad->message));
    // During start-up a key holder with another config or ranks is that rank,
    // misconfigured: fail now rather than at the timeout. Anything less proven is noted
    // against the rank it claimed, for the timeout's message, while the real one may come.
    const bool awaited = claimed > rank_ && claimed < size_ &&
                         peers_[size_t(claimed)].state == PeerState::waiting;
    if (starting_ && awaited && fatal_from_caller(bad->kind))
      finish_startup(Status::errorf("rank {}: connection from {}: {}", rank_, caller, bad->message));
    else if (starting_ && awaited)
      peers_[size_t(claimed)].last_error =
          fmt::format("a caller claiming to be it failed: {}", bad->message);
    co_return;
  }
  if (link->peer_rejoining()) {
    if (auto why = refuse_rejoin(claimed); !why.empty()) {
      log_dropped("connections", host_of(link->remote()),
                  fmt::format("rank {}: dropped a connection from {}: {}", rank_, caller, why));
      link->close();
      co_return;
    }
    // The life we hold a connection with, calling too: a spare (Peer).
    const Peer& p = peers_[size_t(claimed)];
    if (p.state == PeerState::up && p.life == link->peer_life()) {
      add_spare(claimed, std::move(link));
      co_return;
    }
    // Its old connection, if we still hold it, is dead: the rank is down before it is back.
    mark_down(claimed, "it called again to rejoin, so its old connection is dead");
    log(fmt::format("rank {}: peer {} is back, asking to rejoin", rank_, claimed));
    link_up(claimed, std::move(link));
    co_return;
  }
  if (!starting_ || peers_[size_t(claimed)].state != PeerState::waiting) {
    log_dropped("connections", host_of(link->remote()), fmt::format("rank {}: dropped a connection from {}: rank {} is already "
                                            "connected or gone", rank_, caller, claimed));
    link->close();
    co_return;
  }
  link_up(claimed, std::move(link));
}

void Mesh::log_dropped(const std::string& kind, const std::string& source, const std::string& line) {
  dropped_log_.log([this](const std::string& l) { log(l); }, kind, source, line, LogLimiter::Clock::now());
}

void Mesh::summarise_drops(bool force) {
  dropped_log_.flush([this](const std::string& l) { log(l); }, LogLimiter::Clock::now(), force);
}

// Summaries of a flood come when its interval ends, even if the flood has stopped.
asio::awaitable<void> Mesh::drop_summaries() {
  asio::steady_timer timer(io_);
  while (!closing_) {
    timer.expires_after(steady_seconds(1));
    co_await timer.async_wait(asio::use_awaitable);
    summarise_drops(false);
  }
}

}  // namespace ringtmp
