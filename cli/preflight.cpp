#include "cli/preflight.hpp"

#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/parse_number.hpp"
#include "core/platform/byte_size.hpp"
#include "core/quote_input.hpp"

namespace ringtmp::cli {

std::string preflight_script(const PreflightNeeds& needs) {
  // printf, not echo: dash's echo would expand a backslash in a path or a version line.
  // iw and vcgencmd live in sbin or /opt/vc/bin on a Pi, not always on a user's PATH.
  std::string s = "PATH=$PATH:/usr/sbin:/sbin:/opt/vc/bin; R=" + shell_quote(needs.ringtmp) + "\n";
  s += "say() { printf 'rt-%s=%s\\n' \"$1\" \"$2\"; }\n";
  s += "if command -v \"$R\" >/dev/null 2>&1; then say version \"$(\"$R\" --version 2>&1 | head -n 1)\"; else say version ''; fi\n";
  s += "say memavailable-kb \"$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo 2>/dev/null)\"\n";
  s += "g=/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor; if [ -r $g ]; then say governor \"$(cat $g)\"; fi\n";
  s += "if [ -e /sys/class/net/wlan0 ] && command -v iw >/dev/null 2>&1; then "
       "say power-save \"$(iw dev wlan0 get power_save 2>/dev/null | sed 's/.*: *//')\"; fi\n";
  s += "if command -v vcgencmd >/dev/null 2>&1; then say throttled \"$(vcgencmd get_throttled 2>/dev/null | sed 's/.*=//')\"; fi\n";
  if (!needs.data_dir.empty()) {
    s += "D=" + shell_quote(needs.data_dir) + "\n";
    for (const auto& f : needs.dataset_files)
      s += "[ -r \"$D\"/" + shell_quote(f) + " ] || [ -r \"$D\"/" + shell_quote(f + ".gz") + " ] || say missing \"$D\"/" +
           shell_quote(f) + "\n";
  }
  s += "say done 1\n";
  return s;
}

PreflightFindings read_preflight(const RemoteResult& result, const PreflightNeeds& needs) {
  PreflightFindings f;
  std::multimap<std::string, std::string> said;
  for (size_t start = 0; start < result.output.size();) {
    const size_t end = std::min(result.output.find('\n', start), result.output.size());
    const std::string line = result.output.substr(start, end - start);
    start = end + 1;
    const size_t eq = line.find('=');
    if (line.starts_with("rt-") && eq != std::string::npos) said.emplace(line.substr(3, eq - 3), line.substr(eq + 1));
  }
  const auto value = [&](const std::string& key) -> std::optional<std::string> {
    const auto it = said.find(key);
    if (it == said.end()) return std::nullopt;
    return it->second;
  };
  if (!value("done")) {
    f.problems.push_back(fmt::format("cannot run the preflight there ({}): {}", result.ended, failure_line(result)));
    return f;
  }
  const auto version = value("version").value_or("");
  if (version.empty())
    f.problems.push_back(fmt::format("no ringtmp there as {} (install it there, or give its path as ringtmp= in the inventory)",
                                     quote_input(needs.ringtmp)));
  else if (version != needs.version)
    f.problems.push_back(fmt::format("runs {}, the launcher {} (the same build on every device)", escape_input(version, 200),
                                     needs.version));
  std::vector<std::string> missing;
  for (auto [it, end] = said.equal_range("missing"); it != end; ++it) missing.push_back(escape_input(it->second, 300) + "[.gz]");
  if (!missing.empty())
    f.problems.push_back(fmt::format("dataset missing: {} (apt install dataset-fashion-mnist, or data-dir= in the inventory)",
                                     fmt::join(missing, ", ")));
  if (auto kb = value("memavailable-kb"); kb && needs.peak_bytes > 0)
    if (auto n = parse_number<int64_t>(*kb); n && *n * 1024 < needs.peak_bytes)
      f.problems.push_back(fmt::format("{} available, {} needs {} at its peak (the memory plan)", format_bytes(*n * 1024),
                                       needs.role, format_bytes(needs.peak_bytes)));
  if (auto g = value("governor"); g && *g != "performance")
    f.warnings.push_back(fmt::format("CPU governor is {}, so compute time varies with load (echo performance | sudo tee "
                                     "/sys/devices/system/cpu/cpu*/cpufreq/scaling_governor)", quote_input(*g)));
  if (auto p = value("power-save"); p && *p == "on")
    f.warnings.push_back("Wi-Fi power save is on for wlan0: 100 ms-2 s latency spikes (sudo iw dev wlan0 set power_save off)");
  if (auto t = value("throttled"); t && !t->empty() && *t != "0x0")
    f.warnings.push_back(fmt::format("vcgencmd get_throttled says {}: undervoltage or throttling now or since boot (a weak "
                                     "power supply or heat; timings are not the device's)", quote_input(*t)));
  return f;
}

}  // namespace ringtmp::cli
