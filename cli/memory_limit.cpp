#include "cli/memory_limit.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "core/platform/byte_size.hpp"

#include "core/parse_number.hpp"
#include "core/text_file.hpp"

namespace ringtmp::cli {
namespace {

// Per thread: the failing request belongs to the thread whose allocation threw.
thread_local std::optional<size_t> t_failed_allocation;

StatusOr<int64_t> read_kib_field(const std::string& path, std::string_view key) {
  // /proc files report size 0: read as a stream, bounded (both are a few KiB).
  auto text = read_text_file(path, "", size_t(1) << 20);
  if (!text.ok()) return text.status();
  return parse_kib_field(*text, key, path);
}

}  // namespace

StatusOr<int64_t> parse_kib_field(std::string_view text, std::string_view key, std::string_view source) {
  for (size_t start = 0; start < text.size();) {
    const size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (!line.starts_with(key) || line.size() == key.size() || line[key.size()] != ':') continue;
    line.remove_prefix(key.size() + 1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
    if (!line.ends_with(" kB"))
      return Status::errorf("{}: {} is not in kB: '{}'", source, key, line.substr(0, 40));
    line.remove_suffix(3);
    while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
    const auto kib = parse_number<int64_t>(line);
    // 2^53 KiB is far past any machine; the bound keeps the product in range.
    if (!kib || *kib < 0 || *kib > (int64_t(1) << 53))
      return Status::errorf("{}: {} is not a number of kB: '{}'", source, key, line.substr(0, 40));
    return *kib * 1024;
  }
  return Status::errorf("{}: no {} line", source, key);
}

StatusOr<int64_t> available_memory_bytes() { return read_kib_field("/proc/meminfo", "MemAvailable"); }

StatusOr<int64_t> process_data_bytes() { return read_kib_field("/proc/self/status", "VmData"); }

Status apply_memory_limit(int64_t budget_bytes) {
  if (budget_bytes <= 0) return Status::errorf("memory budget {} bytes: must be positive", budget_bytes);
  auto held = process_data_bytes();
  if (!held.ok()) return held.status();
  if (*held >= budget_bytes)
    return Status::errorf("memory budget {} is below what the process holds before loading anything ({} of data)",
                          format_bytes(budget_bytes), format_bytes(*held));
  rlimit limit{};
  if (::getrlimit(RLIMIT_DATA, &limit) != 0)
    return Status::errorf("memory budget {}: getrlimit failed: {}", format_bytes(budget_bytes), std::strerror(errno));
  // The soft limit only: the hard one may stay higher (lowering it cannot be undone).
  if (limit.rlim_max != RLIM_INFINITY && rlim_t(budget_bytes) > limit.rlim_max)
    return Status::errorf("memory budget {} is above this process's hard data limit ({})", format_bytes(budget_bytes),
                          format_bytes(int64_t(limit.rlim_max)));
  limit.rlim_cur = rlim_t(budget_bytes);
  if (::setrlimit(RLIMIT_DATA, &limit) != 0)
    return Status::errorf("memory budget {}: setrlimit failed: {}", format_bytes(budget_bytes), std::strerror(errno));
  return {};
}

std::optional<size_t> take_failed_allocation() { return std::exchange(t_failed_allocation, std::nullopt); }

void note_failed_allocation(size_t bytes) noexcept { t_failed_allocation = bytes; }

}  // namespace ringtmp::cli
