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

inline constexpr const char* kDefaultRemote = "ssh -o BatchMode=yes {host}";

// The template's words; an error if it is empty or never names {host}.
StatusOr<std::vector<std::string>> parse_remote_template(std::string_view text);

// The command that runs `script` on `host`.
std::vector<std::string> remote_argv(const std::vector<std::string>& words, const std::string& host, const std::string& script);

// `text` as one word of a POSIX shell: single-quoted, a quote inside as '\''.
std::string shell_quote(std::string_view text);

struct RemoteResult {
  int code = 0;        // the command's exit code (ssh: 255 when the device was not reached)
  std::string output;  // stdout and stderr together
  std::string ended;   // "exited with code 3"
};

// Runs argv to its end with `input` on its stdin (then closed), its output gathered.
// Blocking; may be called from several threads at once.
StatusOr<RemoteResult> run_remote(const std::vector<std::string>& argv, std::string_view input = {});

// The output's last non-empty line, for a one-line error ("ssh: connect to host ...").
std::string last_line(std::string_view output);

}  // namespace ringtmp::cli
