#pragma once
// `launch --local --faults`: the simulator's fault schedule (core/fault_spec.hpp) played on
// the node processes, so that one config's faults run in both worlds. kill:R@T is SIGSTOP at
// T and SIGKILL once every other node has ended: a Pi losing power goes silent, its peers
// learn it only from their failure detection (a SIGKILL at T would have the kernel close its
// connections, which a powerless device never does). pause:R@T+D is SIGSTOP at T and SIGCONT
// at T+D (a hung device: when D outlasts its peers' failure detection they count it dead and
// it rejoins once continued; else it sits the pause out, as in sim).
// T counts on the launcher's clock from the nodes' start. A node's own clock starts once it
// has loaded its data and opened its port, so the times its run reports for the fault are
// earlier by that start-up.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/fault_spec.hpp"

namespace ringtmp::cli {

class FaultPlayer {
 public:
  // send(rank, signal): what delivers a signal (launch: kill(2) on the node's pid).
  using Send = std::function<void(int rank, int signal)>;

  FaultPlayer(const std::vector<Fault>& faults, Send send);

  // Sends every signal due at `elapsed_s` (seconds since the nodes' start), each with a line
  // on stdout; returns the seconds until the next one, or nothing once all are sent.
  std::optional<double> play(double elapsed_s);
  // `running(rank)`: whether the node's process still runs. Once only killed nodes do, they
  // are ended (SIGKILL): they were silent since their fault.
  void end_killed_if_alone(const std::function<bool(int)>& running, int nodes);
  // The launch is stopping: a stopped process would never see its SIGTERM, so every node
  // still paused is continued now, and every killed one ended.
  void release();
  // When `rank` was killed (its stop), seconds since the nodes' start; nothing if it was not.
  std::optional<double> killed_at(int rank) const;

 private:
  struct Step {
    double at_s;
    int rank;
    int signal;
    bool for_good;     // a kill's stop
    std::string why;  // the schedule's item, for the line printed
  };
  std::vector<Step> steps_;  // by time; a pause's SIGCONT after its SIGSTOP
  size_t next_ = 0;
  std::vector<int> paused_;  // ranks stopped and not yet continued
  std::vector<int> killed_;  // ranks stopped for good, not yet ended
  std::vector<std::pair<int, double>> kill_times_;  // (rank, when)
  Send send_;
};

}  // namespace ringtmp::cli
