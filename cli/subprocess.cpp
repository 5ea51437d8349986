#include "cli/subprocess.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

extern char** environ;

namespace ringtmp::cli {

StatusOr<pid_t> spawn(const std::vector<std::string>& argv, int output) {
  std::vector<char*> words;
  for (const auto& a : argv) words.push_back(const_cast<char*>(a.c_str()));
  words.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, output, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, output, STDERR_FILENO);
  pid_t pid = -1;
  const int err = posix_spawnp(&pid, argv[0].c_str(), &actions, nullptr, words.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) return Status::errorf("cannot start {}: {}", argv[0], std::strerror(err));
  return pid;
}

ExitStatus wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return {WEXITSTATUS(status), fmt::format("exited with code {}", WEXITSTATUS(status))};
  const int sig = WTERMSIG(status);
  return {128 + sig, fmt::format("was killed by signal {} ({})", sig, strsignal(sig))};
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
