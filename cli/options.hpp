#pragma once
// Command-line and INI parsing into the typed RunConfig. Every flag is also an INI key of
// the same name (without the dashes); flags win over the file.
#include <map>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/status.hpp"

namespace ringtmp::cli {

struct ParsedArgs {
  RunConfig config;
  bool help = false;
  std::string help_text;
  std::map<std::string, std::string> extra;  // the command's own flags that were given
};

// A flag of one command only (command line, not INI): name and help text.
struct ExtraFlag {
  std::string name, help;
  std::string implicit;  // non-empty: the flag may stand alone and means this value
};

// args: the words after the subcommand. An error names the flag, key or file at fault.
StatusOr<ParsedArgs> parse_run_args(const std::string& command, const std::vector<std::string>& args,
                                    const std::vector<ExtraFlag>& extra = {});

// A command's own numeric flag (`--name text`), the whole text a number in [low, high];
// otherwise the error "invalid value for name: 'text' (low..high)".
StatusOr<int> int_flag(const std::string& name, const std::string& text, int low, int high);
StatusOr<double> seconds_flag(const std::string& name, const std::string& text, double low, double high);

// The config as an INI file parse_run_args reads back to the same RunConfig (every key;
// numbers in round-trip form): how `launch` hands its exact config to its nodes.
std::string config_ini(const RunConfig& c);

}  // namespace ringtmp::cli
