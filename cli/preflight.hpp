#pragma once
// What `launch --hosts` checks on every device before anything starts: the same ringtmp
// version as the launcher, the dataset where the node will read it, memory available
// against the node's planned peak (problems: the launch stops), and what makes a Pi's
// timings lie without failing it (warnings): a CPU governor other than performance, Wi-Fi
// power save on wlan0 (a known cause of 100 ms-2 s latency spikes), undervoltage or
// throttling flags from vcgencmd. One shell script per device, its answers as
// "rt-key=value" lines; reading them is pure, so it is tested without a device.
#include <cstdint>
#include <string>
#include <vector>

#include "cli/remote_shell.hpp"

namespace ringtmp::cli {

struct PreflightNeeds {
  std::string ringtmp = "ringtmp";           // the binary on the device
  std::string version;                       // the launcher's `ringtmp --version` line
  std::string data_dir;                      // empty: no dataset read from files
  std::vector<std::string> dataset_files;    // names in data_dir (plain or .gz)
  int64_t peak_bytes = 0;                    // the node's planned peak, 0: not checked
  std::string role;                          // "stage 2 of 4", for the memory line
};

std::string preflight_script(const PreflightNeeds& needs);

struct PreflightFindings {
  std::vector<std::string> problems;  // each stops the launch
  std::vector<std::string> warnings;
};

PreflightFindings read_preflight(const RemoteResult& result, const PreflightNeeds& needs);

}  // namespace ringtmp::cli
