#include "cli/options.hpp"

#include <filesystem>
#include <fstream>
#include <string_view>
#include <sstream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "core/platform/profiles.hpp"
#include "core/quote_input.hpp"
#include "core/settings.hpp"
#include "core/text_file.hpp"

namespace ringtmp::cli {
namespace po = boost::program_options;
namespace {

// One option per setting of the table. Everything is read as text and converted by the
// setting itself, so a bad value gets one message that names the key and says what is allowed.
// Built once: the table is fixed, and building sixty options with their help lines was most
// of the cost of reading a command line.
po::options_description build_run_options() {
  po::options_description o("Run options (each is also a key in the --config INI file)");
  for (const auto& s : setting_table()) {
    auto* value = po::value<std::string>();
    if (s.kind == SettingKind::boolean) value->implicit_value("true");
    o.add_options()(std::string(s.key).c_str(), value, s.help_line().c_str());
  }
  return o;
}
const po::options_description& run_options() {
  static const po::options_description options = build_run_options();
  return options;
}

// Boost's error messages fill in placeholders (%canonical_option%, %value%, %invalid_line%)
// by replacing until none is left: a user's word or config line that holds a placeholder
// never ends (`--%canonical_option%` hung; found by run_options_fuzz). So no '%' reaches
// boost: it travels as a private-use character and is restored in values and messages.
constexpr std::string_view kPercent = "%";
constexpr std::string_view kPercentStandIn = "\xee\x80\xa5";  // U+E025

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}
std::string hide_percent(std::string_view text) { return replace_all(std::string(text), kPercent, kPercentStandIn); }
std::string restore_percent(std::string_view text) { return replace_all(std::string(text), kPercentStandIn, kPercent); }

// Sets the settings `vm` names; range and consistency checks come after all sources are in.
Status assign_options(const po::variables_map& vm, RunConfig& c) {
  for (const auto& s : setting_table()) {
    const std::string key(s.key);
    if (!vm.count(key)) continue;
    if (auto status = s.assign(c, restore_percent(vm[key].as<std::string>())); !status.ok()) return status;
  }
  return {};
}

// Boost's default style would also take a prefix of a name (--strat for --strategy): a
// typo or a future flag of the same prefix would then silently mean something else.
// Boost's messages quote the offending option or value as read: cut and made printable.
constexpr std::size_t kBoostMessageBytes = 160;

constexpr int kStyle = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;

template <class Number>
StatusOr<Number> number_flag(const std::string& name, const std::string& text, Number low, Number high) {
  const auto value = parse_number<Number>(text);
  if (!value || !(*value >= low && *value <= high))
    return Status::errorf("invalid value for {}: {} ({}..{})", name, quote_input(text), low, high);
  return *value;
}

}  // namespace

Status apply_config_text(std::string_view text, std::string_view name, RunConfig& c) {
  std::istringstream file(hide_percent(text));
  po::variables_map from_file;
  try {
    po::store(po::parse_config_file(file, run_options(), /*allow_unregistered=*/false), from_file);
  } catch (const po::error& e) {
    return Status::errorf("{}: {}", name, escape_input(restore_percent(e.what()), kBoostMessageBytes));
  }
  if (auto s = assign_options(from_file, c); !s.ok()) return Status::errorf("{}: {}", name, s.message());
  return {};
}

StatusOr<ParsedArgs> read_run_args(const std::string& command, const std::vector<std::string>& args,
                                   const std::vector<ExtraFlag>& extra) {
  po::options_description general("General");
  general.add_options()("help,h", "show this help")(
      "config", po::value<std::string>(), "INI file of run options (flags win over it)");
  for (const auto& f : extra) {
    auto* value = po::value<std::string>();
    if (!f.implicit.empty()) value->implicit_value(f.implicit);
    general.add_options()(f.name.c_str(), value, f.help.c_str());
  }
  const po::options_description& all = run_options();
  po::options_description visible(fmt::format("Usage: ringtmp {} [options]", command));
  visible.add(general).add(all);

  ParsedArgs parsed;
  po::variables_map cli;
  try {
    po::options_description cmdline;
    cmdline.add(general).add(all);
    std::vector<std::string> hidden;
    for (const auto& a : args) hidden.push_back(hide_percent(a));
    const auto parsed_args = po::command_line_parser(hidden).options(cmdline).style(kStyle).run();
    for (const auto& word : po::collect_unrecognized(parsed_args.options, po::include_positional))
      return Status::errorf("unexpected argument {} (see ringtmp {} --help)", quote_input(restore_percent(word)),
                            command);
    po::store(parsed_args, cli);
  } catch (const po::error& e) {
    return Status::errorf("{} (see ringtmp {} --help)", escape_input(restore_percent(e.what()), kBoostMessageBytes),
                          command);
  }
  if (cli.count("help")) {
    std::ostringstream text;
    text << visible;
    parsed.help = true;
    parsed.help_text = text.str();
    return parsed;
  }
  // The file first, the flags over it: a bad value in the file is blamed on the file.
  if (cli.count("config")) {
    const std::string path = restore_percent(cli["config"].as<std::string>());
    auto text = read_text_file(path, "config file", size_t(1) << 20);  // a config is a few dozen lines
    if (!text.ok()) return text.status();
    if (auto s = apply_config_text(*text, fmt::format("config file {}", printable_path(path)), parsed.config); !s.ok()) return s;
  }
  if (auto s = assign_options(cli, parsed.config); !s.ok()) return s;
  for (const auto& f : extra)
    if (cli.count(f.name)) parsed.extra[f.name] = restore_percent(cli[f.name].as<std::string>());
  return parsed;
}

StatusOr<ParsedArgs> parse_run_args(const std::string& command, const std::vector<std::string>& args,
                                    const std::vector<ExtraFlag>& extra,
                                    const std::function<Status(const RunConfig&)>& check_first) {
  auto parsed = read_run_args(command, args, extra);
  if (!parsed.ok() || parsed->help) return parsed;
  if (check_first)
    if (auto s = check_first(parsed->config); !s.ok()) return s;
  if (auto s = parsed->config.validate(); !s.ok()) return s;
  if (auto s = resolve_auto_threads(parsed->config); !s.ok()) return s;
  return parsed;
}

Status resolve_auto_threads(RunConfig& c) {
  if (c.threads != 0) return {};
  if (!c.platform.empty())
    return Status::errorf("invalid value for threads: 'auto' (a --platform XML states no cores: give a count)");
  auto devices = load_devices(default_platforms_dir(), c.device, cluster_ranks(c));
  if (!devices.ok()) return devices.status();
  for (const auto& d : *devices)
    if (d.cores != devices->front().cores)
      return Status::errorf("invalid value for threads: 'auto' ({} has {} cores, {} {}: give a count)", d.name,
                            d.cores, devices->front().name, devices->front().cores);
  c.threads = std::min(devices->front().cores, 256);
  return {};
}

StatusOr<int> int_flag(const std::string& name, const std::string& text, int low, int high) {
  return number_flag(name, text, low, high);
}

StatusOr<double> seconds_flag(const std::string& name, const std::string& text, double low, double high) {
  return number_flag(name, text, low, high);
}

}  // namespace ringtmp::cli
