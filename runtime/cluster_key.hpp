#pragma once
// The cluster key: 32 random bytes every node of a run holds; every frame between nodes
// carries an HMAC under it (see envelope.hpp), so only key holders can join or talk.
//
// Key file format: the 64 hexadecimal digits of the 32 bytes on one line (a trailing newline
// and surrounding white space are allowed, nothing else). Text rather than binary so that it
// survives copy-paste and scp alike and can be checked by eye. `ringtmp launch` writes one
// per run with write_key_file (mode 0600); on real devices copy the same file to each node.
#include <array>
#include <cstdint>
#include <string>

#include "core/status.hpp"

namespace ringtmp {

inline constexpr size_t kClusterKeyBytes = 32;

struct ClusterKey {
  std::array<uint8_t, kClusterKeyBytes> bytes{};
  bool operator==(const ClusterKey&) const = default;
};

// Initialises libsodium once (thread-safe, idempotent); false if the library cannot work
// here (no entropy source). Every runtime entry point that needs randomness calls it.
bool sodium_ready();

// A fresh key from the system's secure random source.
ClusterKey generate_cluster_key();

// Hex form (64 lowercase digits) and its parser; the parser's error names `name`.
std::string to_hex(const ClusterKey& key);
StatusOr<ClusterKey> parse_cluster_key(std::string_view text, std::string_view name);

// The run a key belongs to, as 16 hex digits that reveal nothing of the key (a keyed
// BLAKE2b of a fixed label): outcome files carry it so that merge can refuse two runs mixed.
std::string run_fingerprint(const ClusterKey& key);

// A key file is 64 digits and some white space; a larger one is not a key file.
inline constexpr size_t kMaxKeyFileBytes = 4096;

// Reads a key file; every error names the file ("key file k.hex: ..."). A non-regular file
// (a FIFO, /dev/zero) or one past kMaxKeyFileBytes is refused without reading it whole.
StatusOr<ClusterKey> load_key_file(const std::string& path);

// Writes `key` in the key file format, readable by its owner only (0600). Overwrites.
Status write_key_file(const std::string& path, const ClusterKey& key);

}  // namespace ringtmp
