// The authenticated envelope: a round trip carries the codec's bytes unchanged, costs 36
// bytes (at most 2% of a typical activation message), and every lie a header can tell is
// caught before anything is allocated from it.
#include "runtime/envelope.hpp"

#include <doctest/doctest.h>

using namespace ringtmp;

namespace {

MacKey key(uint8_t fill) {
  MacKey k;
  k.fill(fill);
  return k;
}

Message activations(int rows, int cols) {
  Activations a{.iteration = 7, .microbatch = 2, .block = {rows, cols, FloatBuffer(size_t(rows) * cols)}};
  for (size_t i = 0; i < a.block.data.size(); ++i) a.block.data[i] = float(i) * 0.5f;
  return Message{a};
}

std::span<const uint8_t, kEnvelopeHeaderBytes> header_of(const std::vector<uint8_t>& f) {
  return std::span<const uint8_t, kEnvelopeHeaderBytes>(f.data(), kEnvelopeHeaderBytes);
}

}  // namespace

TEST_CASE("envelope: a data frame round-trips the message with 36 bytes of overhead") {
  const Message m = activations(64, 64);  // 16 KB of floats
  std::vector<uint8_t> frame;
  seal_message(m, 3, 42, key(1), frame);
  CHECK(frame.size() == encoded_size(m) + kEnvelopeOverhead);
  const double overhead = double(frame.size()) / double(encoded_size(m));
  CHECK(overhead <= 1.02);
  CHECK(overhead < 1.004);

  auto h = parse_envelope_header(header_of(frame), LinkPhase::session, {});
  REQUIRE(h.ok());
  CHECK(h->type == FrameType::data);
  CHECK(h->sender == 3);
  CHECK(h->seq == 42);
  CHECK(h->body_length == encoded_size(m));
  CHECK(verify_frame(frame, key(1)));
  auto back = decode(frame_body(frame));
  REQUIRE(back.ok());
  CHECK(*back == m);

  std::vector<uint8_t> codec_bytes;
  encode(m, codec_bytes);
  const auto body = frame_body(frame);
  CHECK(std::equal(body.begin(), body.end(), codec_bytes.begin(), codec_bytes.end()));
}

TEST_CASE("envelope: any changed bit or another key fails the tag") {
  std::vector<uint8_t> frame;
  seal_message(activations(4, 4), 1, 0, key(1), frame);
  CHECK(!verify_frame(frame, key(2)));
  for (size_t i : {size_t(0), size_t(5), size_t(12), size_t(30), frame.size() - 1}) {
    auto bad = frame;
    bad[i] ^= 0x10;
    CAPTURE(i);
    CHECK(!verify_frame(bad, key(1)));
  }
  CHECK(!verify_frame(std::span<const uint8_t>(frame.data(), 10), key(1)));
  std::vector<uint8_t> control;
  seal_frame(FrameType::abort, 1, 9, std::vector<uint8_t>{'o', 'o', 'p', 's'}, key(1), control);
  CHECK(control.size() == kEnvelopeOverhead + 4);
  CHECK(verify_frame(control, key(1)));
}

TEST_CASE("envelope: a session tag is bound to its sender and sequence number") {
  // Poly1305's one-time key comes from (sender, sequence): the same bytes under another
  // number get another tag, so a frame moved to another place in the stream is refused.
  const std::vector<uint8_t> body{'s', 'a', 'm', 'e'};
  std::vector<uint8_t> a, b, c;
  seal_frame(FrameType::abort, 1, 9, body, key(1), a);
  seal_frame(FrameType::abort, 1, 10, body, key(1), b);
  seal_frame(FrameType::abort, 2, 9, body, key(1), c);
  auto tag = [](const std::vector<uint8_t>& f) { return std::vector<uint8_t>(f.end() - kEnvelopeTagBytes, f.end()); };
  CHECK(tag(a) != tag(b));
  CHECK(tag(a) != tag(c));
  auto moved = b;
  std::copy(a.end() - kEnvelopeTagBytes, a.end(), moved.end() - kEnvelopeTagBytes);
  CHECK(!verify_frame(moved, key(1)));
  // A hello, under the cluster key, is tagged by HMAC and verifies the same way.
  std::vector<uint8_t> hello;
  seal_frame(FrameType::hello, 1, 0, std::vector<uint8_t>(kHelloBodyBytes, 7), key(3), hello);
  CHECK(verify_frame(hello, key(3)));
  CHECK(!verify_frame(hello, key(1)));
}

TEST_CASE("envelope: headers are checked for magic, version, type, phase and length") {
  auto error = [](std::vector<uint8_t> h, LinkPhase phase, CodecLimits limits = {}) {
    auto r = parse_envelope_header(header_of(h), phase, limits);
    REQUIRE(!r.ok());
    return r.status().message();
  };
  auto header = [](FrameType t, uint32_t length) {
    std::vector<uint8_t> f;
    seal_frame(t, 0, 0, std::vector<uint8_t>(length), key(1), f);
    f.resize(kEnvelopeHeaderBytes);
    return f;
  };
  std::vector<uint8_t> h = header(FrameType::data, 100);
  h[0] = 'G';
  CHECK(error(h, LinkPhase::session) == "bad magic 47 4b (not a ringtmp peer)");
  h = header(FrameType::data, 100);
  h[2] = 9;
  CHECK(error(h, LinkPhase::session) == "envelope version 9 (this build speaks 4)");
  h[2] = kEnvelopeVersion;
  h[3] = 77;
  CHECK(error(h, LinkPhase::session) == "unknown frame type 77");
  CHECK(error(header(FrameType::data, 100), LinkPhase::handshake) == "data frame before the handshake");
  CHECK(error(header(FrameType::hello, kHelloBodyBytes), LinkPhase::session) == "hello frame after the handshake");
  CHECK(error(header(FrameType::hello, 10), LinkPhase::handshake) == "hello body of 10 bytes, expected 84");
  CHECK(error(header(FrameType::heartbeat, 1), LinkPhase::session) == "heartbeat body of 1 bytes, expected 0");
  // A data body holds at least a codec header: 20 bytes since wire version 2 put the view in it.
  CHECK(error(header(FrameType::data, 4), LinkPhase::session).starts_with("data body of 4 bytes outside [20, "));
  CHECK(error(header(FrameType::data, 19), LinkPhase::session).starts_with("data body of 19 bytes outside [20, "));
  CHECK(parse_envelope_header(header_of(header(FrameType::data, 20)), LinkPhase::session, {}).ok());
  CHECK(error(header(FrameType::data, 1001), LinkPhase::session, CodecLimits{1000}) ==
        "data body of 1001 bytes outside [20, 1000]");
  // A length near 4 GiB is refused from the header alone: nothing of that size is allocated.
  std::vector<uint8_t> huge = header(FrameType::data, 8);
  huge[16] = huge[17] = huge[18] = huge[19] = 0xff;
  CHECK(error(huge, LinkPhase::session).starts_with("data body of 4294967295 bytes outside [20, "));
  CHECK(parse_envelope_header(header_of(header(FrameType::abort, 20)), LinkPhase::session, {}).ok());
  CHECK(!parse_envelope_header(header_of(header(FrameType::abort, 2000)), LinkPhase::session, {}).ok());
}
