#include "cli/netns.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "cli/subprocess.hpp"

namespace ringtmp::cli {

namespace {

constexpr std::string_view kNamePrefix = "rtmp";

// The launch that made `name` ("rtmp<pid>n3", "rtmp<pid>v3", "rtmp<pid>b"), or 0 if the
// name is not one of ours.
int owner_of(std::string_view name) {
  if (!name.starts_with(kNamePrefix)) return 0;
  name.remove_prefix(kNamePrefix.size());
  const size_t digits = name.find_first_not_of("0123456789");
  if (digits == 0 || digits == std::string_view::npos || digits > 7) return 0;
  const char kind = name[digits];
  const std::string_view rest = name.substr(digits + 1);
  const bool numbered = !rest.empty() && rest.find_first_not_of("0123456789") == std::string_view::npos;
  if (!((kind == 'b' && rest.empty()) || ((kind == 'n' || kind == 'v') && numbered))) return 0;
  return std::stoi(std::string(name.substr(0, digits)));
}

// A launch still running: the pid is alive and is a ringtmp (a pid reused by another
// program does not count).
bool launch_alive(int pid) {
  if (::kill(pid, 0) != 0 && errno != EPERM) return false;
  std::ifstream comm(fmt::format("/proc/{}/comm", pid));
  std::string name;
  return std::getline(comm, name) && name == "ringtmp";
}

std::vector<std::string> entries(const char* dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) names.push_back(e.path().filename().string());
  return names;
}

// Processes left inside a namespace (nodes of a launch from before nodes died with their
// launcher): the namespace lives on until they end.
void kill_processes_in(const std::string& ns) {
  struct stat target {};
  if (::stat(fmt::format("/var/run/netns/{}", ns).c_str(), &target) != 0) return;
  for (const auto& entry : entries("/proc")) {
    if (entry.find_first_not_of("0123456789") != std::string::npos) continue;
    struct stat st {};
    if (::stat(fmt::format("/proc/{}/ns/net", entry).c_str(), &st) == 0 && st.st_ino == target.st_ino &&
        st.st_dev == target.st_dev)
      ::kill(std::stoi(entry), SIGKILL);
  }
}

}  // namespace

void NetnsCluster::remove_leftovers() {
  std::map<int, std::array<int, 3>> removed;  // owner -> namespaces, links, bridges
  // Links first (the veth pairs go with their outer end; the bridge last), as ~NetnsCluster.
  auto links = entries("/sys/class/net");
  std::stable_partition(links.begin(), links.end(), [](const std::string& l) { return !l.ends_with("b"); });
  for (const auto& ns : entries("/var/run/netns")) {
    const int owner = owner_of(ns);
    if (owner != 0 && !launch_alive(owner)) kill_processes_in(ns);
  }
  for (const auto& link : links) {
    const int owner = owner_of(link);
    if (owner == 0 || launch_alive(owner)) continue;
    if (run_tool({"ip", "link", "del", link}).ok()) ++removed[owner][link.ends_with("b") ? 2 : 1];
  }
  for (const auto& ns : entries("/var/run/netns")) {
    const int owner = owner_of(ns);
    if (owner == 0 || launch_alive(owner)) continue;
    if (run_tool({"ip", "netns", "del", ns}).ok()) ++removed[owner][0];
  }
  for (const auto& [owner, counts] : removed)
    fmt::print("launch: removed what a dead launch (pid {}) left behind: {} namespaces, {} links, {} bridge\n", owner,
               counts[0], counts[1], counts[2]);
}

StatusOr<std::unique_ptr<NetnsCluster>> NetnsCluster::create(int n, double bits_per_s) {
  if (geteuid() != 0) return Status::error("--netns needs root (it creates network namespaces); skipped");
  if (n < 1 || n > 250) return Status::errorf("--netns supports 1..250 nodes, not {}", n);
  remove_leftovers();
  std::unique_ptr<NetnsCluster> c(new NetnsCluster);
  const int pid = int(getpid());
  // The whole pid (at most 7 digits: "rtmp4194303v249" fits the 15 characters of a link
  // name), so that a later launch can tell whose leftovers these are.
  c->prefix_ = fmt::format("{}{}", kNamePrefix, pid);
  c->bridge_ = c->prefix_ + "b";
  const std::string subnet = fmt::format("10.{}.{}", 100 + pid % 100, (pid / 100) % 250);
  // tbf: a bucket of three frames, a queue of one second.
  // - A bucket larger than a message lets it through at the veth's own speed after a pause:
  //   with 32 KB, the 16 KB activations of a wifi-n ring crossed in no time and the runtime
  //   ran 30% faster than the link. With one frame, the timer's lateness between releases
  //   cost 8.5% of the rate here (36.8 of 40.2 Mbit/s TCP goodput); with three, a bulk
  //   transfer gets 40.1. tbf splits GSO super-packets to fit (tbf_segment).
  // - At faster rates three frames drain quicker than the timer wakes, so the bucket is at
  //   least half a millisecond of the rate (only wifi-n's 42 Mbit/s, where three frames are
  //   more, has been validated).
  // - The queue is deep so that a burst into one node (8 workers pushing to a server) waits
  //   instead of being dropped: with 50 ms, the drops' retransmission timeouts made such a
  //   parameter server run at half the simulated speed, and the simulator (like a Wi-Fi
  //   access point's deep buffers) loses nothing.
  const std::string rate = fmt::format("{}bit", int64_t(bits_per_s));
  const int64_t half_ms_of_rate = int64_t(bits_per_s / 8 * 5e-4);
  const std::string burst = fmt::format("{}", std::max<int64_t>(3 * kEthernetFrameBytes + 64, half_ms_of_rate));
  auto shape = [&](const std::vector<std::string>& prefix_words, const std::string& dev) {
    std::vector<std::string> cmd = prefix_words;
    for (const auto& w : {"tc", "qdisc", "add", "dev"}) cmd.push_back(w);
    for (const auto& w : {dev, std::string("root"), std::string("tbf"), std::string("rate"), rate,
                          std::string("burst"), burst, std::string("latency"), std::string("1000ms")})
      cmd.push_back(w);
    return run_tool(cmd);
  };
  if (auto s = run_tool({"ip", "link", "add", c->bridge_, "type", "bridge"}); !s.ok()) return s;
  if (auto s = run_tool({"ip", "link", "set", c->bridge_, "up"}); !s.ok()) return s;
  for (int k = 0; k < n; ++k) {
    const std::string ns = fmt::format("{}n{}", c->prefix_, k), host_end = fmt::format("{}v{}", c->prefix_, k);
    const std::string address = fmt::format("{}.{}", subnet, k + 1);
    c->namespaces_.push_back(ns);
    for (const auto& cmd : std::vector<std::vector<std::string>>{
             {"ip", "netns", "add", ns},
             {"ip", "link", "add", host_end, "type", "veth", "peer", "name", "eth0", "netns", ns},
             {"ip", "link", "set", host_end, "mtu", std::to_string(kVethMtu)},
             {"ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "mtu", std::to_string(kVethMtu)},
             {"ip", "link", "set", host_end, "master", c->bridge_},
             {"ip", "link", "set", host_end, "up"},
             {"ip", "netns", "exec", ns, "ip", "addr", "add", address + "/24", "dev", "eth0"},
             {"ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up"},
             {"ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"}})
      if (auto s = run_tool(cmd); !s.ok()) return s;  // the destructor removes what exists
    if (auto s = shape({}, host_end); !s.ok()) return s;                        // downlink
    if (auto s = shape({"ip", "netns", "exec", ns}, "eth0"); !s.ok()) return s;  // uplink
    c->addresses_.push_back(address);
  }
  return c;
}

NetnsCluster::~NetnsCluster() {
  // The veth pairs first, by their end out here: a namespace's own teardown is
  // asynchronous in the kernel, and the pairs would linger for a moment after it.
  for (size_t k = 0; k < namespaces_.size(); ++k) (void)run_tool({"ip", "link", "del", fmt::format("{}v{}", prefix_, k)});
  for (const auto& ns : namespaces_) (void)run_tool({"ip", "netns", "del", ns});
  if (!bridge_.empty()) (void)run_tool({"ip", "link", "del", bridge_});
}

}  // namespace ringtmp::cli
