#pragma once
// The authenticated envelope around every frame on a runtime connection. The codec's frame
// (codec.hpp) travels unchanged as the body of a data frame; the envelope adds who sent it,
// its place in the connection's sequence, and a MAC tag, 36 bytes in all (0.2% of a
// 16 KB activation block).
//
//   header (20 bytes, little endian): 'R' 'K' | version u8 | type u8 | sender rank u32 |
//                                     sequence u64 | body length u32
//   body   (body length bytes)
//   tag    (16 bytes) over header and body: Poly1305 under a one-time key from ChaCha20 at
//          nonce (sender, sequence) (libsodium's IETF ChaCha20-Poly1305 AEAD, no plaintext);
//          hello frames: HMAC-SHA-512-256 truncated to 16 bytes (envelope.cpp says why)
//
// Hello frames are tagged under the cluster key; every later frame under the connection's
// session key (handshake.hpp), which binds both ranks and both sides' fresh nonces, so a
// frame recorded on one connection is worthless on another, and the sequence number (the
// receiver expects exactly the next one) makes replaying it on its own connection fail too.
// A header is checked (magic, version, a type allowed in the phase, a body length allowed
// for the type, data bodies against CodecLimits) before anything is allocated from it.
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "core/status.hpp"
#include "core/transport/codec.hpp"
#include "core/transport/message.hpp"

namespace ringtmp {

enum class FrameType : uint8_t {
  hello = 1,      // handshake: who I am, whom I think I call, my nonce, my config digest
  ready = 2,      // handshake: first frame under the session key (proves the key)
  data = 3,       // a codec frame (one Message)
  heartbeat = 4,  // empty; sent when a link has been quiet for a heartbeat interval
  bye = 5,        // empty; the sender finished cleanly and sends nothing more
  abort = 6,      // the sender stopped with an error; the body is its reason (text)
};
const char* to_string(FrameType t);

inline constexpr uint8_t kEnvelopeVersion = 4;  // 3: hello gained its flags word; 4: its sender's life
inline constexpr size_t kEnvelopeHeaderBytes = 20;
inline constexpr size_t kEnvelopeTagBytes = 16;
inline constexpr size_t kEnvelopeOverhead = kEnvelopeHeaderBytes + kEnvelopeTagBytes;
inline constexpr size_t kHelloBodyBytes = 84;
inline constexpr size_t kMaxAbortTextBytes = 1024;

using MacKey = std::array<uint8_t, 32>;

struct EnvelopeHeader {
  FrameType type = FrameType::data;
  uint32_t sender = 0;
  uint64_t seq = 0;
  uint32_t body_length = 0;
};

// Before the handshake ends a connection accepts hello and ready frames only (tiny, fixed
// sizes: a stranger cannot make us allocate); afterwards data, heartbeat, bye and abort.
enum class LinkPhase { handshake, session };

// Parses a header and checks everything that can be checked without the key. The error is
// one line saying what was wrong ("bad magic", "data body of 300000000 bytes exceeds ...").
StatusOr<EnvelopeHeader> parse_envelope_header(std::span<const uint8_t, kEnvelopeHeaderBytes> bytes,
                                               LinkPhase phase, const CodecLimits& limits);

// Appends a whole frame (header, body, tag) to `out`.
void seal_frame(FrameType type, uint32_t sender, uint64_t seq, std::span<const uint8_t> body,
                const MacKey& key, std::vector<uint8_t>& out);

// Appends a data frame carrying m's codec bytes, encoded in place (no copy of the body).
void seal_message(const Message& m, uint32_t sender, uint64_t seq, const MacKey& key,
                  std::vector<uint8_t>& out);

// Whether a whole frame's tag (its last 16 bytes) is right for the rest, in constant time.
bool verify_frame(std::span<const uint8_t> frame, const MacKey& key);

// The body of a whole frame (between header and tag).
inline std::span<const uint8_t> frame_body(std::span<const uint8_t> frame) {
  return frame.subspan(kEnvelopeHeaderBytes, frame.size() - kEnvelopeOverhead);
}

}  // namespace ringtmp
