#pragma once
// Child processes for the commands that drive others (launch, validate, --netns): started
// without a shell, their stdout and stderr both sent to one descriptor.
#include <sys/types.h>

#include <cstdint>

#include <string>
#include <vector>

#include "core/status.hpp"

namespace ringtmp::cli {

// Where `name` (a program without a '/') is on PATH, as execvp would find it; "" if nowhere.
std::string program_on_path(const std::string& name);

// Starts argv (argv[0] searched in PATH) with stdout and stderr on `output`. The caller
// keeps and closes `output`; descriptors opened with O_CLOEXEC stay out of the child. The
// child gets SIGKILL when this process dies (PR_SET_PDEATHSIG), however it dies. Call it
// from the thread that lives as long as the child should (the signal follows the thread).
// `input` >= 0: the child's stdin (else it shares this process's); `errors` >= 0: its
// stderr (else `output`).
StatusOr<pid_t> spawn(const std::vector<std::string>& argv, int output, int input = -1, int errors = -1);

struct ExitStatus {
  int code = 0;       // the exit code, or 128 + the signal that killed it
  std::string text;   // "exited with code 3", "was killed by signal 9 (Killed)"
  // Its peak resident set, exact (the kernel's ru_maxrss from wait4, no sampling); across an
  // exec in place (ip netns exec) the larger of the two programs'.
  int64_t peak_rss_bytes = 0;
};
ExitStatus wait_for(pid_t pid);

// This executable's path (children of launch and validate are ringtmp itself).
std::string self_path();

// Runs argv to the end, output discarded; an error naming the command unless it exits 0.
Status run_tool(const std::vector<std::string>& argv);

}  // namespace ringtmp::cli
