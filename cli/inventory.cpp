#include "cli/inventory.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "core/quote_input.hpp"
#include "core/text_file.hpp"

namespace ringtmp::cli {
namespace {

std::vector<std::string_view> words_of(std::string_view line) {
  std::vector<std::string_view> words;
  for (size_t at = 0;;) {
    at = line.find_first_not_of(" \t\r", at);
    if (at == std::string_view::npos) return words;
    const size_t end = std::min(line.find_first_of(" \t\r", at), line.size());
    words.push_back(line.substr(at, end - at));
    at = end;
  }
}

// Values go into the device's shell script (quoted there) and into one-line messages: no
// control characters; hosts and addresses also no quotes or shell words.
bool printable(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}
// A leading '-' would make the host an option of the template's command (ssh -oProxyCommand=...).
bool host_like(std::string_view s) {
  return !s.empty() && s.front() != '-' && printable(s) && s.find_first_of("'\"`$;&|<>(){}\\*?!#") == std::string_view::npos;
}

// "host", "host:port", "[v6]:port", "user@host:port" -> host and port.
StatusOr<std::pair<std::string, int>> split_host_port(std::string_view word) {
  std::string_view host = word;
  int port = kDefaultDevicePort;
  const size_t close = word.rfind(']');
  const size_t colon = word.rfind(':');
  const bool bracketed = word.find('[') != std::string_view::npos;
  if (colon != std::string_view::npos && (!bracketed || (close != std::string_view::npos && colon > close))) {
    if (!bracketed && word.find(':') != colon)
      return Status::errorf("{}: put an IPv6 address in brackets, e.g. [fe80::1]:7000", quote_input(word));
    const std::string_view digits = word.substr(colon + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || value == 0 || value > 65535)
      return Status::errorf("{} has port {}, expected a number from 1 to 65535", quote_input(word), quote_input(digits));
    port = int(value);
    host = word.substr(0, colon);
  }
  std::string plain(host);
  if (bracketed) {
    const size_t open = host.find('[');
    if (host.back() != ']' || open == std::string_view::npos || host.size() - open < 3)
      return Status::errorf("{} has an unclosed '[' around its IPv6 address", quote_input(word));
    plain = std::string(host.substr(0, open)) + std::string(host.substr(open + 1, host.size() - open - 2));
  }
  if (!host_like(plain) || plain.find_first_of("[]") != std::string::npos)
    return Status::errorf("{} is not a host name or address", quote_input(word));
  return std::pair{plain, port};
}

// The address peers dial: the host without user@.
std::string address_of(const std::string& host) {
  const size_t at = host.find('@');
  return at == std::string::npos ? host : host.substr(at + 1);
}

}  // namespace

StatusOr<std::vector<InventoryDevice>> parse_inventory(std::string_view text, std::string_view name) {
  std::vector<InventoryDevice> devices;
  std::set<std::pair<std::string, int>> endpoints;
  int number = 0;
  for (size_t start = 0; start < text.size();) {
    const size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    const auto bad = [&](const std::string& why) { return Status::errorf("inventory {} line {}: {}", name, number, why); };
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    const auto words = words_of(line);
    if (words.empty()) continue;
    auto host = split_host_port(words[0]);
    if (!host.ok()) return bad(host.status().message());
    InventoryDevice d;
    d.host = host->first;
    d.port = host->second;
    d.address = address_of(d.host);
    d.line = number;
    for (size_t k = 1; k < words.size(); ++k) {
      const auto eq = words[k].find('=');
      if (eq == std::string_view::npos || eq == 0)
        return bad(fmt::format("{} is not key=value (keys: address, ringtmp, dir, data-dir)", quote_input(words[k])));
      const std::string_view key = words[k].substr(0, eq), value = words[k].substr(eq + 1);
      if (value.empty() || !printable(value)) return bad(fmt::format("{} has no value", quote_input(key)));
      if (key == "address") {
        if (!host_like(value) || value.find('@') != std::string_view::npos)
          return bad(fmt::format("address {} is not a host name or IP address", quote_input(value)));
        d.address = value;
      } else if (key == "ringtmp") {
        d.ringtmp = value;
      } else if (key == "dir") {
        d.dir = value;
      } else if (key == "data-dir") {
        d.data_dir = value;
      } else {
        return bad(fmt::format("unknown key {} (keys: address, ringtmp, dir, data-dir)", quote_input(key)));
      }
    }
    if (!endpoints.emplace(d.address, d.port).second)
      return bad(fmt::format("{}:{} is already another device's (two ranks cannot listen at one address and port)", d.address, d.port));
    devices.push_back(std::move(d));
  }
  if (devices.empty()) return Status::errorf("inventory {}: no devices in it (one host[:port] per line)", name);
  return devices;
}

StatusOr<std::vector<InventoryDevice>> load_inventory(const std::string& path) {
  auto text = read_text_file(path, "inventory", size_t(16) << 20);
  if (!text.ok()) return text.status();
  return parse_inventory(*text, printable_path(path));
}

}  // namespace ringtmp::cli
