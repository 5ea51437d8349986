// libFuzzer target for the authenticated envelope, the first thing a node does with bytes
// from the network. Read as a received frame, any input gets a verdict without a crash or
// undefined behaviour, a header is accepted only with a body length its type allows (a data
// body at least a codec frame header, epoch and view digest included), and
// no tag verifies without the key. Read as the fields of a frame to send, the frame they
// seal verifies, and with any one byte changed it does not. Built with clang by
// tests/fuzz/CMakeLists.txt; run as ctest fuzz/envelope.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include <sodium.h>

#include "runtime/envelope.hpp"
#include "runtime/little_endian.hpp"

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "envelope_fuzz: %s\n", what);
  std::abort();
}

ringtmp::MacKey test_key() {
  ringtmp::MacKey k;
  for (size_t i = 0; i < k.size(); ++i) k[i] = uint8_t(7 * i + 1);
  return k;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (sodium_init() < 0) die("sodium_init failed");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ringtmp;
  const CodecLimits limits{2048};  // small, so oversized lengths are common (-max_len is 4096)
  const MacKey key = test_key();
  const std::span<const uint8_t> in(data, size);

  if (size >= kEnvelopeHeaderBytes) {
    for (LinkPhase phase : {LinkPhase::handshake, LinkPhase::session}) {
      auto h = parse_envelope_header(in.first<kEnvelopeHeaderBytes>(), phase, limits);
      if (!h.ok()) {
        if (h.status().message().empty()) die("header rejected without saying why");
        continue;
      }
      const size_t most = h->type == FrameType::data    ? limits.max_message_bytes
                          : h->type == FrameType::hello ? kHelloBodyBytes
                          : h->type == FrameType::abort ? kMaxAbortTextBytes
                                                        : 0;
      if (h->body_length > most) die("a header passed with a body longer than its type allows");
      if (h->type == FrameType::data && h->body_length < kFrameHeaderBytes)
        die("a data header passed with a body shorter than a codec frame header");
      if (size == kEnvelopeOverhead + h->body_length && verify_frame(in, key)) die("a tag verified without the key");
    }
  }

  if (size >= 13) {
    const auto type = FrameType(1 + data[0] % 6);
    const uint32_t sender = le::get_u32(data + 1);
    const uint64_t seq = le::get_u64(data + 5);
    std::vector<uint8_t> frame;
    seal_frame(type, sender, seq, in.subspan(13), key, frame);
    if (frame.size() != kEnvelopeOverhead + size - 13) die("sealed frame of the wrong size");
    if (!verify_frame(frame, key)) die("a sealed frame does not verify");
    const size_t at = size_t(seq % frame.size());
    frame[at] ^= uint8_t(1 + data[0] % 255);
    if (verify_frame(frame, key)) die("a frame with a changed byte verifies");
  }
  return 0;
}
