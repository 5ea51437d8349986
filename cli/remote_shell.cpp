#include "cli/remote_shell.hpp"

#include <fcntl.h>
#include <unistd.h>

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

StatusOr<RemoteResult> run_remote(const std::vector<std::string>& argv, std::string_view input) {
  int out[2], in[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return Status::errorf("cannot create a pipe for {}", argv[0]);
  if (::pipe2(in, O_CLOEXEC) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    return Status::errorf("cannot create a pipe for {}", argv[0]);
  }
  auto pid = spawn(argv, out[1], in[0]);
  ::close(out[1]);
  ::close(in[0]);
  if (!pid.ok()) {
    ::close(out[0]);
    ::close(in[1]);
    return pid.status();
  }
  // A device that exits without reading its input must not kill us with SIGPIPE: the
  // write fails with EPIPE instead (MSG_NOSIGNAL is for sockets; a pipe needs the mask).
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
  char buf[4096];
  for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    r.output.append(buf, size_t(n));
  }
  ::close(out[0]);
  const ExitStatus exit = wait_for(*pid);
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
