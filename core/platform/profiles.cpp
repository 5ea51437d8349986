#include "core/platform/profiles.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "core/parse_number.hpp"
#include "core/platform/byte_size.hpp"
#include "core/platform/device_variant.hpp"
#include "core/quote_input.hpp"
#include "core/text_file.hpp"

namespace ringtmp {
namespace {

constexpr size_t kMaxProfileBytes = size_t(1) << 20;  // a profile is a few dozen lines

std::string trim(std::string s) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

// What SimGrid (and our own arithmetic) can take for each profile number. The bounds are
// far beyond any real device or link, and tight enough that SimGrid never sees an infinity,
// a zero where it divides, or a whole number that does not fit an int: a cores of 0.5 or
// 3e9 was truncated into a core count (0 or undefined behaviour), a stations_per_ap of 0.5
// became a division by zero (SIGFPE), a flops of 1e308 overflowed the solver's sums.
struct Range {
  double low, high;
  bool whole = false;  // an integer: cores, stations_per_ap
};
constexpr Range kFlops{1, kMaxFlops};
constexpr Range kCores{1, 1024, true};
constexpr Range kEfficiency{0, 1};
constexpr Range kRamBytes{1, double(kMaxMemoryBytes)};
constexpr Range kReservedBytes{0, double(kMaxMemoryBytes)};
constexpr Range kWatts{1e-6, 1e4};
constexpr Range kBitsPerSecond{1, kMaxBitsPerSecond};
constexpr Range kSeconds{1e-9, 60};         // 1e-9: SimGrid's default timing precision
constexpr Range kStationsPerAp{1, 1024, true};
constexpr Range kStorageBytesPerSecond{1e3, 1e12};  // a floppy's 1e3 B/s to far past NVMe
constexpr Range kStorageLatency{0, 60};

// key -> value of one INI file's single section, with the checks every profile shares.
class ProfileFile {
 public:
  // `path` names the file in messages.
  static StatusOr<ProfileFile> parse(std::string_view text, const std::string& path, const std::string& section) {
    std::istringstream in{std::string(text)};
    ProfileFile f;
    f.path_ = path;
    std::string line, current;
    for (int number = 1; std::getline(in, line); ++number) {
      line = trim(line);
      if (line.empty() || line[0] == ';' || line[0] == '#') continue;
      if (line.front() == '[') {
        if (line.back() != ']') return Status::errorf("{}:{}: unclosed section header", path, number);
        current = trim(line.substr(1, line.size() - 2));
        continue;
      }
      const auto eq = line.find('=');
      if (eq == std::string::npos) return Status::errorf("{}:{}: expected key = value", path, number);
      if (current != section)
        return Status::errorf("{}:{}: key outside section [{}]", path, number, section);
      const std::string key = trim(line.substr(0, eq));
      if (!f.values_.emplace(key, trim(line.substr(eq + 1))).second)
        return Status::errorf("{}:{}: key {} given twice", path, number, quote_input(key));
    }
    return f;
  }

  std::string text(const std::string& key, const std::string& fallback = "") const {
    auto it = values_.find(key);
    return it == values_.end() ? fallback : it->second;
  }

  // A number within `range` with its `_source`; `err` keeps the first problem.
  double number(const std::string& key, const Range& range, Status& err) const {
    if (!err.ok()) return 0;
    auto it = values_.find(key);
    if (it == values_.end()) {
      err = Status::errorf("profile {}: missing key '{}'", path_, key);
      return 0;
    }
    const auto& s = it->second;
    std::optional<double> v;
    if (range.whole) {
      if (auto i = parse_number<long>(s)) v = double(*i);  // "4", not "4.0", "0.5" or "3e9"
    } else {
      v = parse_number<double>(s);
    }
    if (!v || !(*v >= range.low && *v <= range.high)) {
      err = Status::errorf("profile {}: '{}' = {} is not a {} {} in {:g}..{:g}", path_, key, quote_input(s),
                           range.low > 0 ? "positive" : "non-negative", range.whole ? "whole number" : "number",
                           range.low, range.high);
      return 0;
    }
    check_source(key, err);
    return *v;
  }

  // `key`'s `_source` line is there; `err` keeps the first problem.
  void check_source(const std::string& key, Status& err) const {
    if (err.ok() && text(key + "_source").empty())
      err = Status::errorf("profile {}: '{}' has no '{}_source' naming where it comes from", path_, key, key);
  }

  // As number(), or nothing when the key is absent.
  std::optional<double> optional_number(const std::string& key, const Range& range, Status& err) const {
    if (!values_.count(key)) return std::nullopt;
    const double v = number(key, range, err);
    return err.ok() ? std::optional<double>(v) : std::nullopt;
  }

  // A number of bytes: as number(), and whole ("1e9" is, "1.5" is not).
  int64_t bytes(const std::string& key, const Range& range, Status& err) const {
    const double v = number(key, range, err);
    if (err.ok() && v != std::floor(v))
      err = Status::errorf("profile {}: '{}' = {} is not a whole number of bytes", path_, key, quote_input(text(key)));
    return err.ok() ? int64_t(v) : 0;
  }

 private:
  std::string path_;
  std::map<std::string, std::string> values_;
};

// The path of profile `name`: a profile of platforms_dir/<kind>, or a path to a user's own .ini file.
StatusOr<std::string> profile_path(const std::string& dir, const std::string& kind, const std::string& name,
                                   const std::string& section) {
  if (name.size() > 4 && name.ends_with(".ini")) {
    if (!std::filesystem::is_regular_file(name)) return Status::errorf("{} profile {}: cannot open as a file", section, name);
    return name;
  }
  const auto path = std::filesystem::path(dir) / kind / (name + ".ini");
  if (name.empty() || name.find('/') != std::string::npos || !std::filesystem::is_regular_file(path)) {
    auto known = list_profiles(dir, kind);
    return Status::errorf("unknown {} profile {} (known: {}; files in {}/{})", section, quote_input(name),
                          known.empty() ? "none" : fmt::format("{}", fmt::join(known, ", ")), dir, kind);
  }
  return path.string();
}

StatusOr<std::string> read_profile(const std::string& dir, const std::string& kind, const std::string& name,
                                   const std::string& section, std::string& path) {
  auto found = profile_path(dir, kind, name, section);
  if (!found.ok()) return found.status();
  path = *found;
  return read_text_file(path, "profile", kMaxProfileBytes);
}

}  // namespace

// An installed binary reads the profiles installed with it, not a checkout that may linger.
std::string default_platforms_dir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path beside = exe.parent_path().parent_path() / "share/ringtmp/platforms";
    if (fs::is_directory(beside, ec)) return beside.string();
  }
  if (fs::is_directory(RINGTMP_PLATFORMS_DIR, ec)) return RINGTMP_PLATFORMS_DIR;
  return "/usr/share/ringtmp/platforms";
}

std::vector<std::string> list_profiles(const std::string& dir, const std::string& kind) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(dir) / kind, ec))
    if (e.path().extension() == ".ini") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Why a margin, and why this one. The memory plan (core/strategy/memory_plan.hpp) counts
// ringtmp's own buffers exactly: parameters, gradients, optimizer state, activations,
// stashes, messages in flight, the data shard. DeepSpeed puts a 1.5x factor on its
// estimator because it estimates; we count, so a factor on the plan would only hide real
// models. What a node process holds beyond its buffers is not in the plan: its code and
// libraries' pages (libstdc++, fmt, Boost.Asio, libsodium, SimGrid's linked in),
// thread stacks, the allocator's headers and fragmentation (glibc's arenas; grows with the
// heap, hence a share of RAM), the kernel's socket buffers for its TCP connections, and the
// page cache that reading the dataset and writing outcome files leaves behind. A fixed
// floor covers the first with room to spare (a ringtmp process on a tiny model peaks at
// 34-36 MiB RSS on x86-64: DEVELOPERS.md, "Memory budgets"), 5% of RAM the parts that grow
// with the heap and the error of the profiles' estimated OS reserves (pi4b's kernel page
// structures grow with a variant's RAM).
int64_t memory_margin_bytes(int64_t ram_bytes) { return std::max<int64_t>(int64_t(64) << 20, ram_bytes / 20); }

int64_t DeviceProfile::usable_memory_bytes() const {
  return std::max<int64_t>(0, ram_bytes - os_reserved_bytes - gpu_reserved_bytes - memory_margin_bytes(ram_bytes));
}

int64_t node_memory_budget(const DeviceProfile& device, int64_t budget_override) {
  return budget_override > 0 ? budget_override : device.usable_memory_bytes();
}

std::string memory_shortfall(const DeviceProfile& d) {
  if (d.usable_memory_bytes() > 0) return {};
  return fmt::format("{} of RAM leaves nothing once the OS ({}), the GPU ({}) and the safety margin ({}) are kept",
                     format_bytes(d.ram_bytes), format_bytes(d.os_reserved_bytes), format_bytes(d.gpu_reserved_bytes),
                     format_bytes(memory_margin_bytes(d.ram_bytes)));
}

StatusOr<DeviceProfile> parse_device_profile(std::string_view text, const std::string& name, const std::string& path) {
  auto f = ProfileFile::parse(text, path, "device");
  if (!f.ok()) return f.status();
  DeviceProfile d;
  Status err;
  d.name = name;
  d.description = f->text("description", name);
  d.flops = f->number("flops", kFlops, err);
  d.cores = int(f->number("cores", kCores, err));
  d.multicore_efficiency = f->optional_number("multicore_efficiency", kEfficiency, err);
  d.ram_bytes = f->bytes("ram_bytes", kRamBytes, err);
  d.os_reserved_bytes = f->bytes("os_reserved_bytes", kReservedBytes, err);
  d.gpu_reserved_bytes = f->bytes("gpu_reserved_bytes", kReservedBytes, err);
  d.idle_w = f->number("idle_w", kWatts, err);
  d.busy_w = f->number("busy_w", kWatts, err);
  d.storage_write_bps = f->optional_number("storage_write_bps", kStorageBytesPerSecond, err);
  d.storage_latency_s = f->optional_number("storage_latency_s", kStorageLatency, err).value_or(0);
  if (!err.ok()) return err;
  if (!d.storage_write_bps && !f->text("storage_latency_s").empty())
    return Status::errorf("profile {}: 'storage_latency_s' without 'storage_write_bps' (state both, or neither for "
                          "no storage model)", path);
  if (d.busy_w < d.idle_w)
    return Status::errorf("profile {}: busy_w {} is below idle_w {}", path, d.busy_w, d.idle_w);
  if (const std::string why = memory_shortfall(d); !why.empty()) return Status::errorf("profile {}: {}", path, why);
  return d;
}

StatusOr<NetworkProfile> parse_network_profile(std::string_view text, const std::string& name, const std::string& path) {
  auto f = ProfileFile::parse(text, path, "network");
  if (!f.ok()) return f.status();
  NetworkProfile n;
  Status err;
  n.name = name;
  n.description = f->text("description", name);
  const std::string kind = f->text("kind");
  if (kind == "wifi") n.kind = NetworkKind::wifi;
  else if (kind == "ethernet") n.kind = NetworkKind::ethernet;
  else return Status::errorf("profile {}: kind {} (choose wifi|ethernet)", path, quote_input(kind));
  n.bandwidth_bps = f->number("bandwidth_bps", kBitsPerSecond, err);
  n.latency_s = f->number("latency_s", kSeconds, err);
  if (n.kind == NetworkKind::wifi) {
    n.stations_per_ap = int(f->number("stations_per_ap", kStationsPerAp, err));
    n.backbone_bps = f->number("backbone_bps", kBitsPerSecond, err);
    n.backbone_latency_s = f->number("backbone_latency_s", kSeconds, err);
    n.air_latency_s = f->optional_number("air_latency_s", kSeconds, err);
    if (err.ok() && n.air_latency_s && *n.air_latency_s > n.latency_s)
      return Status::errorf("profile {}: air_latency_s {} is above latency_s {} (it is a part of it)", path,
                            *n.air_latency_s, n.latency_s);
    if (err.ok() && !f->text("air_efficiency").empty()) {
      f->check_source("air_efficiency", err);
      if (!err.ok()) return err;
      auto e = AirEfficiency::parse(f->text("air_efficiency"), fmt::format("profile {}: 'air_efficiency'", path));
      if (!e.ok()) return e.status();
      n.air_efficiency = *e;
    }
  }
  n.idle_w = f->number("idle_w", kWatts, err);
  n.tx_w = f->number("tx_w", kWatts, err);
  n.rx_w = f->number("rx_w", kWatts, err);
  if (!err.ok()) return err;
  return n;
}

StatusOr<DeviceProfile> load_device_profile(const std::string& dir, const std::string& name) {
  std::string path;
  auto text = read_profile(dir, "devices", name, "device", path);
  if (!text.ok()) return text.status();
  return parse_device_profile(*text, name, path);
}

StatusOr<NetworkProfile> load_network_profile(const std::string& dir, const std::string& name) {
  std::string path;
  auto text = read_profile(dir, "networks", name, "network", path);
  if (!text.ok()) return text.status();
  return parse_network_profile(*text, name, path);
}

StatusOr<std::vector<std::string>> expand_device_mix(const std::string& spec, int nodes) {
  if (spec.find('*') == std::string::npos && spec.find(',') == std::string::npos)
    return std::vector<std::string>(size_t(nodes), spec);
  // Parsed and added up first, expanded only once the total matches the run: a count such
  // as 'pi4b*2147483647' is refused before anything is allocated for it.
  std::vector<std::pair<std::string, int>> items;
  int64_t total = 0;  // at most spec.size() counts below 2^31 each: no overflow
  size_t pos = 0;
  while (pos <= spec.size()) {
    const size_t comma = std::min(spec.find(',', pos), spec.size());
    const std::string item = trim(spec.substr(pos, comma - pos));
    const size_t star = item.find('*');
    std::optional<int> count;
    if (star != std::string::npos && star > 0) count = parse_number<int>(std::string_view(item).substr(star + 1));
    if (!count || *count < 1)
      return Status::errorf("invalid value for device: {} in {} (write name*count, e.g. pi4b*6,pi3b+*2)",
                            quote_input(item), quote_input(spec));
    items.emplace_back(item.substr(0, star), *count);
    total += *count;
    pos = comma + 1;
  }
  if (total != nodes)
    return Status::errorf("invalid value for device: {} describes {} devices but the run has {} nodes",
                          quote_input(spec), total, nodes);
  std::vector<std::string> out;
  for (const auto& [name, count] : items) out.insert(out.end(), size_t(count), name);
  return out;
}

StatusOr<std::vector<DeviceProfile>> load_devices(const std::string& platforms_dir, const std::string& spec,
                                                  int nodes) {
  auto names = expand_device_mix(spec, nodes);
  if (!names.ok()) return names.status();
  std::map<std::string, DeviceProfile> profiles;  // by profile: each file read once
  std::map<std::string, DeviceProfile> items;     // by mix item: each variant applied once
  std::vector<DeviceProfile> devices;
  for (const auto& name : *names) {
    auto it = items.find(name);
    if (it == items.end()) {
      auto variant = parse_device_variant(name);
      if (!variant.ok()) return variant.status();
      auto base = profiles.find(variant->profile);
      if (base == profiles.end()) {
        auto d = load_device_profile(platforms_dir, variant->profile);
        if (!d.ok()) return d.status();
        base = profiles.emplace(variant->profile, *d).first;
      }
      auto d = apply_device_variant(base->second, *variant, name);
      if (!d.ok()) return d.status();
      it = items.emplace(name, *d).first;
    }
    devices.push_back(it->second);
  }
  return devices;
}

}  // namespace ringtmp
