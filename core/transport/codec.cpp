// The wire codec (contract in codec.hpp). Header (20 bytes): 'R' 'T' | version u8 | kind u8 |
// body length u32 | epoch u32 | view digest u64. Bodies, per kind, all integers little endian:
//   activations, gradients  iteration i64 | microbatch i32 | rows i32 | cols i32 | floats
//   labels                  iteration i64 | microbatch i32 | count u32 | count x i32 (>= 0)
//   token                   iteration i64 | microbatch i32 | loss_sum f64
//   push_gradient, param_shard  iteration i64 | shard i32 | position i32 (>= 0) | floats | loss_sum f64
//   reduce_chunk            iteration i64 | step i32 | chunk i32 | floats | loss_sum f64
//   control                 code u8 (1 stop, 2 error, 3 done, 4 join, 5 admit) | length u32 |
//                           length bytes of text
//   resync                  iteration i64 | part i32 | floats
//   stage_replica           iteration i64 | first_layer i32 (>= 0) | end_layer i32 (>= first) |
//                           what u8 (1 gradient, 2 state) | floats | loss_sum f64
//   shard_replica           iteration i64 | shard i32 (>= 0) | what u8 (1 sum, 2 ack, 3 state,
//                           4 request, 5 copy, 6 clock) | floats | loss_sum f64 |
//                           position i32 (>= 0 for a clock, else -1)
// where "floats" is count u32 | count x binary32; a block's count must equal rows * cols.
// Each decodable body has exactly one encoding, so decode-then-encode gives the same bytes.
#include "core/transport/codec.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>
#include <limits>

namespace ringtmp {

namespace {

static_assert(sizeof(float) == 4 && std::numeric_limits<float>::is_iec559,
              "the wire carries IEEE-754 binary32");
static_assert(std::endian::native == std::endian::little ||
                  std::endian::native == std::endian::big,
              "mixed-endian hosts are not supported");
constexpr bool kLittleHost = std::endian::native == std::endian::little;

constexpr uint8_t kMagic0 = 'R';
constexpr uint8_t kMagic1 = 'T';

// ---- sizes ---------------------------------------------------------------------------------

constexpr size_t kIterField = 8;
constexpr size_t kI32Field = 4;
constexpr size_t kCountField = 4;
constexpr size_t kF64Field = 8;

struct BodySize {
  size_t operator()(const Activations& m) const { return block(m.block); }
  size_t operator()(const Gradients& m) const { return block(m.block); }
  size_t operator()(const Labels& m) const {
    return kIterField + kI32Field + kCountField + 4 * m.labels.size();
  }
  size_t operator()(const Token&) const { return kIterField + kI32Field + kF64Field; }
  size_t operator()(const PushGradient& m) const { return positioned(m.values); }
  size_t operator()(const ParamShard& m) const { return positioned(m.values); }
  size_t operator()(const ReduceChunk& m) const {
    return kIterField + 2 * kI32Field + kCountField + 4 * m.values.size() + kF64Field;
  }
  size_t operator()(const Control& m) const { return 1 + kCountField + m.text.size(); }
  size_t operator()(const Resync& m) const { return keyed(m.state); }
  size_t operator()(const StageReplica& m) const { return keyed(m.values) + kI32Field + 1 + kF64Field; }
  size_t operator()(const ShardReplica& m) const { return keyed(m.values) + 1 + kF64Field + 4; }

  // By shape and count, not by the values held: a timing-only simulation's messages carry
  // none and must cost the same bytes.
  static size_t block(const Block& b) {
    return kIterField + 3 * kI32Field + kCountField + 4 * size_t(b.rows) * size_t(b.cols);
  }
  static size_t keyed(const Floats& v) {
    return kIterField + kI32Field + kCountField + 4 * v.size();
  }
  static size_t positioned(const Floats& v) { return keyed(v) + kI32Field + kF64Field; }
};

// ---- encoding ------------------------------------------------------------------------------

// Appends little-endian fields to a vector whose capacity encode has already reserved.
class Writer {
 public:
  explicit Writer(std::vector<uint8_t>& out) : out_(out) {}

  void u8(uint8_t v) { out_.push_back(v); }
  void u32(uint32_t v) {
    const uint8_t b[4] = {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
    out_.insert(out_.end(), b, b + 4);
  }
  void i32(int32_t v) { u32(uint32_t(v)); }
  void u64(uint64_t v) {
    u32(uint32_t(v));
    u32(uint32_t(v >> 32));
  }
  void i64(int64_t v) { u64(uint64_t(v)); }
  void f64(double v) { u64(std::bit_cast<uint64_t>(v)); }
  void count(size_t n) {
    assert(n <= std::numeric_limits<uint32_t>::max() && "array too long for the wire");
    u32(uint32_t(n));
  }
  // 4-byte little-endian elements (float or int32): one bulk copy on little-endian hosts.
  template <class T>
  void array(const T* p, size_t n) {
    static_assert(sizeof(T) == 4);
    count(n);
    if constexpr (kLittleHost) {
      const auto* bytes = reinterpret_cast<const uint8_t*>(p);
      out_.insert(out_.end(), bytes, bytes + 4 * n);
    } else {
      for (size_t i = 0; i < n; ++i) u32(std::bit_cast<uint32_t>(p[i]));
    }
  }
  void text(const std::string& s) {
    count(s.size());
    out_.insert(out_.end(), s.begin(), s.end());
  }

 private:
  std::vector<uint8_t>& out_;
};

struct BodyWriter {
  Writer& w;
  void operator()(const Activations& m) const { head_block(m.iteration, m.microbatch, m.block); }
  void operator()(const Gradients& m) const { head_block(m.iteration, m.microbatch, m.block); }
  void operator()(const Labels& m) const {
    w.i64(m.iteration);
    w.i32(m.microbatch);
    w.array(m.labels.data(), m.labels.size());
  }
  void operator()(const Token& m) const {
    w.i64(m.iteration);
    w.i32(m.microbatch);
    w.f64(m.loss_sum);
  }
  void operator()(const PushGradient& m) const { positioned(m); }
  void operator()(const ParamShard& m) const { positioned(m); }
  void operator()(const ReduceChunk& m) const {
    w.i64(m.iteration);
    w.i32(m.step);
    w.i32(m.chunk);
    assert(m.values.has_values() && "count-only floats (timing-only) have no wire form");
    w.array(m.values.data(), m.values.size());
    w.f64(m.loss_sum);
  }
  void operator()(const Control& m) const {
    w.u8(uint8_t(m.code));
    w.text(m.text);
  }
  void operator()(const Resync& m) const { keyed(m.iteration, m.part, m.state); }
  void operator()(const StageReplica& m) const {
    assert(m.first_layer >= 0 && m.end_layer >= m.first_layer && "a layer range");
    w.i64(m.iteration);
    w.i32(m.first_layer);
    w.i32(m.end_layer);
    w.u8(uint8_t(m.what));
    assert(m.values.has_values() && "count-only floats (timing-only) have no wire form");
    w.array(m.values.data(), m.values.size());
    w.f64(m.loss_sum);
  }
  void operator()(const ShardReplica& m) const {
    assert(m.shard >= 0 && "a shard index");
    w.i64(m.iteration);
    w.i32(m.shard);
    w.u8(uint8_t(m.what));
    assert(m.values.has_values() && "count-only floats (timing-only) have no wire form");
    w.array(m.values.data(), m.values.size());
    w.f64(m.loss_sum);
    w.i32(m.position);
  }

  void head_block(int64_t iteration, int32_t microbatch, const Block& b) const {
    assert(int64_t(b.rows) * b.cols == int64_t(b.data.size()) && "block shape != data size");
    w.i64(iteration);
    w.i32(microbatch);
    w.i32(b.rows);
    w.i32(b.cols);
    w.array(b.data.data(), b.data.size());
  }
  template <class M>
  void positioned(const M& m) const {
    assert(m.position >= 0 && "a worker position is a rank");
    w.i64(m.iteration);
    w.i32(m.shard);
    w.i32(m.position);
    assert(m.values.has_values() && "count-only floats (timing-only) have no wire form");
    w.array(m.values.data(), m.values.size());
    w.f64(m.loss_sum);
  }
  void keyed(int64_t iteration, int32_t key, const Floats& v) const {
    assert(v.has_values() && "count-only floats (timing-only) have no wire form");
    w.i64(iteration);
    w.i32(key);
    w.array(v.data(), v.size());
  }
};

// ---- decoding ------------------------------------------------------------------------------

uint32_t get_u32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
uint64_t get_u64(const uint8_t* p) { return uint64_t(get_u32(p)) | uint64_t(get_u32(p + 4)) << 32; }

// Reads fields from a body. The first failure sticks: later reads return zeros and do
// nothing, so the per-kind code reads straight through and checks once at the end. No
// count is used to size anything before it has been checked against the bytes left.
class Reader {
 public:
  Reader(std::span<const uint8_t> body, const char* kind) : body_(body), kind_(kind) {}

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  size_t left() const { return body_.size() - pos_; }

  template <class... Args>
  void fail(fmt::format_string<Args...> f, Args&&... args) {
    if (ok()) {
      status_ = Status::error(fmt::format("frame body ({}): {}", kind_,
                                          fmt::format(f, std::forward<Args>(args)...)));
    }
  }

  uint8_t u8(const char* field) {
    if (!need(1, field)) return 0;
    return body_[pos_++];
  }
  uint32_t u32(const char* field) {
    if (!need(4, field)) return 0;
    const uint32_t v = get_u32(body_.data() + pos_);
    pos_ += 4;
    return v;
  }
  int32_t i32(const char* field) { return int32_t(u32(field)); }
  int64_t i64(const char* field) {
    if (!need(8, field)) return 0;
    const uint64_t lo = u32(field);
    const uint64_t hi = u32(field);
    return int64_t(lo | hi << 32);
  }
  double f64(const char* field) { return std::bit_cast<double>(i64(field)); }

  // `count` 4-byte elements into out (float or int32), after checking they are present.
  template <class Vec>
  void array(uint32_t count, const char* what, Vec& out) {
    if (!ok()) return;
    if (count > left() / 4) {
      fail("{} count {} exceeds the {} bytes left", what, count, left());
      return;
    }
    out.resize(count);
    const uint8_t* p = body_.data() + pos_;
    if constexpr (kLittleHost) {
      if (count > 0) std::memcpy(out.data(), p, 4 * size_t(count));
    } else {
      using T = typename Vec::value_type;
      for (size_t i = 0; i < count; ++i) {
        out[i] = std::bit_cast<T>(get_u32(p + 4 * i));
      }
    }
    pos_ += 4 * size_t(count);
  }

  void text(std::string& out) {
    const uint32_t length = u32("text length");
    if (!ok()) return;
    if (length > left()) {
      fail("text length {} exceeds the {} bytes left", length, left());
      return;
    }
    out.assign(reinterpret_cast<const char*>(body_.data() + pos_), length);
    pos_ += length;
  }

  void finish() {
    if (ok() && left() != 0) fail("{} bytes left over after the fields", left());
  }

 private:
  bool need(size_t n, const char* field) {
    if (!ok()) return false;
    if (left() < n) {
      fail("{} needs {} bytes, {} left", field, n, left());
      return false;
    }
    return true;
  }

  std::span<const uint8_t> body_;
  const char* kind_;
  size_t pos_ = 0;
  Status status_;
};

void read_block(Reader& r, Block& b) {
  b.rows = r.i32("rows");
  b.cols = r.i32("cols");
  const uint32_t count = r.u32("float count");
  if (!r.ok()) return;
  if (b.rows < 0 || b.cols < 0) {
    r.fail("negative block shape {}x{}", b.rows, b.cols);
    return;
  }
  if (int64_t(b.rows) * int64_t(b.cols) != int64_t(count)) {
    r.fail("block {}x{} needs {} values but carries {}", b.rows, b.cols,
           int64_t(b.rows) * int64_t(b.cols), count);
    return;
  }
  r.array(count, "float", b.data);
}

void read_floats(Reader& r, Floats& v) {
  FloatBuffer values;
  r.array(r.u32("float count"), "float", values);
  v = Floats(std::move(values));
}

template <class T>
void read_ring_block(Reader& r, T& m) {
  m.iteration = r.i64("iteration");
  m.microbatch = r.i32("microbatch");
  read_block(r, m.block);
}

template <class T>
void read_positioned(Reader& r, T& m) {
  m.iteration = r.i64("iteration");
  m.shard = r.i32("shard");
  m.position = r.i32("position");
  if (r.ok() && m.position < 0) r.fail("position is {}, positions are non-negative", m.position);
  read_floats(r, m.values);
  m.loss_sum = r.f64("loss sum");
}

Payload read_payload(MessageKind kind, Reader& r) {
  switch (kind) {
    case MessageKind::activations: {
      Activations m;
      read_ring_block(r, m);
      return m;
    }
    case MessageKind::gradients: {
      Gradients m;
      read_ring_block(r, m);
      return m;
    }
    case MessageKind::labels: {
      Labels m;
      m.iteration = r.i64("iteration");
      m.microbatch = r.i32("microbatch");
      r.array(r.u32("label count"), "label", m.labels);
      for (size_t i = 0; r.ok() && i < m.labels.size(); ++i) {
        if (m.labels[i] < 0) r.fail("label {} is {}, labels are non-negative", i, m.labels[i]);
      }
      return m;
    }
    case MessageKind::token: {
      Token m;
      m.iteration = r.i64("iteration");
      m.microbatch = r.i32("microbatch");
      m.loss_sum = r.f64("loss sum");
      return m;
    }
    case MessageKind::push_gradient: {
      PushGradient m;
      read_positioned(r, m);
      return m;
    }
    case MessageKind::param_shard: {
      ParamShard m;
      read_positioned(r, m);
      return m;
    }
    case MessageKind::reduce_chunk: {
      ReduceChunk m;
      m.iteration = r.i64("iteration");
      m.step = r.i32("step");
      m.chunk = r.i32("chunk");
      read_floats(r, m.values);
      m.loss_sum = r.f64("loss sum");
      return m;
    }
    case MessageKind::resync: {
      Resync m;
      m.iteration = r.i64("iteration");
      m.part = r.i32("part");
      read_floats(r, m.state);
      return m;
    }
    case MessageKind::stage_replica: {
      StageReplica m;
      m.iteration = r.i64("iteration");
      m.first_layer = r.i32("first layer");
      m.end_layer = r.i32("end layer");
      if (r.ok() && (m.first_layer < 0 || m.end_layer < m.first_layer))
        r.fail("layers {}..{} are not a range of layers", m.first_layer, m.end_layer);
      const uint8_t what = r.u8("replica content");
      if (r.ok() && what != uint8_t(StageReplica::What::gradient) && what != uint8_t(StageReplica::What::state))
        r.fail("unknown replica content {}", what);
      m.what = StageReplica::What(what);
      read_floats(r, m.values);
      m.loss_sum = r.f64("loss sum");
      return m;
    }
    case MessageKind::shard_replica: {
      ShardReplica m;
      m.iteration = r.i64("iteration");
      m.shard = r.i32("shard");
      if (r.ok() && m.shard < 0) r.fail("shard {} is negative", m.shard);
      const uint8_t what = r.u8("replica content");
      if (r.ok() && (what < uint8_t(ShardReplica::What::sum) || what > uint8_t(ShardReplica::What::clock)))
        r.fail("unknown shard replica content {}", what);
      m.what = ShardReplica::What(what);
      read_floats(r, m.values);
      m.loss_sum = r.f64("loss sum");
      m.position = r.i32("position");
      if (r.ok() && (m.what == ShardReplica::What::clock ? m.position < 0 : m.position != -1))
        r.fail("position {} of a shard {}: a clock names a position (>= 0), anything else -1", m.position,
               m.what == ShardReplica::What::clock ? "clock" : "replica");
      if (r.ok() && m.what == ShardReplica::What::clock &&
          (m.iteration < -2 || m.values.size() != 0 || m.loss_sum != 0.0))
        r.fail("shard clock of iteration {} with {} values and loss {}: a clock is -1 (asked), -2 (unknown) or an "
               "iteration, and carries nothing else", m.iteration, m.values.size(), m.loss_sum);
      return m;
    }
    case MessageKind::control: {
      Control m;
      const uint8_t code = r.u8("control code");
      if (r.ok() && (code < uint8_t(Control::Code::stop) || code > uint8_t(Control::Code::admit))) {
        r.fail("unknown control code {}", code);
      }
      m.code = Control::Code(code);
      r.text(m.text);
      return m;
    }
  }
  // decode_body_length has already rejected every other kind.
  r.fail("unknown message kind {}", int(kind));
  return Token{};
}

// ---- the header ----------------------------------------------------------------------------

// The largest epoch a view can have: View::epoch is an int (the number of dead ranks).
constexpr uint32_t kMaxEpoch = uint32_t(std::numeric_limits<int32_t>::max());

struct FrameHeader {
  MessageKind kind;
  size_t body;
  uint32_t epoch;
  uint64_t view_digest;
};

// Checks a header field by field. Magic and version are judged on whatever bytes are
// present, so a frame of another version is named as such even when it is shorter than
// this version's header.
StatusOr<FrameHeader> read_header(std::span<const uint8_t> header, const CodecLimits& limits) {
  if (header.size() >= 2 && (header[0] != kMagic0 || header[1] != kMagic1)) {
    return Status::errorf("frame header: bad magic 0x{:02x} 0x{:02x} (want 'R' 'T')",
                          header[0], header[1]);
  }
  if (header.size() >= 3 && header[2] != kWireVersion) {
    if (header[2] != 0 && header[2] < kWireVersion) {
      return Status::errorf(
          "frame header: wire version {} is an older ringtmp's (this build speaks {}); run "
          "the same release on every node",
          header[2], kWireVersion);
    }
    return Status::errorf("frame header: unknown wire version {} (this build speaks {})",
                          header[2], kWireVersion);
  }
  if (header.size() < kFrameHeaderBytes) {
    return Status::errorf("frame of {} bytes is shorter than the {}-byte header", header.size(),
                          kFrameHeaderBytes);
  }
  if (header[3] == 0 || header[3] > kMessageKinds) {
    return Status::errorf("frame header: unknown message kind {}", header[3]);
  }
  FrameHeader h{MessageKind(header[3]), get_u32(&header[4]), get_u32(&header[8]),
                get_u64(&header[12])};
  if (limits.max_message_bytes < kFrameHeaderBytes ||
      h.body > limits.max_message_bytes - kFrameHeaderBytes) {
    return Status::errorf("frame header: a {}-byte body makes a frame over the limit of {} bytes",
                          h.body, limits.max_message_bytes);
  }
  if (h.epoch > kMaxEpoch) {
    return Status::errorf("frame header: epoch {} is beyond any view (at most {})", h.epoch,
                          kMaxEpoch);
  }
  if (h.epoch == 0 && h.view_digest != 0) {
    return Status::errorf(
        "frame header: epoch 0 (nobody dead) with view digest 0x{:016x}, which must be 0",
        h.view_digest);
  }
  return h;
}

}  // namespace

size_t encoded_size(const Message& m) {
  return kFrameHeaderBytes + std::visit(BodySize{}, m.payload);
}

void encode(const Message& m, std::vector<uint8_t>& out) {
  const size_t body = std::visit(BodySize{}, m.payload);
  assert(body <= std::numeric_limits<uint32_t>::max() && "message too large for the wire");
  // A view a sender can hold (read_header refuses any other): nobody dead has digest 0.
  assert(m.epoch <= kMaxEpoch && (m.epoch != 0 || m.view_digest == 0) && "not a view");
  const size_t need = kFrameHeaderBytes + body;
  // One allocation per frame; keep geometric growth when many frames append to one buffer.
  if (out.capacity() - out.size() < need) {
    out.reserve(std::max(out.size() + need, 2 * out.capacity()));
  }
  Writer w(out);
  w.u8(kMagic0);
  w.u8(kMagic1);
  w.u8(kWireVersion);
  w.u8(uint8_t(m.kind()));
  w.u32(uint32_t(body));
  w.u32(m.epoch);
  w.u64(m.view_digest);
  std::visit(BodyWriter{w}, m.payload);
}

StatusOr<size_t> decode_body_length(std::span<const uint8_t> header, const CodecLimits& limits) {
  StatusOr<FrameHeader> h = read_header(header, limits);
  if (!h.ok()) return h.status();
  return h->body;
}

StatusOr<Message> decode(std::span<const uint8_t> frame, const CodecLimits& limits) {
  StatusOr<FrameHeader> h = read_header(frame, limits);
  if (!h.ok()) return h.status();
  const size_t present = frame.size() - kFrameHeaderBytes;
  if (present != h->body) {
    return Status::errorf("frame header announces a {}-byte body but {} bytes follow it", h->body,
                          present);
  }
  Reader r(frame.subspan(kFrameHeaderBytes), to_string(h->kind));
  Message m{read_payload(h->kind, r), h->epoch, h->view_digest};
  r.finish();
  if (!r.ok()) return r.status();
  return m;
}

}  // namespace ringtmp
