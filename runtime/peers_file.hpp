#pragma once
// The peers file: where every rank of a runtime cluster listens.
//
// Format (one line per rank, in rank order):
//   # comment to the end of the line; blank lines are skipped (they take no rank)
//   10.0.0.11:5000        host (name, IPv4 address) and port
//   [fe80::1]:5000        an IPv6 address goes in brackets
// The first non-blank, non-comment line is rank 0. Ports are 1..65535 (a peers file names
// real ports; tests that want free ports bind port 0 and build the list in memory). Two
// ranks at the same host:port are an error. Every error is one line naming the file and
// the line number, e.g. "peers file p.txt line 3: '10.0.0.1' is not host:port".
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"

namespace ringtmp {

struct PeerAddress {
  std::string host;
  uint16_t port = 0;
  bool operator==(const PeerAddress&) const = default;
};

// "host:port", with brackets around an IPv6 host; for logs and error lines.
std::string to_string(const PeerAddress& a);

// Parses a peers file's text; `name` is how errors refer to it (usually its path).
StatusOr<std::vector<PeerAddress>> parse_peers(std::string_view text, std::string_view name);

// A peers file of 100,000 ranks is about 2.5 MB: anything past this bound is not a peers file.
inline constexpr size_t kMaxPeersFileBytes = size_t(16) << 20;

// Reads and parses a peers file; an unreadable, empty, oversized or non-regular file (a FIFO,
// /dev/zero) is an error naming it.
StatusOr<std::vector<PeerAddress>> load_peers_file(const std::string& path);

}  // namespace ringtmp
