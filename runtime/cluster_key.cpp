#include "runtime/cluster_key.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sodium.h>

#include <fmt/format.h>
#include <stdexcept>

#include "core/text_file.hpp"

namespace ringtmp {

bool sodium_ready() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

ClusterKey generate_cluster_key() {
  if (!sodium_ready()) throw std::runtime_error("libsodium cannot initialise (no entropy source)");
  ClusterKey k;
  randombytes_buf(k.bytes.data(), k.bytes.size());
  return k;
}

std::string run_fingerprint(const ClusterKey& key) {
  if (!sodium_ready()) throw std::runtime_error("libsodium cannot initialise (no entropy source)");
  static constexpr char kLabel[] = "ringtmp run fingerprint";
  std::array<uint8_t, 8> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const uint8_t*>(kLabel), sizeof kLabel - 1, key.bytes.data(),
                     key.bytes.size());
  std::string hex;
  for (uint8_t b : out) hex += fmt::format("{:02x}", b);
  return hex;
}

std::string to_hex(const ClusterKey& key) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (uint8_t b : key.bytes) {
    s += kDigits[b >> 4];
    s += kDigits[b & 15];
  }
  return s;
}

StatusOr<ClusterKey> parse_cluster_key(std::string_view text, std::string_view name) {
  const auto first = text.find_first_not_of(" \t\r\n");
  const auto last = text.find_last_not_of(" \t\r\n");
  text = first == std::string_view::npos ? std::string_view{} : text.substr(first, last - first + 1);
  if (text.size() != 2 * kClusterKeyBytes)
    return Status::errorf("key file {}: expected {} hexadecimal digits (a {}-byte key), found {} characters",
                          name, 2 * kClusterKeyBytes, kClusterKeyBytes, text.size());
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  ClusterKey k;
  for (size_t i = 0; i < kClusterKeyBytes; ++i) {
    const int hi = digit(text[2 * i]), lo = digit(text[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return Status::errorf("key file {}: character {} is not a hexadecimal digit", name,
                            hi < 0 ? 2 * i + 1 : 2 * i + 2);
    k.bytes[i] = uint8_t(hi << 4 | lo);
  }
  // A generated key has every byte the same with probability 2^-248: this is a placeholder
  // (all zeros, all f's), and anyone could guess it.
  if (std::all_of(k.bytes.begin(), k.bytes.end(), [&](uint8_t b) { return b == k.bytes[0]; }))
    return Status::errorf("key file {}: every byte of the key is {:02x}, a placeholder anyone could guess; "
                          "use the key file a launch writes, or 64 random hex digits",
                          name, k.bytes[0]);
  return k;
}

// As ssh does with a private key: refused when other users may read or change it. Whoever
// reads the cluster key can join the cluster and forge its frames, changing a run's result;
// a warning scrolls past, and the fix is one chmod.
Status check_key_file_mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return {};  // the read reports it
  if ((st.st_mode & 077) == 0) return {};
  return Status::errorf("key file {}: permissions {:04o} let other users {} it, and whoever reads the key "
                        "can join the cluster; run: chmod 600 {}",
                        path, st.st_mode & 07777, (st.st_mode & 044) ? "read" : "change", path);
}

StatusOr<ClusterKey> load_key_file(const std::string& path) {
  auto text = read_text_file(path, "key file", kMaxKeyFileBytes);
  if (!text.ok()) return text.status();
  auto key = parse_cluster_key(*text, path);
  if (!key.ok()) return key;
  if (Status mode = check_key_file_mode(path); !mode.ok()) return mode;
  return key;
}

Status write_key_file(const std::string& path, const ClusterKey& key) {
  // Created 0600 from the start (not chmod-ed after), so the key is never readable by others.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::errorf("key file {}: cannot create it: {}", path, std::strerror(errno));
  const std::string text = to_hex(key) + "\n";
  const bool ok = ::fchmod(fd, 0600) == 0 && ::write(fd, text.data(), text.size()) == ssize_t(text.size());
  const int err = errno;
  ::close(fd);
  if (!ok) return Status::errorf("key file {}: cannot write it: {}", path, std::strerror(err));
  return {};
}

}  // namespace ringtmp
