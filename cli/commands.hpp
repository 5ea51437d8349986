#pragma once
// One function per subcommand; each returns the process exit code.
#include <string>
#include <vector>

namespace ringtmp::cli {

int train_command(const std::vector<std::string>& args);
int sim_command(const std::vector<std::string>& args);
int calibrate_command(const std::vector<std::string>& args);
int node_command(const std::vector<std::string>& args);
int launch_command(const std::vector<std::string>& args);
int merge_command(const std::vector<std::string>& args);
int validate_command(const std::vector<std::string>& args);
int maxmodel_command(const std::vector<std::string>& args);
int figures_command(const std::vector<std::string>& args);

}  // namespace ringtmp::cli
