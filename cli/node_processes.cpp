#include "cli/node_processes.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>

#include <fmt/format.h>

#include "cli/subprocess.hpp"

namespace ringtmp::cli {
namespace {

volatile sig_atomic_t g_stop = 0;

// The first signal asks the launcher to stop its nodes; a second one, while that stop
// hangs on an unreachable device, ends the launcher at once.
void on_signal(int sig) {
  if (g_stop) {
    ::signal(sig, SIG_DFL);
    ::raise(sig);
  }
  g_stop = 1;
}

void emit(NodeProcess& n, std::string_view line) {
  const std::string text = fmt::format("[{}] {}\n", n.label, line);
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (n.log >= 0) (void)!::write(n.log, line.data(), line.size()), (void)!::write(n.log, "\n", 1);
}

}  // namespace

StatusOr<NodeProcess> spawn_node(const std::vector<std::string>& argv, std::string label, int input) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Status::error("cannot create a pipe for a node");
  auto pid = spawn(argv, fds[1], input);
  ::close(fds[1]);
  if (!pid.ok()) {
    ::close(fds[0]);
    return pid.status();
  }
  NodeProcess n;
  n.pid = *pid;
  n.out = fds[0];
  n.label = std::move(label);
  return n;
}

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool stop_requested() { return g_stop != 0; }

void stream_and_wait(std::vector<NodeProcess>& nodes, const std::function<void()>& on_stop,
                     const std::function<double()>& tick) {
  std::vector<pollfd> fds;
  size_t open = 0;
  for (auto& n : nodes) {
    fds.push_back({n.closed ? -1 : n.out, POLLIN, 0});
    open += n.closed ? 0 : 1;
  }
  // A stop is handed on at once, and again every 5 s while some node still runs (one
  // that had not started when asked, a device that did not answer).
  std::optional<std::chrono::steady_clock::time_point> last_stop;
  double tick_in = 0;  // seconds until `tick` wants its next call
  while (open > 0) {
    const int wait_ms = tick ? std::clamp(int(tick_in * 1000 + 0.999), 0, 200) : 200;
    if (::poll(fds.data(), fds.size(), wait_ms) < 0 && errno != EINTR) break;
    if (tick) tick_in = tick();
    if (g_stop && on_stop && (!last_stop || std::chrono::steady_clock::now() - *last_stop > std::chrono::seconds(5))) {
      on_stop();
      last_stop = std::chrono::steady_clock::now();
    }
    for (size_t k = 0; k < nodes.size(); ++k) {
      if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[4096];
      const ssize_t got = ::read(fds[k].fd, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      auto& n = nodes[k];
      if (got > 0) n.partial.append(buf, size_t(got));
      for (size_t nl; (nl = n.partial.find_first_of("\n\r")) != std::string::npos; n.partial.erase(0, nl + 1))
        if (nl > 0) emit(n, std::string_view(n.partial).substr(0, nl));
      if (got <= 0) {
        if (!n.partial.empty()) emit(n, n.partial);
        n.partial.clear();
        ::close(fds[k].fd);
        fds[k].fd = -1;
        n.closed = true;
        --open;
      }
    }
    std::fflush(stdout);
  }
  for (auto& n : nodes) {
    if (n.pid < 0) continue;
    const ExitStatus exit = wait_for(n.pid);
    n.ended = exit.text;
    n.exit_code = exit.code;
    n.peak_rss_bytes = exit.peak_rss_bytes;
    n.pid = -1;
  }
}

}  // namespace ringtmp::cli
