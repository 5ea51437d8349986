#include "cli/subprocess.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

extern char** environ;

namespace ringtmp::cli {

std::string program_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  for (size_t start = 0; start <= dirs.size();) {
    const size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::string dir = end > start ? dirs.substr(start, end - start) : ".";
    const std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

namespace {

// argv[0] as execvp would find it, looked up before fork: after fork only async-signal-safe
// calls are allowed, and execvp may allocate.
std::string find_in_path(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const std::string found = program_on_path(name);
  return found.empty() ? name : found;  // not found: execve fails with ENOENT, reported below
}

}  // namespace

StatusOr<pid_t> spawn(const std::vector<std::string>& argv, int output, int input, int errors) {
  std::vector<char*> words;
  for (const auto& a : argv) words.push_back(const_cast<char*>(a.c_str()));
  words.push_back(nullptr);
  const std::string program = find_in_path(argv[0]);
  // The child tells why exec failed through this pipe; a successful exec closes it.
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) return Status::errorf("cannot start {}: {}", argv[0], std::strerror(errno));
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    ::close(report[0]);
    ::close(report[1]);
    return Status::errorf("cannot start {}: {}", argv[0], std::strerror(err));
  }
  if (pid == 0) {
    // Dies with its launcher, even one killed by SIGKILL, which can forward nothing: an
    // orphaned node would go on holding its port, its namespace and the CPU. The signal is
    // kept across exec (ip netns exec execs the node in place). If the parent died before
    // prctl, the child was already re-parented: check, and go.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    if (input >= 0) ::dup2(input, STDIN_FILENO);
    ::dup2(output, STDOUT_FILENO);
    ::dup2(errors >= 0 ? errors : output, STDERR_FILENO);
    ::execve(program.c_str(), words.data(), environ);
    const int err = errno;
    (void)!::write(report[1], &err, sizeof err);
    ::_exit(127);
  }
  ::close(report[1]);
  int err = 0;
  ssize_t n;
  while ((n = ::read(report[0], &err, sizeof err)) < 0 && errno == EINTR) {
  }
  ::close(report[0]);
  if (n == ssize_t(sizeof err)) {
    wait_for(pid);
    return Status::errorf("cannot start {}: {}", argv[0], std::strerror(err));
  }
  return pid;
}

ExitStatus wait_for(pid_t pid) {
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  const int64_t peak_rss = int64_t(usage.ru_maxrss) * 1024;  // Linux: KiB
  if (WIFEXITED(status))
    return {WEXITSTATUS(status), fmt::format("exited with code {}", WEXITSTATUS(status)), peak_rss};
  const int sig = WTERMSIG(status);
  return {128 + sig, fmt::format("was killed by signal {} ({})", sig, strsignal(sig)), peak_rss};
}

std::string self_path() { return std::filesystem::read_symlink("/proc/self/exe").string(); }

Status run_tool(const std::vector<std::string>& argv) {
  const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  auto pid = spawn(argv, null);
  ::close(null);
  if (!pid.ok()) return pid.status();
  const ExitStatus exit = wait_for(*pid);
  if (exit.code != 0) return Status::errorf("'{}' failed ({})", fmt::join(argv, " "), exit.text);
  return {};
}

}  // namespace ringtmp::cli
