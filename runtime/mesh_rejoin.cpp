// A Mesh's part in a rejoin (core/strategy/membership.hpp has the protocol above it).
//
// Cut off: a node learns it was stopped (SIGSTOP, a hung host) from the gap between its own
// heartbeat ticks. Its peers count silence from the last frame they heard, which left up to
// a heartbeat (and a tick) before the stop, so a stop longer than the failure timeout less
// that much may have made them count it dead; the node cannot know which did. It then hangs
// up on all of them: whoever had not noticed sees the connection end, and every peer agrees
// that it is dead. Its program ends (Mesh::wait throws), and it may rejoin as a new life.
//
// Rejoin: the node calls every rank with the rejoin flag in its hello. A survivor lets it in
// whatever its rank (after a PeerDown for its old connection, if it still held one); the
// strategies' Endpoint fences it until admitted.
#include <algorithm>

#include "runtime/mesh.hpp"

namespace ringtmp {

bool Mesh::cut_off_if_stopped() {
  if (cut_off_) return true;
  if (starting_ || rejoining_ || closing_) return false;
  const double gap = std::chrono::duration<double>(std::chrono::steady_clock::now() - last_tick_).count();
  const double ticks_behind = opt_.heartbeat_interval * 1.1;  // a heartbeat, and one check of ten
  if (gap <= opt_.silence_timeout - ticks_behind) return false;
  cut_off(gap);
  return true;
}

void Mesh::cut_off(double stopped_for) {
  const std::string why = fmt::format(
      "rank {} was stopped for {:.1f} s, past its peers' failure detection (failure timeout {:g} s less a "
      "heartbeat): {}",
      rank_, stopped_for, opt_.silence_timeout,
      stopped_for > opt_.silence_timeout ? "they count it dead" : "some may count it dead");
  log(why + "; it hangs up on them");
  {
    std::lock_guard lock(mu_);
    cut_off_reason_ = why;
    stopped_at_ = last_tick_;
  }
  cut_off_ = true;
  for (auto& p : peers_) {
    if (p.state != PeerState::up) continue;
    p.state = PeerState::down;  // no PeerDown: the node's program ends instead
    p.close_links();
  }
  // A handshake begun as a survivor would end in a verdict this node no longer holds to.
  for (const auto& link : handshaking_) link->close();
  inbox_.interrupt();
}

Status Mesh::rejoin(const std::vector<PeerAddress>& peers) {
  if (closed_) return Status::errorf("rank {}: rejoin after close", rank_);
  if (!thread_.joinable()) {
    // A process started again for its rank: its first life was another process's.
    if (Status s = adopt_peers(peers); !s.ok()) return s;
    if (size_ == 1) return Status::errorf("rank {}: a cluster of one has nobody to rejoin", rank_);
    starting_ = false;
    start_network_thread([this] {
      start_background();
      start_rejoin();
    });
  } else {
    asio::post(io_, [this] { start_rejoin(); });
  }
  Status result;
  {
    std::unique_lock lock(mu_);
    // The network thread ends the rejoin at its deadline; the margin only guards against a bug.
    const double deadline = opt_.silence_timeout + opt_.handshake_timeout + 10;
    result = cv_.wait_for(lock, steady_seconds(deadline), [&] { return rejoin_result_.has_value(); })
                 ? *std::exchange(rejoin_result_, std::nullopt)
                 : Status::errorf("rank {}: rejoining did not finish", rank_);
  }
  // As a failed connect: whoever had let it in hears why (the transport is no use now).
  if (!result.ok()) close(result);
  return result;
}

void Mesh::start_rejoin() {
  if (closing_) return finish_rejoin(Status::errorf("rank {}: closing", rank_));
  rejoining_ = true;
  ++rejoin_generation_;
  life_ = fresh_life();
  cut_off_ = false;
  last_tick_ = std::chrono::steady_clock::now();
  inbox_.reopen();
  for (int r = 0; r < size_; ++r) {
    Peer& p = peers_[size_t(r)];
    // A peer that said bye has finished the run: nobody to call there.
    if (p.state == PeerState::self || p.state == PeerState::left) continue;
    if (p.state == PeerState::up) p.close_links();  // a rejoin after a death it did not see
    p.state = PeerState::waiting;
    p.last_error.clear();
    asio::co_spawn(io_, dial(r), asio::detached);
  }
  // A peer still unreachable by then is dead or gone: a failure timeout to come back from a
  // stop of its own, and a handshake.
  rejoin_deadline_ = std::make_unique<asio::steady_timer>(io_, steady_seconds(opt_.silence_timeout + opt_.handshake_timeout));
  rejoin_deadline_->async_wait([this](boost::system::error_code ec) {
    if (!ec) finish_rejoin({});
  });
}

void Mesh::finish_rejoin(Status result) {
  if (!rejoining_ && result.ok()) return;
  rejoining_ = false;
  if (rejoin_deadline_) rejoin_deadline_->cancel();
  const bool anyone = std::any_of(peers_.begin(), peers_.end(), [](const Peer& p) { return p.state == PeerState::up; });
  std::string missing;
  for (int r = 0; r < size_; ++r) {
    Peer& p = peers_[size_t(r)];
    if (p.state != PeerState::waiting) continue;
    p.state = PeerState::down;
    const std::string why = fmt::format("it did not answer rank {}'s call to rejoin ({})", rank_,
                                        p.last_error.empty() ? "no answer" : p.last_error);
    missing += fmt::format("{}peer {} ({}): {}", missing.empty() ? "" : "; ", r, to_string(addresses_[size_t(r)]),
                           p.last_error.empty() ? "no answer" : p.last_error);
    inbox_.push(PeerDown{r, why});
  }
  if (result.ok() && !anyone)
    result = Status::errorf("rank {}: no peer answered its call to rejoin (the run has ended, or every peer is "
                            "down): {}", rank_, missing);
  std::lock_guard lock(mu_);
  rejoin_result_ = std::move(result);
  cv_.notify_all();
}

std::string Mesh::refuse_rejoin(int claimed) const {
  if (starting_) return "a rejoin during start-up";
  if (closing_) return "this node is closing";
  if (cut_off_) return "this node is cut off itself, about to rejoin";
  switch (peers_[size_t(claimed)].state) {
    case PeerState::up:
    case PeerState::down:
      return "";
    case PeerState::waiting:  // we are rejoining too, and the handshake chose its call
      return rejoining_ ? "" : fmt::format("rank {} is not expected", claimed);
    case PeerState::left:
      return fmt::format("rank {} finished the run; it has nothing to rejoin", claimed);
    case PeerState::self:
      break;
  }
  return fmt::format("rank {} is this node", claimed);
}

}  // namespace ringtmp
