#pragma once
// Command-line and INI parsing into the typed RunConfig. Every flag is also an INI key of
// the same name (without the dashes); flags win over the file.
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/status.hpp"

namespace ringtmp::cli {

struct ParsedArgs {
  RunConfig config;
  bool help = false;
  std::string help_text;
};

// args: the words after the subcommand. An error names the flag, key or file at fault.
StatusOr<ParsedArgs> parse_run_args(const std::string& command, const std::vector<std::string>& args);

}  // namespace ringtmp::cli
