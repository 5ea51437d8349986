#include "sim/xml_platform.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>
#include <xbt/log.h>

#include "core/platform/profiles.hpp"
#include "core/text_file.hpp"
#include "sim/abort_trap.hpp"
#include "sim/engine.hpp"

namespace s4u = simgrid::s4u;

namespace ringtmp::sim {
namespace {

constexpr size_t kMaxXmlBytes = size_t(256) << 20;  // 10,000 hosts and their routes take a few MB
constexpr double kMaxLatencyS = 60;

// "node-10" after "node-9": names compared as (text, number) pairs.
bool natural_less(const std::string& a, const std::string& b) {
  auto split = [](const std::string& s) {
    size_t i = s.size();
    while (i > 0 && std::isdigit(static_cast<unsigned char>(s[i - 1]))) --i;
    return std::pair{s.substr(0, i), i < s.size() && s.size() - i < 18 ? std::stoll(s.substr(i)) : -1LL};
  };
  return split(a) < split(b);
}

// What SimGrid 3.32 would abort on mid-run: a host that cannot compute, two ranks with no
// route, a wired link that moves no bytes (an action at rate 0, "The Impossible Did
// Happen"); and figures past what its solver can sum.
Status check_hosts_and_routes(const std::vector<s4u::Host*>& hosts) {
  for (const auto* h : hosts)
    if (!(h->get_speed() > 0 && h->get_speed() <= kMaxFlops))
      return Status::errorf("host {} has speed {:g} flop/s (must be in 0..{:g}]", h->get_name(), h->get_speed(),
                            kMaxFlops);
  const int n = int(hosts.size());
  auto check_route = [&](int a, int b) -> Status {
    std::vector<s4u::Link*> links;
    double latency = 0;
    hosts[a]->route_to(hosts[b], links, &latency);
    if (links.empty() && latency <= 0)
      return Status::errorf("no route from {} to {}", hosts[a]->get_name(), hosts[b]->get_name());
    for (const auto* link : links) {
      const bool wifi = link->get_sharing_policy() == s4u::Link::SharingPolicy::WIFI;
      if (!wifi && !(link->get_bandwidth() > 0 && link->get_bandwidth() <= kMaxBitsPerSecond / 8))
        return Status::errorf("link {} (from {} to {}) has bandwidth {:g} B/s (must be in 0..{:g}]", link->get_name(),
                              hosts[a]->get_name(), hosts[b]->get_name(), link->get_bandwidth(), kMaxBitsPerSecond / 8);
      if (!(link->get_latency() >= 0 && link->get_latency() <= kMaxLatencyS))
        return Status::errorf("link {} (from {} to {}) has latency {:g} s (must be in 0..{:g})", link->get_name(),
                              hosts[a]->get_name(), hosts[b]->get_name(), link->get_latency(), kMaxLatencyS);
    }
    return {};
  };
  for (int a = 0; a < n; ++a) {
    std::vector<int> peers;
    if (n <= 256) {
      for (int b = 0; b < n; ++b) peers.push_back(b);
    } else {
      peers = {(a + 1) % n, (a + n - 1) % n, 0};
    }
    for (int b : peers) {
      if (b == a) continue;
      if (auto s = check_route(a, b); !s.ok()) return s;
      if (n > 256 && b == 0)
        if (auto s = check_route(0, a); !s.ok()) return s;
    }
  }
  return {};
}

// One line for the hosts without power figures, the first few by name.
std::string energy_note(const std::string& path, const std::vector<s4u::Host*>& hosts,
                        const std::vector<bool>& has_power) {
  std::vector<std::string> without;
  for (size_t r = 0; r < hosts.size(); ++r)
    if (!has_power[r]) without.push_back(hosts[r]->get_name());
  if (without.empty()) return {};
  if (without.size() == hosts.size())
    return fmt::format("platform {}: no host has a wattage_per_state property: running without energy "
                       "(energy_joules is null in summary.json)", path);
  constexpr size_t kNamed = 8;
  std::string names = fmt::format("{}", fmt::join(without.begin(), without.begin() + ptrdiff_t(std::min(without.size(), kNamed)), ", "));
  if (without.size() > kNamed) names += fmt::format(" and {} more", without.size() - kNamed);
  return fmt::format("platform {}: no wattage_per_state property on {} of {} hosts ({}): their nodes get no "
                     "energy, and energy_joules is null in summary.json", path, without.size(), hosts.size(), names);
}

}  // namespace

StatusOr<XmlPlatform> load_xml_platform(const std::string& path, int ranks) {
  if (!std::filesystem::is_regular_file(path)) return Status::errorf("platform {}: cannot open as a file", path);
  auto* engine = s4u::Engine::get_instance();
  // One note names the hosts without power figures, instead of a warning per host.
  xbt_log_control_set("host_energy.thres:error");
  try {
    engine->load_platform(path);
  } catch (const std::exception& e) {
    return Status::errorf("platform {}: {}", path, e.what());
  }
  XmlPlatform p;
  p.hosts = engine->get_all_hosts();
  std::sort(p.hosts.begin(), p.hosts.end(),
            [](const s4u::Host* a, const s4u::Host* b) { return natural_less(a->get_name(), b->get_name()); });
  if (int(p.hosts.size()) < ranks)
    return Status::errorf("platform {}: has {} hosts, the run needs {}", path, p.hosts.size(), ranks);
  p.hosts.resize(size_t(ranks));
  try {
    engine->seal_platform();  // routes exist once their zones are sealed (an unsealed Full zone's segfault)
  } catch (const std::exception& e) {
    return Status::errorf("platform {}: {}", path, e.what());
  }
  if (auto s = check_hosts_and_routes(p.hosts); !s.ok()) return Status::errorf("platform {}: {}", path, s.message());
  for (const auto* h : p.hosts) p.has_power.push_back(h->get_property("wattage_per_state") != nullptr);
  p.energy_note = energy_note(path, p.hosts, p.has_power);
  p.description = fmt::format("{} hosts of {} (in name order)", ranks, path);
  return p;
}

Status check_xml_platform_file(const std::string& path, int ranks) {
  auto text = read_text_file(path, "platform", kMaxXmlBytes);
  if (!text.ok()) return text.status();
  if (auto s = check_platform_xml_text(*text, path); !s.ok()) return s;
  int fds[2];
  if (pipe(fds) != 0) return Status::errorf("platform {}: cannot check it (pipe: {})", path, std::strerror(errno));
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return Status::errorf("platform {}: cannot check it (fork: {})", path, std::strerror(errno));
  }
  if (pid == 0) {
    // The child's only output is the error line, to the pipe: the trap writes an abort's line
    // to what stderr was when it was made, and SimGrid's log goes to its scratch file.
    close(fds[0]);
    dup2(fds[1], STDERR_FILENO);
    close(fds[1]);
    AbortTrap trap("");
    int code = 0;
    try {
      auto engine = start_engine(SimOptions{});
      auto p = load_xml_platform(path, ranks);
      if (!p.ok()) {
        trap.say(p.status().message());
        code = 2;
      }
      engine.release();  // never torn down: the child ends here
    } catch (const std::exception& e) {
      trap.say(fmt::format("platform {}: {}", path, e.what()));
      code = 2;
    }
    _exit(code);
  }
  close(fds[1]);
  std::string reply;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    reply.append(buf, size_t(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  while (!reply.empty() && (reply.back() == '\n' || reply.back() == ' ')) reply.pop_back();
  std::replace(reply.begin(), reply.end(), '\n', ' ');  // SimGrid's parse errors span lines
  if (reply.empty())
    reply = WIFSIGNALED(status) ? fmt::format("SimGrid died loading it (signal {})", WTERMSIG(status))
                                : fmt::format("SimGrid failed loading it (exit {})", WEXITSTATUS(status));
  if (reply.starts_with("platform ")) return Status::error(reply);
  return Status::errorf("platform {}: {}", path, reply);
}

}  // namespace ringtmp::sim
