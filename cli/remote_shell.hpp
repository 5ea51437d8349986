#pragma once
// Running a shell script on a device through the user's remote-execution template
// (`launch --hosts --remote`): the template's words, {host} replaced, then the script as
// one last word. `ssh -o BatchMode=yes {host}` runs it in the device's login shell;
// `ip netns exec {host} sh -c` (the tests' devices) in a namespace of this machine. Any
// command that runs its last word as a shell script on the device works. Words are split
// at spaces; a word cannot hold one.
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"

namespace ringtmp::cli {

// BatchMode: never a password prompt; ConnectTimeout: an unreachable device is a problem
// named in seconds, not a launch hanging on TCP's retries.
inline constexpr const char* kDefaultRemote = "ssh -o BatchMode=yes -o ConnectTimeout=10 {host}";

// The template's words; an error if it is empty or never names {host}.
StatusOr<std::vector<std::string>> parse_remote_template(std::string_view text);

// The command that runs `script` on `host`.
std::vector<std::string> remote_argv(const std::vector<std::string>& words, const std::string& host, const std::string& script);

// `text` as one word of a POSIX shell: single-quoted, a quote inside as '\''.
std::string shell_quote(std::string_view text);

struct RemoteResult {
  int code = 0;        // the command's exit code (ssh: 255 when the device was not reached)
  std::string output;  // its stdout: what the script printed (ssh's own words go to stderr)
  std::string errors;  // its stderr, for a failure's line
  std::string ended;   // "exited with code 3"
};

struct RemoteLimits {
  double seconds = 120;                       // then the command is killed: "no answer within"
  size_t max_output_bytes = size_t(1) << 20;  // a device that says more is cut off: an error
};

// Runs argv to its end with `input` on its stdin (then closed), its stdout and stderr
// gathered apart. Blocking; may be called from several threads at once.
StatusOr<RemoteResult> run_remote(const std::vector<std::string>& argv, std::string_view input = {}, RemoteLimits limits = {});

// The output's last non-empty line, for a one-line error ("ssh: connect to host ...").
std::string last_line(std::string_view output);

// Why a command failed, in one line: its stderr's last line, else its stdout's, else how it ended.
std::string failure_line(const RemoteResult& r);

}  // namespace ringtmp::cli
