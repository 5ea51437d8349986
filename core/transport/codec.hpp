#pragma once
// The one wire codec, used by every backend (the simulator charges encoded_size, the socket
// backend sends encode's bytes), so bytes are the same number everywhere.
//
// Frame: 'R' 'T' | version u8 | kind u8 | body length u32 | epoch u32 | view digest u64 |
// body. The epoch and digest are the sender's membership view (Message::epoch,
// view_digest): every message says in which view it was composed. Integers are little
// endian; float arrays are a u32 count followed by IEEE-754 binary32 LE values. decode never
// trusts a length it reads: every count is checked against the bytes present and against
// the configured maximum before anything is allocated; garbage gives an error, never a crash.
// A header is refused unless its view is one a sender can hold: epoch 0 (nobody dead) has
// digest 0, and an epoch fits View::epoch's int. encode asserts the same of its message.
//
// Versions: 1 had an 8-byte header without the view; 2 added epoch and digest; 3 added a
// push's worker position and loss, and a parameter shard's minibatch loss; 4 added
// the ring's stage replicas, a token's loss and the control code "done"; 5 added the
// parameter server's shard replicas; 6 (this) added their clock queries (a position field).
// Frames of another version are refused by the header check, naming both versions.
#include <cstdint>
#include <span>
#include <vector>

#include "core/status.hpp"
#include "core/transport/message.hpp"

namespace ringtmp {

inline constexpr uint8_t kWireVersion = 6;
inline constexpr size_t kFrameHeaderBytes = 20;

struct CodecLimits {
  size_t max_message_bytes = size_t(256) << 20;  // whole frame, header included
};

// Exact size of encode(m)'s output, computed without encoding.
size_t encoded_size(const Message& m);

// Appends the frame of m to out.
void encode(const Message& m, std::vector<uint8_t>& out);

// Reads the header only (its first kFrameHeaderBytes bytes): the body length a frame
// announces, after checking the whole header and the length against the limits (for stream
// transports that must know how much to read next). Fewer bytes than a header are refused,
// with the magic and version checked first on those present, so a frame of another
// version is named as such however short it is.
StatusOr<size_t> decode_body_length(std::span<const uint8_t> header, const CodecLimits& limits);

// Decodes exactly one whole frame; trailing bytes are an error.
StatusOr<Message> decode(std::span<const uint8_t> frame, const CodecLimits& limits = {});

}  // namespace ringtmp
