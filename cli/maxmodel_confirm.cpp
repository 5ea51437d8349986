#include "cli/maxmodel_confirm.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include <fmt/format.h>

#include "core/data/load_data.hpp"
#include "core/platform/byte_size.hpp"
#include "core/strategy/memory_fit.hpp"
#include "core/strategy/memory_plan.hpp"
#include "core/strategy/node_program.hpp"
#include "sim/simulation.hpp"

namespace ringtmp::cli {
namespace {

using P = MemoryPart;

bool write_all(int fd, const void* data, size_t size) {
  const char* bytes = static_cast<const char*>(data);
  for (size_t done = 0; done < size;) {
    const ssize_t n = ::write(fd, bytes + done, size - done);
    if (n <= 0) return false;
    done += size_t(n);
  }
  return true;
}

// In the child: the run's recorded parts per node ('V' then int64 words), or 'E' and a line.
[[noreturn]] void simulate_and_report(const RunConfig& c, int out) {
  const int null = ::open("/dev/null", O_WRONLY);
  if (null >= 0) {  // the simulation's own lines would interleave with the table
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
  }
  std::string reply = "E";
  auto data = load_data(c);
  if (!data.ok()) {
    reply += data.status().message();
  } else {
    sim::SimOptions options;
    options.abort_prefix = "ringtmp maxmodel: ";
    auto run = sim::simulate(c, *data, options);
    if (!run.ok()) {
      reply += run.status().message();
    } else {
      reply = "V";
      for (const auto& node : run->nodes)
        reply.append(reinterpret_cast<const char*>(node.peak_memory_parts.bytes.data()),
                     sizeof(node.peak_memory_parts.bytes));
    }
  }
  std::fflush(nullptr);
  _exit(write_all(out, reply.data(), reply.size()) ? 0 : 4);
}

struct Child {
  pid_t pid = -1;
  int from = -1;
  size_t index = 0;
  std::string reply;
};

// The record against the plan of the same config; parts a timing-only sim does not hold
// (the dataset, resilience copies) are left out.
Confirmation compare(const RunConfig& c, const std::string& reply) {
  Confirmation r;
  if (reply.empty() || reply[0] != 'V') {
    r.note = reply.size() > 1 ? "simulation failed: " + reply.substr(1) : "simulation died";
    return r;
  }
  r.ran = true;
  const size_t words = sizeof(MemoryParts::bytes);
  std::vector<MemoryParts> recorded((reply.size() - 1) / words);
  for (size_t i = 0; i < recorded.size(); ++i) reply.copy(reinterpret_cast<char*>(recorded[i].bytes.data()), words, 1 + i * words);
  auto data = load_data(c);
  // The cluster as the backends lay it out on the devices (the ring cut within budgets).
  auto cluster = data.ok() ? plan_cluster_on_devices(c, *data, default_platforms_dir())
                           : StatusOr<ClusterPlan>(data.status());
  if (!cluster.ok()) {
    r.note = cluster.status().message();
    return r;
  }
  const auto plan = plan_memory(c, *cluster, dataset_shape(c, nullptr));
  if (plan.size() != recorded.size()) {
    r.note = fmt::format("{} nodes recorded, {} planned", recorded.size(), plan.size());
    return r;
  }
  r.matches = true;
  for (size_t n = 0; n < plan.size(); ++n) {
    MemoryParts planned = plan[n].peak;
    for (P left_out : {P::dataset, P::shadows, P::replicas}) planned[left_out] = 0;
    r.recorded_max = std::max(r.recorded_max, recorded[n].total());
    for (int part = 0; part < kMemoryParts && r.matches; ++part) {
      const int64_t got = recorded[n].bytes[size_t(part)], want = planned.bytes[size_t(part)];
      if (plan[n].exact ? got == want : got <= want) continue;
      r.matches = false;
      r.note = fmt::format("node {} ({}) recorded {} {} where the plan says {}", n, plan[n].role,
                           to_string(MemoryPart(part)), format_bytes(got), format_bytes(want));
    }
  }
  return r;
}

}  // namespace

std::vector<Confirmation> confirm_in_simulation(const std::vector<RunConfig>& configs, int parallel) {
  std::vector<Confirmation> results(configs.size());
  std::vector<Child> running;
  size_t next = 0;
  while (next < configs.size() || !running.empty()) {
    while (next < configs.size() && int(running.size()) < std::max(parallel, 1)) {
      int fds[2];
      if (::pipe2(fds, O_CLOEXEC) != 0) {
        results[next++].note = "cannot make a pipe for the simulation";
        continue;
      }
      std::fflush(nullptr);
      const pid_t pid = ::fork();
      if (pid == 0) {
        ::close(fds[0]);
        simulate_and_report(configs[next], fds[1]);
      }
      ::close(fds[1]);
      if (pid < 0) {
        ::close(fds[0]);
        results[next++].note = "cannot fork the simulation";
        continue;
      }
      running.push_back(Child{pid, fds[0], next++, {}});
    }
    if (running.empty()) break;
    // Read while the children run (a large cluster's reply is more than a pipe holds);
    // a child is done when its pipe closes.
    std::vector<pollfd> fds;
    for (const auto& child : running) fds.push_back({child.from, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) break;
    for (size_t i = running.size(); i-- > 0;) {
      if (fds[i].revents == 0) continue;
      Child& child = running[i];
      char buf[65536];
      const ssize_t n = ::read(child.from, buf, sizeof buf);
      if (n > 0) {
        child.reply.append(buf, size_t(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      ::close(child.from);
      int status = 0;
      ::waitpid(child.pid, &status, 0);
      Confirmation& r = results[child.index];
      r = compare(configs[child.index], child.reply);
      if (child.reply.empty()) r.note = fmt::format("simulation died (wait status {})", status);
      running.erase(running.begin() + std::ptrdiff_t(i));
    }
  }
  return results;
}

}  // namespace ringtmp::cli
