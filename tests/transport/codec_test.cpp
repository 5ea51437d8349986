// The wire codec: round trips of every kind with and without a membership view, exact sizes,
// and decode's refusal of every kind of bad frame (truncated, trailing, oversized, lying
// counts, invalid fields, impossible views, older versions), then seeded
// random garbage and mutations: each input either decodes to a message that re-encodes to
// the same bytes, or is rejected with a Status. Never a crash.
#include "core/transport/codec.hpp"

#include <bit>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "tests/transport/sample_messages.hpp"

using namespace ringtmp;
using ringtmp::testing::block;
using ringtmp::testing::sample_messages;

namespace {

using Bytes = std::vector<uint8_t>;

Bytes encoded(const Message& m) {
  Bytes out;
  encode(m, out);
  return out;
}

// Hand-built frames, to say things encode never would.
void put_u32(Bytes& b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(uint8_t(v >> (8 * i)));
}
void put_u64(Bytes& b, uint64_t v) {
  put_u32(b, uint32_t(v));
  put_u32(b, uint32_t(v >> 32));
}
void put_i64(Bytes& b, int64_t v) { put_u64(b, uint64_t(v)); }
void put_f32(Bytes& b, float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  put_u32(b, u);
}
Bytes frame(MessageKind kind, const Bytes& body, uint32_t epoch = 0, uint64_t view_digest = 0) {
  Bytes f = {'R', 'T', kWireVersion, uint8_t(kind)};
  put_u32(f, uint32_t(body.size()));
  put_u32(f, epoch);
  put_u64(f, view_digest);
  f.insert(f.end(), body.begin(), body.end());
  return f;
}
// A frame as wire version 1 wrote it: an 8-byte header without the view.
Bytes frame_v1(MessageKind kind, const Bytes& body) {
  Bytes f = {'R', 'T', 1, uint8_t(kind)};
  put_u32(f, uint32_t(body.size()));
  f.insert(f.end(), body.begin(), body.end());
  return f;
}

std::string error_of(const Bytes& f, const CodecLimits& limits = {}) {
  StatusOr<Message> m = decode(f, limits);
  REQUIRE_MESSAGE(!m.ok(), "decoded what should be rejected: " << describe(*m));
  return m.status().message();
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// The property every input must satisfy: rejected, or decoded to the same bytes.
void check_decode_is_canonical(const Bytes& f, const CodecLimits& limits) {
  StatusOr<Message> m = decode(f, limits);
  if (!m.ok()) {
    CHECK(!m.status().message().empty());
    return;
  }
  const Bytes again = encoded(*m);
  CHECK(again == f);
  CHECK(encoded_size(*m) == f.size());
}

}  // namespace

TEST_CASE("every kind round-trips with encoded_size exact and the header's body length") {
  std::vector<Message> msgs = sample_messages();
  msgs.push_back(Message{Activations{1, 0, block(512, 1024)}, 5, 77});  // 2 MiB of floats
  int kinds_seen = 0, kinds_seen_in_a_view = 0;
  for (const Message& m : msgs) {
    CAPTURE(describe(m));
    const Bytes f = encoded(m);
    CHECK(f.size() == encoded_size(m));
    CHECK(f[0] == 'R');
    CHECK(f[1] == 'T');
    CHECK(f[2] == kWireVersion);
    CHECK(f[3] == uint8_t(m.kind()));
    StatusOr<size_t> body = decode_body_length(std::span(f).first(kFrameHeaderBytes), {});
    REQUIRE(body.ok());
    CHECK(*body == f.size() - kFrameHeaderBytes);
    StatusOr<Message> back = decode(f);
    REQUIRE_MESSAGE(back.ok(), back.status().message());
    CHECK(*back == m);
    CHECK(back->epoch == m.epoch);
    CHECK(back->view_digest == m.view_digest);
    kinds_seen |= 1 << (int(m.kind()) - 1);
    if (m.epoch != 0 && m.view_digest != 0) kinds_seen_in_a_view |= 1 << (int(m.kind()) - 1);
  }
  CHECK(kinds_seen == (1 << kMessageKinds) - 1);
  CHECK(kinds_seen_in_a_view == (1 << kMessageKinds) - 1);
}

TEST_CASE("the header carries the body length, then the sender's epoch and view digest") {
  // 20 bytes: 8 as in version 1 (magic, version, kind, body length) and the 12 of the view.
  CHECK(kFrameHeaderBytes == 8 + 4 + 8);
  Bytes body;
  put_i64(body, 6);
  put_u32(body, 2);  // microbatch
  put_u64(body, 0);  // loss sum 0.0
  const Bytes f = encoded(Message{Token{6, 2}, 3, 0x0123456789abcdefu});
  CHECK(f == frame(MessageKind::token, body, 3, 0x0123456789abcdefu));
  CHECK(f.size() == kFrameHeaderBytes + 20);
  CHECK(f == Bytes{'R', 'T', 6, 4, 20, 0, 0, 0, 3, 0, 0, 0, 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45,
                   0x23, 0x01, 6, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  // The view does not change what a message costs: every frame is 12 bytes over version 1's.
  CHECK(encoded_size(Message{Token{6, 2}}) == encoded_size(Message{Token{6, 2}, 3, 1}));
  CHECK(encoded_size(Message{Token{6, 2}}) == frame_v1(MessageKind::token, body).size() + 12);
}

TEST_CASE("a frame of wire version 1 (no view in its header) is refused, naming both versions") {
  const std::string older = "frame header: wire version 1 is an older ringtmp's (this build speaks 6)";
  for (const Message& m : sample_messages()) {
    if (m.epoch != 0) continue;  // version 1 could not say anything else
    CAPTURE(describe(m));
    Bytes v1 = encoded(m);
    v1.erase(v1.begin() + 8, v1.begin() + kFrameHeaderBytes);  // drop the view
    v1[2] = 1;
    CHECK(v1.size() == encoded_size(m) - 12);
    CHECK(contains(error_of(v1), older));
    CHECK(contains(decode_body_length(v1, {}).status().message(), older));
  }
  // However short: a 13-byte version-1 control frame is named by its version, not its length.
  Bytes stop;
  stop.push_back(uint8_t(Control::Code::stop));
  put_u32(stop, 0);
  const Bytes f = frame_v1(MessageKind::control, stop);
  REQUIRE(f.size() < kFrameHeaderBytes);
  CHECK(contains(error_of(f), older));
}

TEST_CASE("a header whose view no sender can hold is refused") {
  Bytes body;
  put_i64(body, 1);
  put_u32(body, 0);  // microbatch
  put_u64(body, 0);  // loss sum
  CHECK(decode(frame(MessageKind::token, body, 0, 0)).ok());
  CHECK(decode(frame(MessageKind::token, body, 3, 0)).ok());  // tokens may sum to 0 mod 2^64
  CHECK(decode(frame(MessageKind::token, body, 2147483647, 5)).ok());
  CHECK(error_of(frame(MessageKind::token, body, 0, 1)) ==
        "frame header: epoch 0 (nobody dead) with view digest 0x0000000000000001, which must be 0");
  CHECK(error_of(frame(MessageKind::token, body, 2147483648u, 5)) ==
        "frame header: epoch 2147483648 is beyond any view (at most 2147483647)");
  CHECK(!decode_body_length(frame(MessageKind::token, body, 0xFFFFFFFFu, 0), {}).ok());
}

TEST_CASE("encode appends after what the buffer already holds") {
  const std::vector<Message> msgs = sample_messages();
  Bytes all = {0xAA};
  for (const Message& m : msgs) encode(m, all);
  size_t at = 1;
  for (const Message& m : msgs) {
    const size_t n = encoded_size(m);
    REQUIRE(at + n <= all.size());
    StatusOr<Message> back = decode(std::span(all).subspan(at, n));
    REQUIRE(back.ok());
    CHECK(*back == m);
    at += n;
  }
  CHECK(at == all.size());
  CHECK(all[0] == 0xAA);
}

TEST_CASE("the body layout is the documented one") {
  Bytes body;
  put_i64(body, 4);
  put_u32(body, 1);  // shard
  put_u32(body, 6);  // position
  put_u32(body, 2);  // count
  put_f32(body, 1.5f);
  put_f32(body, -2.0f);
  put_u64(body, std::bit_cast<uint64_t>(12.5));  // loss sum
  CHECK(encoded(Message{PushGradient{4, 1, {1.5f, -2.0f}, 6, 12.5}}) ==
        frame(MessageKind::push_gradient, body));
  Bytes shard;
  put_i64(shard, 4);
  put_u32(shard, 1);  // shard
  put_u32(shard, 2);  // position
  put_u32(shard, 1);  // count
  put_f32(shard, 0.25f);
  put_u64(shard, std::bit_cast<uint64_t>(-3.0));  // loss sum
  CHECK(encoded(Message{ParamShard{4, 1, {0.25f}, -3.0, 2}}) == frame(MessageKind::param_shard, shard));
}

TEST_CASE("a frame of wire version 2 to 5 (before shard clocks) is refused, naming both versions") {
  Bytes f = encoded(Message{PushGradient{4, 1, {1.5f}, 2, 1.0}});
  for (uint8_t old : {2, 3, 4, 5}) {
    f[2] = old;
    CHECK(contains(error_of(f), fmt::format("frame header: wire version {} is an older ringtmp's (this build speaks 6)",
                                            old)));
  }
}

TEST_CASE("a stage replica's body is laid out as documented; a bad layer range or content is refused") {
  Bytes body;
  put_i64(body, 7);
  put_u32(body, 2);  // first layer
  put_u32(body, 5);  // end layer
  body.push_back(1);  // gradient
  put_u32(body, 1);  // count
  put_f32(body, 0.5f);
  put_u64(body, std::bit_cast<uint64_t>(12.25));  // loss sum
  CHECK(encoded(Message{StageReplica{7, 2, 5, StageReplica::What::gradient, {0.5f}, 12.25}}) ==
        frame(MessageKind::stage_replica, body));
  Bytes reversed = body;
  reversed[8] = 6;  // first layer 6 > end layer 5
  CHECK(contains(error_of(frame(MessageKind::stage_replica, reversed)), "layers 6..5 are not a range of layers"));
  Bytes negative = body;
  negative[11] = 0x80;  // first layer < 0
  CHECK(contains(error_of(frame(MessageKind::stage_replica, negative)), "not a range of layers"));
  Bytes unknown = body;
  unknown[16] = 3;
  CHECK(contains(error_of(frame(MessageKind::stage_replica, unknown)), "unknown replica content 3"));
}

TEST_CASE("a shard replica has its documented layout; a negative shard or an unknown content is refused") {
  Bytes body;
  put_i64(body, 8);
  put_u32(body, 1);   // shard
  body.push_back(1);  // sum
  put_u32(body, 1);   // count
  put_f32(body, -0.25f);
  put_u64(body, std::bit_cast<uint64_t>(99.5));  // loss sum
  put_u32(body, 0xffffffffu);                     // position: none
  CHECK(encoded(Message{ShardReplica{8, 1, ShardReplica::What::sum, {-0.25f}, 99.5}}) ==
        frame(MessageKind::shard_replica, body));
  Bytes negative = body;
  negative[11] = 0x80;  // shard < 0
  CHECK(contains(error_of(frame(MessageKind::shard_replica, negative)), "shard -2147483647 is negative"));
  for (uint8_t what : {uint8_t(0), uint8_t(7)}) {
    Bytes unknown = body;
    unknown[12] = what;
    CHECK(contains(error_of(frame(MessageKind::shard_replica, unknown)),
                   fmt::format("unknown shard replica content {}", what)));
  }
  // A clock names a worker position; nothing else does.
  Bytes positioned = body;
  positioned[body.size() - 4] = 2;
  CHECK(contains(error_of(frame(MessageKind::shard_replica, positioned)),
                 "position -254 of a shard replica: a clock names a position (>= 0), anything else -1"));
  Bytes clock;
  put_i64(clock, -1);
  put_u32(clock, 0);  // shard
  clock.push_back(6);
  put_u32(clock, 0);  // no values
  put_u64(clock, std::bit_cast<uint64_t>(0.0));
  put_u32(clock, 3);  // position
  CHECK(encoded(Message{ShardReplica{-1, 0, ShardReplica::What::clock, {}, 0, 3}}) == frame(MessageKind::shard_replica, clock));
  Bytes below = clock;
  below[0] = 0xfd;  // iteration -3
  CHECK(contains(error_of(frame(MessageKind::shard_replica, below)),
                 "shard clock of iteration -3 with 0 values and loss 0: a clock is -1 (asked), -2 (unknown) or an "
                 "iteration, and carries nothing else"));
  Bytes lossy = clock;
  lossy[lossy.size() - 5] = 0x3f;  // loss sum 2^-... (not 0)
  CHECK(contains(error_of(frame(MessageKind::shard_replica, lossy)), "a clock is -1 (asked)"));
  clock[clock.size() - 1] = 0xff;  // position < 0
  CHECK(contains(error_of(frame(MessageKind::shard_replica, clock)), "of a shard clock: a clock names a position"));
}

TEST_CASE("a push or parameter shard of a negative worker position is refused") {
  Bytes body;
  put_i64(body, 4);
  put_u32(body, 1);            // shard
  put_u32(body, 0xFFFFFFFFu);  // position -1
  put_u32(body, 0);            // count
  put_u64(body, 0);            // loss sum
  for (auto kind : {MessageKind::push_gradient, MessageKind::param_shard})
    CHECK(contains(error_of(frame(kind, body)), "position is -1, positions are non-negative"));
}

TEST_CASE("every prefix of every valid frame is rejected") {
  for (const Message& m : sample_messages()) {
    CAPTURE(describe(m));
    const Bytes f = encoded(m);
    for (size_t n = 0; n < f.size(); ++n) {
      CAPTURE(n);
      CHECK(!decode(std::span(f).first(n)).ok());
    }
    // A header alone is enough for decode_body_length, fewer bytes are not.
    CHECK(decode_body_length(std::span(f).first(kFrameHeaderBytes), {}).ok());
    CHECK(!decode_body_length(std::span(f).first(kFrameHeaderBytes - 1), {}).ok());
  }
  CHECK(contains(error_of(Bytes{'R', 'T', kWireVersion}), "shorter than the 20-byte header"));
  CHECK(contains(error_of(Bytes{}), "frame of 0 bytes is shorter than the 20-byte header"));
  const Bytes f = encoded(Message{Token{1, 2}});
  CHECK(contains(error_of(Bytes(f.begin(), f.end() - 1)),
                 "announces a 20-byte body but 19 bytes follow"));
}

TEST_CASE("trailing bytes after a frame are rejected") {
  for (const Message& m : sample_messages()) {
    CAPTURE(describe(m));
    Bytes f = encoded(m);
    f.push_back(0);
    CHECK(contains(error_of(f), "bytes follow"));
  }
}

TEST_CASE("frames over the limit are rejected, at the limit accepted") {
  const Bytes f = encoded(Message{PushGradient{1, 0, testing::ramp(100)}});
  CHECK(decode(f, CodecLimits{f.size()}).ok());
  CHECK(contains(error_of(f, CodecLimits{f.size() - 1}), "over the limit"));
  CHECK(!decode_body_length(f, CodecLimits{f.size() - 1}).ok());
  CHECK(!decode(f, CodecLimits{0}).ok());
  CHECK(!decode(f, CodecLimits{kFrameHeaderBytes - 1}).ok());
  // A header announcing 4 GiB is refused from the header alone under the default limit.
  Bytes huge = {'R', 'T', kWireVersion, uint8_t(MessageKind::push_gradient)};
  put_u32(huge, 0xFFFFFFFFu);
  put_u32(huge, 0);  // epoch
  put_u64(huge, 0);  // view digest
  StatusOr<size_t> body = decode_body_length(huge, {});
  REQUIRE(!body.ok());
  CHECK(contains(body.status().message(), "4294967295-byte body"));
}

TEST_CASE("bad magic, version and kind are rejected") {
  const Bytes good = encoded(Message{Token{1, 2}});
  Bytes f = good;
  f[0] = 'X';
  CHECK(contains(error_of(f), "bad magic"));
  f = good;
  f[1] = 'r';
  CHECK(contains(error_of(f), "bad magic"));
  f = good;
  f[2] = kWireVersion + 1;
  CHECK(error_of(f) == "frame header: unknown wire version 7 (this build speaks 6)");
  f = good;
  f[2] = 0;
  CHECK(contains(error_of(f), "unknown wire version 0"));
  f = good;
  f[3] = 0;
  CHECK(contains(error_of(f), "unknown message kind 0"));
  f = good;
  f[3] = kMessageKinds + 1;
  CHECK(contains(error_of(f), "unknown message kind 12"));
  f[3] = 255;
  CHECK(contains(error_of(f), "unknown message kind 255"));
}

TEST_CASE("counts larger than the bytes present are rejected before allocating") {
  Bytes body;
  put_i64(body, 1);
  put_u32(body, 0);            // shard
  put_u32(body, 0);            // position
  put_u32(body, 0xFFFFFFFFu);  // float count
  body.resize(body.size() + 12);
  CHECK(error_of(frame(MessageKind::push_gradient, body)) ==
        "frame body (push_gradient): float count 4294967295 exceeds the 12 bytes left");
  CHECK(contains(error_of(frame(MessageKind::param_shard, body)), "float count 4294967295"));

  body.clear();
  put_i64(body, 1);
  put_u32(body, 0);  // step
  put_u32(body, 0);  // chunk
  put_u32(body, 3);  // count, 2 floats present
  put_f32(body, 1);
  put_f32(body, 2);
  CHECK(contains(error_of(frame(MessageKind::reduce_chunk, body)),
                 "float count 3 exceeds the 8 bytes left"));

  body.clear();
  put_i64(body, 1);
  put_u32(body, 0);  // microbatch
  put_u32(body, 0x40000000u);
  CHECK(contains(error_of(frame(MessageKind::labels, body)),
                 "label count 1073741824 exceeds the 0 bytes left"));

  body.clear();
  body.push_back(uint8_t(Control::Code::error));
  put_u32(body, 0xFFFFFFFFu);
  body.push_back('x');
  CHECK(contains(error_of(frame(MessageKind::control, body)),
                 "text length 4294967295 exceeds the 1 bytes left"));

  // A block whose shape and count agree but whose floats are missing.
  body.clear();
  put_i64(body, 1);
  put_u32(body, 0);           // microbatch
  put_u32(body, 0x7FFFFFFF);  // rows
  put_u32(body, 1);           // cols
  put_u32(body, 0x7FFFFFFF);  // count
  CHECK(contains(error_of(frame(MessageKind::activations, body)),
                 "float count 2147483647 exceeds the 0 bytes left"));
}

TEST_CASE("block shapes must be non-negative and match the float count") {
  auto block_frame = [](MessageKind kind, int32_t rows, int32_t cols, uint32_t count) {
    Bytes body;
    put_i64(body, 1);
    put_u32(body, 0);  // microbatch
    put_u32(body, uint32_t(rows));
    put_u32(body, uint32_t(cols));
    put_u32(body, count);
    for (uint32_t i = 0; i < count; ++i) put_f32(body, float(i));
    return frame(kind, body);
  };
  CHECK(decode(block_frame(MessageKind::activations, 2, 3, 6)).ok());
  CHECK(contains(error_of(block_frame(MessageKind::activations, 2, 3, 5)),
                 "block 2x3 needs 6 values but carries 5"));
  CHECK(contains(error_of(block_frame(MessageKind::gradients, 3, 2, 7)), "block 3x2"));
  CHECK(contains(error_of(block_frame(MessageKind::gradients, -2, -3, 6)),
                 "negative block shape -2x-3"));
  CHECK(contains(error_of(block_frame(MessageKind::activations, -1, 0, 0)), "negative"));
  // 65536 x 65536 wraps to 0 in 32 bits; the product is taken in 64.
  CHECK(contains(error_of(block_frame(MessageKind::activations, 65536, 65536, 0)),
                 "needs 4294967296 values but carries 0"));
}

TEST_CASE("negative labels and unknown control codes are rejected") {
  Bytes body;
  put_i64(body, 1);
  put_u32(body, 0);  // microbatch
  put_u32(body, 3);
  put_u32(body, 4);
  put_u32(body, uint32_t(-5));
  put_u32(body, 1);
  CHECK(contains(error_of(frame(MessageKind::labels, body)), "label 1 is -5"));

  for (int code : {0, 6, 255}) {
    body.clear();
    body.push_back(uint8_t(code));
    put_u32(body, 0);
    CHECK(contains(error_of(frame(MessageKind::control, body)),
                   "unknown control code " + std::to_string(code)));
  }
}

TEST_CASE("a body with fields missing or bytes left over is rejected") {
  Bytes body;
  put_i64(body, 1);
  put_u32(body, 2);
  put_u64(body, 0);  // loss sum
  Bytes longer = body;
  longer.push_back(0);
  CHECK(error_of(frame(MessageKind::token, longer)) ==
        "frame body (token): 1 bytes left over after the fields");
  Bytes shorter(body.begin(), body.end() - 10);
  CHECK(error_of(frame(MessageKind::token, shorter)) ==
        "frame body (token): microbatch needs 4 bytes, 2 left");
  CHECK(contains(error_of(frame(MessageKind::activations, {})), "iteration needs 8 bytes, 0 left"));
  CHECK(contains(error_of(frame(MessageKind::control, {})), "control code needs 1 bytes"));
}

TEST_CASE("seeded random buffers and mutated frames decode canonically or are rejected") {
  std::mt19937_64 rng(20240611);
  auto below = [&](size_t n) { return size_t(rng() % n); };
  const CodecLimits limits{4096};
  std::vector<Bytes> valid;
  for (const Message& m : sample_messages()) valid.push_back(encoded(m));

  int accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    Bytes f;
    switch (round % 4) {
      case 0: {  // pure garbage
        f.resize(below(64));
        for (auto& b : f) b = uint8_t(rng());
        break;
      }
      case 1: {  // a plausible header with a consistent length over random bytes
        const size_t n = below(80);
        f = {'R', 'T', kWireVersion, uint8_t(1 + below(kMessageKinds))};
        put_u32(f, uint32_t(n));
        put_u32(f, uint32_t(below(3)));                   // epoch: 0, or a failure or two
        put_u64(f, below(4) == 0 ? rng() : below(2));     // digest: random, 0 or 1
        for (size_t i = 0; i < n; ++i) f.push_back(uint8_t(below(4) == 0 ? rng() : below(3)));
        break;
      }
      default: {  // a valid frame, mutated, with the body length fixed up half the time
        f = valid[below(valid.size())];
        const int edits = 1 + int(below(4));
        for (int e = 0; e < edits; ++e) {
          const size_t at = below(f.size() + 1);
          switch (below(4)) {
            case 0:
              if (at < f.size()) f[at] = uint8_t(rng());
              break;
            case 1:
              if (at < f.size()) f[at] ^= uint8_t(1u << below(8));
              break;
            case 2: f.insert(f.begin() + at, uint8_t(rng())); break;
            default:
              if (at < f.size()) f.erase(f.begin() + at);
          }
        }
        if (below(2) == 0 && f.size() >= kFrameHeaderBytes) {
          const uint32_t n = uint32_t(f.size() - kFrameHeaderBytes);
          for (int i = 0; i < 4; ++i) f[4 + i] = uint8_t(n >> (8 * i));
        }
      }
    }
    CAPTURE(round);
    check_decode_is_canonical(f, limits);
    accepted += decode(f, limits).ok();
  }
  MESSAGE("accepted " << accepted << " of 20000 random inputs");
  CHECK(accepted > 100);  // the mutations do reach the body decoders
}
