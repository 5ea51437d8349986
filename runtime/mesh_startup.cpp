// The start-up rendezvous of a Mesh: listen, dial the lower ranks with bounded retries,
// accept the higher ranks, and tell the node thread when all are in (or why not).
// Connections arriving after start-up go through the same handshake and are dropped: the
// cluster is complete, so a caller is a stranger, a duplicate or a misconfigured node.
#include "runtime/mesh.hpp"

#include <algorithm>

namespace ringtmp {

namespace {

// A wrong key, config or rank cannot heal by waiting: during start-up it ends the node.
bool fatal(HandshakeFailure kind) {
  return kind == HandshakeFailure::authentication || kind == HandshakeFailure::config ||
         kind == HandshakeFailure::rank || kind == HandshakeFailure::garbage;
}

}  // namespace

StatusOr<std::unique_ptr<Mesh>> Mesh::listen(int rank, uint16_t port, const ClusterKey& key,
                                             const ConfigDigest& digest, NetOptions options) {
  if (!sodium_ready()) return Status::error("libsodium cannot initialise (no entropy source)");
  boost::system::error_code ec;
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

Status Mesh::connect(const std::vector<PeerAddress>& peers) {
  if (thread_.joinable() || closed_) return Status::errorf("rank {}: connect may be called once", rank_);
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
  thread_ = std::thread([this] {
    asio::post(io_, [this] { start(); });
    io_.run();
  });
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

void Mesh::start() {
  if (size_ == 1) return finish_startup({});
  for (int r = 0; r < rank_; ++r) asio::co_spawn(io_, dial(r), asio::detached);
  asio::co_spawn(io_, accept_loop(), asio::detached);
  asio::co_spawn(io_, heartbeats(), asio::detached);
  auto timer = std::make_shared<asio::steady_timer>(io_, steady_seconds(opt_.startup_timeout));
  timer->async_wait([this, timer](boost::system::error_code ec) {
    if (ec || !starting_) return;
    finish_startup(Status::errorf("rank {}: start-up timed out after {:g} s; {}", rank_,
                                  opt_.startup_timeout, missing_peers()));
  });
}

std::string Mesh::missing_peers() const {
  std::string s;
  for (int r = 0; r < size_; ++r) {
    const Peer& p = peers_[size_t(r)];
    if (p.state == PeerState::up || p.state == PeerState::self) continue;
    const std::string why = !p.last_error.empty() ? p.last_error
                            : r > rank_           ? "never called (higher ranks call lower ones)"
                                                  : "no answer";
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
  while (starting_ && peers_[size_t(peer)].state == PeerState::waiting) {
    tcp::socket socket(io_);
    std::string error;
    try {
      auto endpoints = co_await resolver.async_resolve(a.host, std::to_string(a.port), asio::use_awaitable);
      co_await asio::async_connect(socket, endpoints, asio::use_awaitable);
    } catch (const boost::system::system_error& e) {
      error = fmt::format("unreachable ({})", e.code().message());
    }
    if (error.empty()) {
      auto link = std::make_shared<Link>(std::move(socket), rank_, opt_.limits, stats_);
      const HandshakeSide side{rank_, size_, peer, digest_};
      handshaking_.insert(link);
      auto bad = co_await link->handshake(key_, side, opt_.handshake_timeout);
      handshaking_.erase(link);
      if (!starting_) co_return;
      if (!bad) {
        link_up(peer, std::move(link));
        co_return;
      }
      if (fatal(bad->kind)) {
        finish_startup(Status::errorf("rank {}: peer {} ({}): {}", rank_, peer, to_string(a), bad->message));
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
      log(fmt::format("rank {}: accepting a connection failed: {}", rank_, error));
      pause.expires_after(steady_seconds(0.1));
      co_await pause.async_wait(asio::use_awaitable);
      continue;
    }
    if (int(handshaking_.size()) >= opt_.max_pending_handshakes) {
      log(fmt::format("rank {}: dropped a connection: {} handshakes already pending", rank_,
                      handshaking_.size()));
      continue;
    }
    asio::co_spawn(io_, serve_incoming(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> Mesh::serve_incoming(tcp::socket socket) {
  auto link = std::make_shared<Link>(std::move(socket), rank_, opt_.limits, stats_);
  handshaking_.insert(link);
  const HandshakeSide side{rank_, size_, -1, digest_};
  auto bad = co_await link->handshake(key_, side, opt_.handshake_timeout);
  handshaking_.erase(link);
  if (closing_) co_return;
  const int claimed = link->peer_rank();
  const std::string caller =
      claimed >= 0 ? fmt::format("{} (claims rank {})", link->remote(), claimed) : link->remote();
  if (bad) {
    log(fmt::format("rank {}: dropped a connection from {}: {}", rank_, caller, bad->message));
    // During start-up a wrong key/config from a rank we await is that rank, misconfigured:
    // fail now rather than at the timeout. (A stranger can end a start-up this way, but
    // not a running cluster.)
    const bool awaited = claimed > rank_ && claimed < size_ &&
                         peers_[size_t(claimed)].state == PeerState::waiting;
    if (starting_ && awaited && fatal(bad->kind) && bad->kind != HandshakeFailure::garbage)
      finish_startup(Status::errorf("rank {}: connection from {}: {}", rank_, caller, bad->message));
    else if (starting_ && awaited)
      peers_[size_t(claimed)].last_error = bad->message;  // for the timeout's message
    co_return;
  }
  if (peers_[size_t(claimed)].state != PeerState::waiting) {
    log(fmt::format("rank {}: dropped a connection from {}: rank {} is already connected or gone",
                    rank_, caller, claimed));
    link->close();
    co_return;
  }
  link_up(claimed, std::move(link));
}

}  // namespace ringtmp
