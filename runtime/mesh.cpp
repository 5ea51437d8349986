// The steady state of a Mesh: links that are up, frames, heartbeats, failures, closing.
// Start-up (listen, dial, accept, rendezvous) is in mesh_startup.cpp.
#include "runtime/mesh.hpp"

#include <algorithm>
#include <cassert>
#include <cstdio>

namespace ringtmp {

Mesh::Mesh(int rank, const ClusterKey& key, const ConfigDigest& digest, NetOptions options)
    : rank_(rank), key_(key), digest_(digest), opt_(std::move(options)), acceptor_(io_) {}

Mesh::~Mesh() {
  close(Status::error("the node stopped without closing its transport"));
  // After kill() or freeze() the thread is gone; the sockets close here.
  close_sockets();
}

bool Mesh::Peer::holds(const Link* l) const {
  return link.get() == l || std::any_of(spares.begin(), spares.end(), [l](const auto& s) { return s.get() == l; });
}

SteadyTime Mesh::Peer::last_heard() const {
  SteadyTime heard = link->last_heard();
  for (const auto& s : spares) heard = std::max(heard, s->last_heard());
  return heard;
}

std::vector<Link*> Mesh::Peer::links() const {
  std::vector<Link*> all{link.get()};
  for (const auto& s : spares) all.push_back(s.get());
  return all;
}

void Mesh::Peer::close_links() {
  for (Link* l : links()) l->close();
  spares.clear();
}

void Mesh::log(const std::string& line) const {
  if (opt_.log) {
    opt_.log(line);
  } else {
    std::fprintf(stderr, "ringtmp: %s\n", line.c_str());
  }
}

void Mesh::send(int to, Message&& m) {
  assert(to >= 0 && to < size_ && "send to a rank outside the cluster (or before connect)");
  if (to == rank_) {
    inbox_.push(Received{rank_, std::move(m)});
    return;
  }
  asio::post(io_, [this, to, m = std::move(m)] {
    if (cut_off_if_stopped()) return;
    Peer& p = peers_[size_t(to)];
    if (p.state == PeerState::up && !closing_) p.link->send_message(m);
  });
}

Event Mesh::wait(double timeout_s) {
  Event e = inbox_.wait(timeout_s);
  if (cut_off_) {
    std::lock_guard lock(mu_);
    throw CutOffFromCluster(cut_off_reason_, stopped_at_);
  }
  return e;
}

void Mesh::link_up(int peer, std::shared_ptr<Link> link) {
  Peer& p = peers_[size_t(peer)];
  p.state = PeerState::up;
  p.link = link;
  for (const auto& s : p.spares) s->close();  // an earlier life's
  p.spares.clear();
  p.life = link->peer_life();
  p.last_error.clear();
  inbox_.revive(peer);  // a new incarnation after its PeerDown, if it was down
  spawn_reader(peer, std::move(link));
  const bool all_in = std::none_of(peers_.begin(), peers_.end(), [](const Peer& q) { return q.state == PeerState::waiting; });
  if (starting_ && all_in) finish_startup({});
  if (rejoining_ && all_in) finish_rejoin({});
}

void Mesh::add_spare(int peer, std::shared_ptr<Link> link) {
  peers_[size_t(peer)].spares.push_back(link);
  spawn_reader(peer, std::move(link));
}

void Mesh::spawn_reader(int peer, std::shared_ptr<Link> link) {
  ++open_links_;
  asio::co_spawn(io_, run_link(peer, std::move(link)), asio::detached);
}

asio::awaitable<void> Mesh::run_link(int peer, std::shared_ptr<Link> link) {
  const std::string why = co_await link->read_frames(
      [this, peer, from = link.get()](FrameType type, std::span<const uint8_t> body) {
        return on_frame(peer, *from, type, body);
      });
  // The connection is over. Only a peer that had not said bye (or abort) is down, and only
  // through a connection of its current life (an old one replaced by a rejoin says nothing).
  Peer& p = peers_[size_t(peer)];
  if (p.holds(link.get())) {
    std::erase(p.spares, link);
    mark_down(peer, why);
  }
  --open_links_;
  if (closing_ && open_links_ == 0) {
    std::lock_guard lock(mu_);
    drained_ = true;
    cv_.notify_all();
  }
}

Status Mesh::on_frame(int peer, Link& from, FrameType type, std::span<const uint8_t> body) {
  // Frames on a connection a rejoin replaced are from the peer's earlier life: moot.
  const Peer& p = peers_[size_t(peer)];
  const bool current = p.holds(&from) && p.state == PeerState::up;
  switch (type) {
    case FrameType::data: {
      // A bye read on one connection of a life may overtake data sent before it on another.
      const bool delivered = p.holds(&from) && (p.state == PeerState::up || p.state == PeerState::left);
      // Authenticated bytes from a key holder, decoded with the same checks as any input.
      auto m = decode(body, opt_.limits);
      if (!m.ok()) return Status::errorf("undecodable message: {}", m.status().message());
      // Its arrival on the steady clock's own scale; the transport puts it on the node's.
      const double on_air = std::chrono::duration<double>(from.frame_started().time_since_epoch()).count();
      if (delivered && !cut_off_if_stopped()) inbox_.push(Received{peer, std::move(*m), on_air});
      return {};
    }
    case FrameType::heartbeat:
      return {};
    case FrameType::bye:
      // A clean finish: no event, and nothing more is sent to it. Our side ends too, and
      // the link closes when the peer's end of stream arrives.
      if (current) peers_[size_t(peer)].state = PeerState::left;
      from.finish();
      return {};
    case FrameType::abort:
      if (current)
        mark_down(peer, fmt::format("it stopped: {}",
                                    std::string_view(reinterpret_cast<const char*>(body.data()), body.size())));
      return {};
    case FrameType::hello:
    case FrameType::ready:
      break;  // parse_envelope_header refuses these after the handshake
  }
  return Status::errorf("unexpected {} frame", to_string(type));
}

void Mesh::mark_down(int peer, const std::string& reason) {
  Peer& p = peers_[size_t(peer)];
  if (p.state != PeerState::up) return;  // once per peer; a peer that left is not down
  // After a stop past detection every peer hangs up on us: that is our death, not theirs.
  if (cut_off_if_stopped()) return;
  p.state = PeerState::down;
  p.close_links();  // whatever it still sends is moot; the aborting side reads our end of stream
  if (!closing_) log(fmt::format("rank {}: peer {} is down: {}", rank_, peer, reason));
  inbox_.push(PeerDown{peer, reason});
  if (starting_)
    finish_startup(Status::errorf("rank {}: peer {} ({}) went down during start-up: {}", rank_, peer,
                                  to_string(addresses_[size_t(peer)]), reason));
}

// Runs until the network thread stops: while closing, a silent peer must not hold up the
// wait for its end of stream any longer than it would hold up a PeerDown.
// Silence is checked several times per heartbeat: checked once per heartbeat, a death would
// be noticed up to a whole heartbeat after the timeout (3.5 s with the defaults, past the
// 3 heartbeats that recovery may take); this way at most a tenth of one, close to the
// simulator's model of detection (last heartbeat + timeout, sim/sim_network.hpp).
asio::awaitable<void> Mesh::heartbeats() {
  constexpr int kChecksPerHeartbeat = 10;
  asio::steady_timer timer(io_);
  for (int64_t tick = 1;; ++tick) {
    timer.expires_after(steady_seconds(opt_.heartbeat_interval / kChecksPerHeartbeat));
    co_await timer.async_wait(asio::use_awaitable);
    // First our own silence: after a stop (SIGSTOP) every peer looks silent to us.
    const bool cut = cut_off_if_stopped();
    const auto now = std::chrono::steady_clock::now();
    last_tick_ = now;
    if (cut) continue;
    const bool beat = tick % kChecksPerHeartbeat == 0;
    for (int r = 0; r < size_; ++r) {
      Peer& p = peers_[size_t(r)];
      if (p.state != PeerState::up) continue;
      const double silent = std::chrono::duration<double>(now - p.last_heard()).count();
      if (silent > opt_.silence_timeout) {
        mark_down(r, fmt::format("silent for {:.1f} s (heartbeat timeout {:g} s)", silent, opt_.silence_timeout));
      } else if (beat && p.link->send_idle() && !closing_) {
        p.link->send_control(FrameType::heartbeat);
      }
    }
  }
}

void Mesh::begin_close(Status outcome) {
  if (closing_) return;
  closing_ = true;
  summarise_drops(true);
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  for (const auto& link : handshaking_) link->close();
  if (starting_) finish_startup(outcome.ok() ? Status::error("closed during start-up") : outcome);
  for (auto& p : peers_) {
    if (!p.link) continue;
    // On every connection of its life: the peer may read on any one of them first.
    for (Link* l : p.links()) {
      if (p.state == PeerState::up) {
        if (outcome.ok()) {
          l->send_control(FrameType::bye);
        } else {
          l->send_control(FrameType::abort, outcome.message());
        }
      }
      l->finish();
    }
  }
  if (open_links_ == 0) {
    std::lock_guard lock(mu_);
    drained_ = true;
    cv_.notify_all();
  }
}

void Mesh::close(const Status& outcome) {
  if (closed_) return;
  closed_ = true;
  inbox_.close();  // the node is out: nothing more for it, not even its own sends to self
  if (!thread_.joinable()) return;
  asio::post(io_, [this, outcome] { begin_close(outcome); });
  {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, steady_seconds(opt_.close_timeout), [&] { return drained_; });
  }
  stop_thread();
}

void Mesh::stop_thread() {
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

void Mesh::kill() {
  closed_ = true;
  inbox_.close();
  stop_thread();
  close_sockets();
}

void Mesh::close_sockets() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  for (const auto& link : handshaking_) link->close();
  for (auto& p : peers_)
    if (p.link)
      for (Link* l : p.links()) l->close();
}

void Mesh::freeze() {
  closed_ = true;
  inbox_.close();
  stop_thread();
}

void Mesh::stall_network(double seconds) {
  asio::post(io_, [seconds] { std::this_thread::sleep_for(steady_seconds(seconds)); });
}

}  // namespace ringtmp
