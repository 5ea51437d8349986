#include "runtime/link.hpp"

#include <algorithm>
#include <limits>
#include <new>

namespace ringtmp {

namespace {

// Bytes read at a time from a long frame: each chunk counts as hearing from the peer, so a
// frame that takes longer than the silence timeout to arrive does not look like silence.
// Small enough that a connection with a sliver of the air still delivers one within the
// 2.5 s failure timeout: 16 KiB needs 6.5 KB/s (256 KiB needed 105 KB/s, less than what
// each of 32 ps workers pushing through one 802.11n access point gets).
constexpr size_t kReadChunk = size_t(16) << 10;
// The largest read buffer a link keeps between frames (larger ones are freed once decoded).
constexpr size_t kKeptFrameBytes = size_t(1) << 20;

}  // namespace

Link::Link(tcp::socket socket, int self_rank, const CodecLimits& limits, WireStats& stats)
    : socket_(std::move(socket)), self_rank_(self_rank), limits_(limits), stats_(stats) {
  boost::system::error_code ec;
  const auto ep = socket_.remote_endpoint(ec);
  remote_ = ec ? std::string("an unknown address") : fmt::format("{}:{}", ep.address().to_string(), ep.port());
  socket_.set_option(tcp::no_delay(true), ec);  // small frames (tokens) must not wait for Nagle
}

asio::awaitable<void> Link::read_exact(uint8_t* into, size_t n) {
  while (n > 0) {
    const size_t k = std::min(n, kReadChunk);
    co_await asio::async_read(socket_, asio::buffer(into, k), asio::use_awaitable);
    last_heard_ = std::chrono::steady_clock::now();
    into += k;
    n -= k;
  }
}

asio::awaitable<StatusOr<EnvelopeHeader>> Link::read_frame(LinkPhase phase, const MacKey& key) {
  std::array<uint8_t, kEnvelopeHeaderBytes> head;
  co_await read_exact(head.data(), head.size());
  frame_started_ = std::chrono::steady_clock::now();
  auto h = parse_envelope_header(head, phase, limits_);
  if (!h.ok()) co_return h.status();
  // Only now, with the length checked for this type and phase, is anything allocated.
  frame_.resize(kEnvelopeOverhead + h->body_length);
  std::copy(head.begin(), head.end(), frame_.begin());
  co_await read_exact(frame_.data() + kEnvelopeHeaderBytes, h->body_length + kEnvelopeTagBytes);
  if (h->type != FrameType::hello && !verify_frame(frame_, key))
    co_return Status::errorf("authentication failed: {} frame with a bad tag", to_string(h->type));
  if (h->seq != recv_seq_)
    co_return Status::errorf("{} frame numbered {}, expected {} (replayed or lost frames)",
                             to_string(h->type), h->seq, recv_seq_);
  if (peer_rank_ >= 0 && int64_t(h->sender) != peer_rank_)
    co_return Status::errorf("{} frame claims rank {} on rank {}'s connection", to_string(h->type),
                             h->sender, peer_rank_);
  ++recv_seq_;
  co_return *h;
}

asio::awaitable<std::optional<HandshakeError>> Link::handshake(const ClusterKey& key,
                                                               const HandshakeSide& side,
                                                               double timeout_s) {
  auto self = shared_from_this();
  const bool dialer = side.expected_peer >= 0;
  // The deadline closes the socket, which ends whatever read or write is pending. `over`
  // keeps an expiry that races with success (already queued when the timer is cancelled)
  // from closing a link that has just come up.
  auto over = std::make_shared<bool>(false);
  asio::steady_timer deadline(socket_.get_executor());
  deadline.expires_after(steady_seconds(timeout_s));
  deadline.async_wait([self, over, timeout_s](boost::system::error_code ec) {
    if (!ec && !*over) self->drop(fmt::format("handshake timed out after {:g} s", timeout_s));
  });
  auto error = [&](HandshakeFailure kind, std::string message) {
    close();
    return std::optional<HandshakeError>(HandshakeError{kind, std::move(message), peer_rank_});
  };
  MacKey cluster_key;
  std::copy(key.bytes.begin(), key.bytes.end(), cluster_key.begin());
  std::string io_error;
  try {
    std::vector<uint8_t> mine, theirs;
    auto send_hello = [&](int target) {
      seal_frame(FrameType::hello, uint32_t(self_rank_), send_seq_++,
                 encode_hello(make_hello(side.cluster_size, target, side.digest, side.rejoining, side.cut_off, side.life)), cluster_key, mine);
      stats_.control_wire_bytes += int64_t(mine.size());
    };
    // The dialer speaks first; the acceptor answers to the rank the dialer claims, even when
    // the claim's tag is bad, so that both ends learn that the keys differ.
    if (dialer) {
      send_hello(side.expected_peer);
      co_await asio::async_write(socket_, asio::buffer(mine), asio::use_awaitable);
    }
    auto h = co_await read_frame(LinkPhase::handshake, cluster_key);
    if (!h.ok()) co_return error(HandshakeFailure::garbage, h.status().message());
    if (h->type != FrameType::hello)
      co_return error(HandshakeFailure::garbage, fmt::format("{} frame before hello", to_string(h->type)));
    said_hello_ = true;
    peer_rank_ = h->sender > uint32_t(std::numeric_limits<int>::max()) ? -1 : int(h->sender);
    theirs = frame_;
    if (!dialer) {
      send_hello(peer_rank_);
      co_await asio::async_write(socket_, asio::buffer(mine), asio::use_awaitable);
    }
    if (!verify_frame(theirs, cluster_key))
      co_return error(HandshakeFailure::authentication,
                      "authentication failed: its hello is not tagged under our cluster key "
                      "(different key files?)");
    session_ = dialer ? derive_session_key(key, mine, theirs) : derive_session_key(key, theirs, mine);

    std::vector<uint8_t> ready;
    seal_frame(FrameType::ready, uint32_t(self_rank_), send_seq_++, {}, session_, ready);
    stats_.control_wire_bytes += int64_t(ready.size());
    co_await asio::async_write(socket_, asio::buffer(ready), asio::use_awaitable);
    auto r = co_await read_frame(LinkPhase::handshake, session_);
    if (!r.ok()) {
      const bool auth = r.status().message().starts_with("authentication");
      co_return error(auth ? HandshakeFailure::authentication : HandshakeFailure::garbage,
                      auth ? "authentication failed: its ready frame is not tagged under the "
                             "session key (a replayed hello?)"
                           : r.status().message());
    }
    if (r->type != FrameType::ready)
      co_return error(HandshakeFailure::garbage, fmt::format("{} frame instead of ready", to_string(r->type)));
    const auto hello = decode_hello(std::span<const uint8_t, kHelloBodyBytes>(
        theirs.data() + kEnvelopeHeaderBytes, kHelloBodyBytes));
    peer_rejoining_ = hello.flags & kHelloRejoin;
    peer_life_ = hello.life;
    if (auto bad = check_peer_hello(side, peer_rank_, hello, remote_)) {
      close();
      co_return bad;
    }
    *over = true;
    co_return std::nullopt;
  } catch (const boost::system::system_error& e) {
    io_error = !drop_reason_.empty()          ? drop_reason_
               : e.code() == asio::error::eof ? std::string("it hung up during the handshake")
                                              : fmt::format("connection lost during the handshake ({})", e.code().message());
  }
  co_return error(HandshakeFailure::io, io_error);
}

asio::awaitable<std::string> Link::read_frames(FrameHandler on_frame) {
  auto self = shared_from_this();
  std::string why;
  try {
    while (true) {
      auto h = co_await read_frame(LinkPhase::session, session_);
      if (!h.ok()) {
        why = h.status().message();
        break;
      }
      if (Status s = on_frame(h->type, frame_body(frame_)); !s.ok()) {
        why = s.message();
        break;
      }
      // Decoded: a model-sized buffer kept for the next frame would be one more copy of the
      // model per link for the whole run (a server's N workers: N copies), which the memory
      // plan (and maxmodel) does not count. Small frames keep theirs (no allocation each).
      if (frame_.capacity() > kKeptFrameBytes) std::vector<uint8_t>().swap(frame_);
    }
  } catch (const boost::system::system_error& e) {
    why = !write_error_.empty() ? write_error_
          : e.code() == asio::error::eof ? std::string("connection closed (end of stream)")
                                         : fmt::format("connection lost ({})", e.code().message());
  } catch (const std::bad_alloc&) {
    // Under a memory budget (ringtmp node --memory-limit): the frame or its decoded message
    // did not fit. Ending this link says so; escaping would end the coroutine unheard.
    why = "this node ran out of memory receiving a frame from it";
  }
  close();
  co_return why;
}

void Link::send_message(const Message& m) {
  std::vector<uint8_t> frame;
  seal_message(m, uint32_t(self_rank_), send_seq_++, session_, frame);
  const int64_t payload = int64_t(frame.size() - kEnvelopeOverhead);
  enqueue(std::move(frame), true, payload);
}

void Link::send_control(FrameType type, std::string_view text) {
  std::vector<uint8_t> frame;
  text = text.substr(0, kMaxAbortTextBytes);
  seal_frame(type, uint32_t(self_rank_), send_seq_++,
             {reinterpret_cast<const uint8_t*>(text.data()), text.size()}, session_, frame);
  enqueue(std::move(frame), false, 0);
}

void Link::enqueue(std::vector<uint8_t> frame, bool is_data, int64_t payload) {
  if (closed_ || finishing_) return;
  queue_.push_back({std::move(frame), is_data, payload});
  if (!writing_) write_next();
}

void Link::write_next() {
  if (queue_.empty()) {
    writing_ = false;
    if (finishing_ && !closed_) {
      boost::system::error_code ignored;
      socket_.shutdown(tcp::socket::shutdown_send, ignored);
    }
    return;
  }
  writing_ = true;
  asio::async_write(socket_, asio::buffer(queue_.front().bytes),
                    [self = shared_from_this()](boost::system::error_code ec, size_t n) {
                      if (ec) {
                        // The reader reports the failure (it owns the link's end).
                        if (self->write_error_.empty() && ec != asio::error::operation_aborted)
                          self->write_error_ = fmt::format("send failed ({})", ec.message());
                        self->writing_ = false;
                        self->close();
                        return;
                      }
                      const Pending& p = self->queue_.front();
                      if (p.is_data) {
                        self->stats_.data_frames += 1;
                        self->stats_.payload_bytes += p.payload;
                        self->stats_.data_wire_bytes += int64_t(n);
                      } else {
                        self->stats_.control_wire_bytes += int64_t(n);
                      }
                      self->queue_.pop_front();
                      self->write_next();
                    });
}

void Link::finish() {
  if (closed_ || finishing_) return;
  finishing_ = true;
  if (!writing_) write_next();
}

void Link::drop(std::string why) {
  if (closed_) return;
  drop_reason_ = std::move(why);
  close();
}

void Link::close() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  socket_.close(ignored);
}

}  // namespace ringtmp
