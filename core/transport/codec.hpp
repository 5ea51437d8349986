#pragma once
// The one wire codec, used by every backend (the simulator charges encoded_size, the socket
// backend sends encode's bytes), so bytes are the same number everywhere.
//
// Frame: 'R' 'T' | version u8 | kind u8 | body length u32 LE | body. Integers are little
// endian; float arrays are a u32 count followed by IEEE-754 binary32 LE values. decode never
// trusts a length it reads: every count is checked against the bytes present and against
// the configured maximum before anything is allocated; garbage gives an error, never a crash.
#include <cstdint>
#include <span>
#include <vector>

#include "core/status.hpp"
#include "core/transport/message.hpp"

namespace ringtmp {

inline constexpr uint8_t kWireVersion = 1;
inline constexpr size_t kFrameHeaderBytes = 8;

struct CodecLimits {
  size_t max_message_bytes = size_t(256) << 20;  // whole frame, header included
};

// Exact size of encode(m)'s output, computed without encoding.
size_t encoded_size(const Message& m);

// Appends the frame of m to out.
void encode(const Message& m, std::vector<uint8_t>& out);

// Reads the header only: the body length a frame announces, checked against the limits
// (for stream transports that must know how much to read next).
StatusOr<size_t> decode_body_length(std::span<const uint8_t> header, const CodecLimits& limits);

// Decodes exactly one whole frame; trailing bytes are an error.
StatusOr<Message> decode(std::span<const uint8_t> frame, const CodecLimits& limits = {});

}  // namespace ringtmp
