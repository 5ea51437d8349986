#include "core/platform/device_variant.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/platform/byte_size.hpp"
#include "core/quote_input.hpp"

namespace ringtmp {
namespace {

Status invalid(std::string_view item, std::string_view why) {
  return Status::errorf("invalid value for device: {} ({})", quote_input(item), why);
}

// Where the options start: after the profile, which is a name without ':' or a path to
// an .ini file (which may hold ':'s).
size_t options_start(std::string_view item) {
  if (item.ends_with(".ini")) return std::string_view::npos;
  if (const size_t ini = item.rfind(".ini:"); ini != std::string_view::npos) return ini + 4;
  return item.find(':');
}

}  // namespace

StatusOr<DeviceVariant> parse_device_variant(std::string_view item) {
  DeviceVariant v;
  const size_t colon = options_start(item);
  v.profile = std::string(item.substr(0, colon));
  if (colon == std::string_view::npos) return v;
  if (v.profile.empty()) return invalid(item, "no profile before ':', e.g. pi4b:ram=2G");
  std::string_view rest = item.substr(colon + 1);
  while (true) {
    const size_t end = std::min(rest.find(':'), rest.size());
    const std::string_view option = rest.substr(0, end);
    const size_t eq = option.find('=');
    const std::string_view key = option.substr(0, eq);
    if (key != "ram")
      return invalid(item, fmt::format("unknown option {}; the one option is ram=SIZE, e.g. pi4b:ram=2G", quote_input(key)));
    if (eq == std::string_view::npos) return invalid(item, "ram needs a size, e.g. pi4b:ram=2G");
    if (v.ram_bytes) return invalid(item, "ram given twice");
    const std::string_view value = option.substr(eq + 1);
    const auto bytes = parse_byte_size(value);
    if (!bytes || *bytes < 1 || *bytes > kMaxMemoryBytes)
      return invalid(item, fmt::format("ram = {} is not a size of 1 B to {}: write {}", quote_input(value),
                                       format_bytes(kMaxMemoryBytes), kByteSizeForms));
    v.ram_bytes = *bytes;
    if (end == rest.size()) break;
    rest = rest.substr(end + 1);
  }
  return v;
}

StatusOr<DeviceProfile> apply_device_variant(DeviceProfile d, const DeviceVariant& variant, std::string_view item) {
  if (!variant.ram_bytes) return d;
  d.description += fmt::format("; RAM {} instead of {} (variant {})", format_bytes(*variant.ram_bytes),
                               format_bytes(d.ram_bytes), std::string(item));
  d.ram_bytes = *variant.ram_bytes;
  d.name = std::string(item);
  if (const std::string why = memory_shortfall(d); !why.empty()) return invalid(item, why);
  return d;
}

}  // namespace ringtmp
