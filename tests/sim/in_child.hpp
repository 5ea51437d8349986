#pragma once
// SimGrid allows one engine per process, so every simulation in a test runs in a forked
// child that hands numbers (or an error line) back through a pipe; its stderr goes to a
// file the parent can read (SimGrid's plugins report there).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/data/temp_dir.hpp"

namespace ringtmp::testing {

struct ChildResult {
  bool ok = false;
  std::string error;            // the child's exception, or how it died
  std::vector<double> values;   // what fn returned
  std::string stderr_text;
};

// fn runs in the child; to fail, it throws (the message comes back in `error`).
inline ChildResult in_child(const std::function<std::vector<double>()>& fn) {
  TempDir dir;
  const std::string err_path = dir.file("stderr");
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    if (!std::freopen(err_path.c_str(), "w", stderr)) _exit(3);
    std::string out;
    try {
      auto values = fn();
      out = "V";
      out.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(double));
    } catch (const std::exception& e) {
      out = std::string("E") + e.what();
    }
    std::fflush(nullptr);
    for (size_t done = 0; done < out.size();) {
      const ssize_t n = write(fds[1], out.data() + done, out.size() - done);
      if (n <= 0) _exit(4);
      done += size_t(n);
    }
    _exit(0);
  }
  close(fds[1]);
  std::string in;
  char buf[65536];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) in.append(buf, size_t(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  ChildResult r;
  auto bytes = read_bytes(err_path);
  r.stderr_text.assign(bytes.begin(), bytes.end());
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || in.empty()) {
    r.error = "simulation child died (status " + std::to_string(status) + "): " + r.stderr_text.substr(0, 2000);
  } else if (in[0] == 'E') {
    r.error = in.substr(1);
  } else {
    r.ok = true;
    r.values.resize((in.size() - 1) / sizeof(double));
    std::memcpy(r.values.data(), in.data() + 1, r.values.size() * sizeof(double));
  }
  return r;
}

}  // namespace ringtmp::testing
