#pragma once
// Command-line and INI parsing into the typed RunConfig. Every setting of the table in
// core/settings.hpp is a flag (--key) and an INI key of the same name; flags win over the
// file. Option names must be written whole (no prefix guessing: --strat is an error).
#include <functional>
#include <map>
#include <string>
#include <string_view>
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

// An INI file's text over `c` (its keys win), as --config reads a file; errors start with
// `name` ("config file run.ini"). Not validated.
Status apply_config_text(std::string_view text, std::string_view name, RunConfig& c);

// args: the words after the subcommand. An error names the flag, key or file at fault.
// The config is read but not validated.
StatusOr<ParsedArgs> read_run_args(const std::string& command, const std::vector<std::string>& args,
                                   const std::vector<ExtraFlag>& extra = {});

// read_run_args, then `check_first` (a command's own refusals, which explain more than a
// range check would: "strategy local has no cluster"), then RunConfig::validate.
// --threads auto (0) becomes the device profile's cores (every rank's must agree); a count
// stays. parse_run_args calls it, so a run's config.ini holds the count it ran with.
Status resolve_auto_threads(RunConfig& c);

StatusOr<ParsedArgs> parse_run_args(const std::string& command, const std::vector<std::string>& args,
                                    const std::vector<ExtraFlag>& extra = {},
                                    const std::function<Status(const RunConfig&)>& check_first = {});

// A command's own numeric flag (`--name text`), the whole text a number in [low, high]
// (read by parse_number, as the settings are); otherwise the error
// "invalid value for name: 'text' (low..high)".
StatusOr<int> int_flag(const std::string& name, const std::string& text, int low, int high);
StatusOr<double> seconds_flag(const std::string& name, const std::string& text, double low, double high);

}  // namespace ringtmp::cli
