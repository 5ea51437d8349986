#include "cli/remote_shell.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <poll.h>

#include <chrono>
#include <csignal>
#include <cerrno>

#include <fmt/format.h>

#include "cli/subprocess.hpp"
#include "core/quote_input.hpp"

namespace ringtmp::cli {

StatusOr<std::vector<std::string>> parse_remote_template(std::string_view text) {
  std::vector<std::string> words;
  for (size_t at = 0;;) {
    at = text.find_first_not_of(" \t", at);
    if (at == std::string_view::npos) break;
    const size_t end = std::min(text.find_first_of(" \t", at), text.size());
    words.emplace_back(text.substr(at, end - at));
    at = end;
  }
  if (words.empty()) return Status::error("invalid value for remote: '' (a command that runs a script on {host})");
  if (text.find("{host}") == std::string_view::npos)
    return Status::errorf("invalid value for remote: {} (it must name the device as {{host}}, e.g. {})", quote_input(text),
                          quote_input(kDefaultRemote));
  return words;
}

std::vector<std::string> remote_argv(const std::vector<std::string>& words, const std::string& host, const std::string& script) {
  std::vector<std::string> argv;
  for (std::string w : words) {
    for (size_t at; (at = w.find("{host}")) != std::string::npos;) w.replace(at, 6, host);
    argv.push_back(std::move(w));
  }
  argv.push_back(script);
  return argv;
}

std::string shell_quote(std::string_view text) {
  std::string q = "'";
  for (char c : text) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

StatusOr<RemoteResult> run_remote(const std::vector<std::string>& argv, std::string_view input, RemoteLimits limits) {
  int out[2], err[2], in[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return Status::errorf("cannot create a pipe for {}", argv[0]);
  if (::pipe2(err, O_CLOEXEC) != 0 || ::pipe2(in, O_CLOEXEC) != 0) {
    for (int fd : {out[0], out[1]}) ::close(fd);
    return Status::errorf("cannot create a pipe for {}", argv[0]);
  }
  auto pid = spawn(argv, out[1], in[0], err[1]);
  for (int fd : {out[1], err[1], in[0]}) ::close(fd);
  if (!pid.ok()) {
    for (int fd : {out[0], err[0], in[1]}) ::close(fd);
    return pid.status();
  }
  // The input (a key: 65 bytes) is written whole before any output is read; it fits in the
  // pipe's buffer, so the device cannot block on a full output pipe meanwhile. A device
  // that exits without reading it must not kill us with SIGPIPE: the write fails with
  // EPIPE instead (MSG_NOSIGNAL is for sockets; a pipe needs the signal masked).
  sigset_t pipe_signal, old;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_signal, &old);
  for (size_t done = 0; done < input.size();) {
    const ssize_t n = ::write(in[1], input.data() + done, input.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += size_t(n);
  }
  ::close(in[1]);
  // Drop a SIGPIPE raised meanwhile, then restore the mask.
  timespec zero{};
  while (sigtimedwait(&pipe_signal, nullptr, &zero) == SIGPIPE) {
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);

  RemoteResult r;
  std::string cut;  // why the command was stopped early, if it was
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  std::string* into[2] = {&r.output, &r.errors};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(limits.seconds);
  while ((fds[0].fd >= 0 || fds[1].fd >= 0) && cut.empty()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      cut = fmt::format("no answer within {:g} s", limits.seconds);
      break;
    }
    if (::poll(fds, 2, int(std::min<int64_t>(left, 1000))) < 0 && errno != EINTR) break;
    for (int k = 0; k < 2; ++k) {
      if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[65536];
      const ssize_t n = ::read(fds[k].fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ::close(fds[k].fd);
        fds[k].fd = -1;
        continue;
      }
      into[k]->append(buf, size_t(n));
      if (into[k]->size() > limits.max_output_bytes)
        cut = fmt::format("it said more than {} bytes", limits.max_output_bytes);
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) ::close(f.fd);
  if (!cut.empty()) ::kill(*pid, SIGKILL);
  const ExitStatus exit = wait_for(*pid);
  if (!cut.empty()) return Status::errorf("{}: {}, stopped", argv[0], cut);
  r.code = exit.code;
  r.ended = exit.text;
  return r;
}

std::string last_line(std::string_view output) {
  size_t end = output.find_last_not_of("\r\n \t");
  if (end == std::string_view::npos) return "";
  const size_t start = output.rfind('\n', end);
  return escape_input(output.substr(start == std::string_view::npos ? 0 : start + 1, end + 1 - (start == std::string_view::npos ? 0 : start + 1)), 300);
}

}  // namespace ringtmp::cli

namespace ringtmp::cli {

std::string failure_line(const RemoteResult& r) {
  if (auto line = last_line(r.errors); !line.empty()) return line;
  if (auto line = last_line(r.output); !line.empty()) return line;
  return r.ended;
}

}  // namespace ringtmp::cli
