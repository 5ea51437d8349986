#include "runtime/peers_file.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cctype>
#include <charconv>
#include <cstring>
#include <unordered_map>

#include "core/quote_input.hpp"
#include "core/text_file.hpp"

namespace ringtmp {

namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

// One entry, or the reason it is not one (the caller adds file and line).
StatusOr<PeerAddress> parse_entry(std::string_view e) {
  const auto colon = e.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    return Status::errorf("{} is not host:port", quote_input(e));
  std::string_view host = e.substr(0, colon);
  const std::string_view port = e.substr(colon + 1);
  // Before the IPv6 rule: two entries on one line also put a ':' in the "host".
  if (e.find_first_of(" \t") != std::string_view::npos)
    return Status::errorf("{} holds a space; one host:port per line", quote_input(e));
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']')
      return Status::errorf("{} has an unclosed '[' around its IPv6 address", quote_input(e));
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return Status::errorf("{}: put an IPv6 address in brackets, e.g. [::1]:5000", quote_input(e));
  }
  // Control bytes (a NUL, a carriage return inside brackets) and stray brackets name no host.
  if (std::any_of(host.begin(), host.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
    return Status::errorf("host in line holds a control character; expected host:port");
  if (host.find_first_of("[]") != std::string_view::npos)
    return Status::errorf("{} has a stray '[' or ']' in its host", quote_input(e));
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 ||
      value > 65535)
    return Status::errorf("{} has port {}, expected a number from 1 to 65535", quote_input(e), quote_input(port));
  return PeerAddress{std::string(host), uint16_t(value)};
}

// One spelling per endpoint, so that duplicates are caught however they are written:
// names lower-cased (DNS ignores case), localhost as 127.0.0.1, IP addresses in their
// canonical form (an IPv4-mapped IPv6 address as IPv4). Names are not resolved: parsing
// stays free of network I/O, and two names for one device meet at bind ("in use") or at
// the handshake's rank check instead.
std::string endpoint_key(const PeerAddress& a) {
  std::string host = a.host;
  for (auto& ch : host) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  if (!host.empty() && host.back() == '.') host.pop_back();
  if (host == "localhost" || host.ends_with(".localhost")) host = "127.0.0.1";
  char text[INET6_ADDRSTRLEN] = {};
  in6_addr v6{};
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    ::inet_ntop(AF_INET, &v4, text, sizeof text);
    host = text;
  } else if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_V4MAPPED(&v6)) {
      std::memcpy(&v4, v6.s6_addr + 12, 4);
      ::inet_ntop(AF_INET, &v4, text, sizeof text);
    } else {
      ::inet_ntop(AF_INET6, &v6, text, sizeof text);
    }
    host = text;
  }
  return fmt::format("{}|{}", host, a.port);
}

}  // namespace

std::string to_string(const PeerAddress& a) {
  if (a.host.find(':') != std::string::npos) return fmt::format("[{}]:{}", a.host, a.port);
  return fmt::format("{}:{}", a.host, a.port);
}

StatusOr<std::vector<PeerAddress>> parse_peers(std::string_view text, std::string_view name) {
  std::vector<PeerAddress> peers;
  std::vector<int> lines;  // the line each rank came from, for duplicate errors
  std::unordered_map<std::string, size_t> rank_at;  // endpoint_key -> rank
  int line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) continue;
    auto entry = parse_entry(line);
    if (!entry.ok())
      return Status::errorf("peers file {} line {}: {}", name, line_no, entry.status().message());
    if (auto [at, fresh] = rank_at.emplace(endpoint_key(*entry), peers.size()); !fresh) {
      const size_t r = at->second;
      const std::string other = to_string(peers[r]) == to_string(*entry) ? "" : ": " + to_string(peers[r]);
      return Status::errorf("peers file {} line {}: {} is already rank {} (line {}{})", name, line_no,
                            to_string(*entry), r, lines[r], other);
    }
    peers.push_back(std::move(*entry));
    lines.push_back(line_no);
  }
  if (peers.empty()) return Status::errorf("peers file {} lists no host:port", name);
  return peers;
}

StatusOr<std::vector<PeerAddress>> load_peers_file(const std::string& path) {
  auto text = read_text_file(path, "peers file", kMaxPeersFileBytes);
  if (!text.ok()) return text.status();
  return parse_peers(*text, path);
}

}  // namespace ringtmp
