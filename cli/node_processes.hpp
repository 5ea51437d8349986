#pragma once
// The node processes a launch drives (`launch --local`: ringtmp node children; `launch
// --hosts`: the remote template's sessions running them): started with their output on a
// pipe, streamed as one view with each line prefixed by its node, reaped. Ctrl-C or a kill
// of the launcher raises a stop request that the streaming loop hands to its caller.
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/status.hpp"

namespace ringtmp::cli {

struct NodeProcess {
  pid_t pid = -1;
  int out = -1;        // read end of its stdout+stderr
  std::string label;   // "node 2", "node 2 pi3"
  int log = -1;        // >= 0: its lines are copied here too (closed by the caller)
  std::string partial;
  bool closed = false; // its output has ended
  std::string ended;   // "exited with code 3", "was killed by signal 9 (Killed)"
  int exit_code = 0;
  int64_t peak_rss_bytes = 0;
};

// argv with its stdout and stderr on a pipe this process reads; `input` >= 0: its stdin.
StatusOr<NodeProcess> spawn_node(const std::vector<std::string>& argv, std::string label, int input = -1);

// SIGINT and SIGTERM to the launcher raise a stop request (handled by stream_and_wait's
// caller, which knows how to stop its nodes: a signal, or a command on the device).
void install_stop_handlers();
bool stop_requested();

// Forwards every node's lines, "[label] line", until all have closed their output; calls
// `on_stop` once if a stop is requested meanwhile; then reaps them all. `tick`, if given, is
// called at least as often as it asks (it returns the seconds to its next call): launch's
// fault player.
void stream_and_wait(std::vector<NodeProcess>& nodes, const std::function<void()>& on_stop = {},
                     const std::function<double()>& tick = {});

}  // namespace ringtmp::cli
