#include "cli/options.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <type_traits>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "core/text_file.hpp"

namespace ringtmp::cli {
namespace po = boost::program_options;
namespace {

po::options_description run_options() {
  po::options_description o("Run options (each is also a key in the --config INI file)");
  // Everything is read as text and converted by us, so a bad value gets one message that
  // names the key and says what is allowed.
  auto text = [] { return po::value<std::string>(); };
  o.add_options()
      ("strategy", text(), "local | ring | ps | allreduce (default local)")
      ("schedule", text(), "ring schedule: gpipe | 1f1b | async (default 1f1b)")
      ("ps-mode", text(), "parameter server mode: bsp | asp | ssp (default bsp)")
      ("staleness", text(), "ssp staleness bound S (default 0)")
      ("servers", text(), "parameter server shards K (default 1)")
      ("nodes", text(), "nodes N: ring stages or workers (default 1)")
      ("shard", text(), "data sharding across workers: iid | by-label (default iid)")
      ("layers", text(), "MLP widths, input first (default 784,256,128,10)")
      ("activation", text(), "hidden activation: relu | tanh (default relu)")
      ("batch", text(), "global minibatch size (default 64)")
      ("microbatches", text(), "micro-batches per minibatch (default 1)")
      ("lr", text(), "learning rate (default 0.05)")
      ("momentum", text(), "SGD momentum in [0,1) (default 0)")
      ("weight-decay", text(), "L2 weight decay (default 0)")
      ("epochs", text(), "epochs over the training set (default 1)")
      ("iterations", text(), "iterations; overrides --epochs when > 0")
      ("eval-every", text(), "iterations between test evaluations (default: end only)")
      ("seed", text(), "random seed (default 1)")
      ("dataset", text(), "fashion-mnist | synthetic (default fashion-mnist)")
      ("data-dir", text(), "Fashion-MNIST directory (default /usr/share/datasets/fashion-mnist)")
      ("synthetic-train", text(), "synthetic training samples (default 8192)")
      ("synthetic-test", text(), "synthetic test samples (default 2048)")
      ("peer-timeout", text(), "seconds a node waits for a peer's message (default 60)")
      ("out", text(), "run folder (default results/runs/<strategy>-<time>)")
      ("device", text(), "device profile, or a mix in rank order like pi4b*6,pi3b+*2 (default pi4b)")
      ("network", text(), "network profile: wifi-n | wifi-ac | ethernet-100m | ethernet-1g | ... (default wifi-n)")
      ("platform", text(), "sim: a SimGrid XML platform to use instead of --device/--network")
      ("timing-only", po::value<std::string>()->implicit_value("true"),
       "sim: charge flops and bytes, skip the numerics and the dataset (needs --iterations)")
      ("faults", text(), "sim: fault schedule, e.g. kill:3@120,pause:2@60+10 (seconds)");
  return o;
}

template <class T>
Status to_number(const std::string& key, const std::string& text, T& out) {
  if (std::is_unsigned_v<T> && text.find('-') != std::string::npos)
    return Status::errorf("invalid value for {}: '{}' must not be negative", key, text);
  std::istringstream in(text);
  T v{};
  in >> v;
  if (!in || !(in >> std::ws).eof())
    return Status::errorf("invalid value for {}: '{}' is not a {}", key, text,
                          std::is_integral_v<T> ? "whole number" : "number");
  out = v;
  return {};
}

template <class E>
Status to_enum(const std::string& key, const std::string& text, std::optional<E> (*parse)(std::string_view),
               const char* choices, E& out) {
  auto v = parse(text);
  if (!v) return Status::errorf("invalid value for {}: '{}' (choose {})", key, text, choices);
  out = *v;
  return {};
}

// Sets the fields `vm` names; range and consistency checks come after all sources are in.
Status assign_options(const po::variables_map& vm, RunConfig& c) {
  auto get = [&](const char* key) -> const std::string* {
    return vm.count(key) ? &vm[key].as<std::string>() : nullptr;
  };
  Status s;
  auto number = [&](const char* key, auto& field) {
    if (const auto* v = get(key); v && s.ok()) s = to_number(key, *v, field);
  };
  auto choice = [&](const char* key, auto parse, const char* choices, auto& field) {
    if (const auto* v = get(key); v && s.ok()) s = to_enum(key, *v, parse, choices, field);
  };
  choice("strategy", parse_strategy, "local|ring|ps|allreduce", c.strategy);
  choice("schedule", parse_schedule, "gpipe|1f1b|async", c.schedule);
  choice("ps-mode", parse_ps_mode, "bsp|asp|ssp", c.ps_mode);
  choice("shard", parse_shard_mode, "iid|by-label", c.shard);
  choice("activation", parse_activation, "relu|tanh", c.activation);
  choice("dataset", parse_dataset, "fashion-mnist|synthetic", c.dataset);
  number("staleness", c.staleness);
  number("servers", c.servers);
  number("nodes", c.nodes);
  number("batch", c.batch);
  number("microbatches", c.microbatches);
  number("lr", c.lr);
  number("momentum", c.momentum);
  number("weight-decay", c.weight_decay);
  number("epochs", c.epochs);
  number("iterations", c.iterations);
  number("eval-every", c.eval_every);
  number("seed", c.seed);
  number("synthetic-train", c.synthetic_train);
  number("synthetic-test", c.synthetic_test);
  number("peer-timeout", c.peer_timeout);
  if (!s.ok()) return s;
  if (const auto* v = get("layers")) {
    auto layers = parse_int_list(*v, "layers");
    if (!layers.ok()) return layers.status();
    c.layers = *layers;
  }
  if (const auto* v = get("data-dir")) c.data_dir = *v;
  if (const auto* v = get("out")) c.out = *v;
  if (const auto* v = get("device")) c.device = *v;
  if (const auto* v = get("network")) c.network = *v;
  if (const auto* v = get("platform")) c.platform = *v;
  if (const auto* v = get("faults")) c.faults = *v;
  if (const auto* v = get("timing-only")) {
    if (*v == "true" || *v == "1" || *v == "yes") c.timing_only = true;
    else if (*v == "false" || *v == "0" || *v == "no") c.timing_only = false;
    else return Status::errorf("invalid value for timing-only: '{}' (choose true|false)", *v);
  }
  return {};
}

}  // namespace

StatusOr<ParsedArgs> parse_run_args(const std::string& command, const std::vector<std::string>& args,
                                    const std::vector<ExtraFlag>& extra) {
  po::options_description general("General");
  general.add_options()("help,h", "show this help")(
      "config", po::value<std::string>(), "INI file of run options (flags win over it)");
  for (const auto& f : extra) {
    auto* value = po::value<std::string>();
    if (!f.implicit.empty()) value->implicit_value(f.implicit);
    general.add_options()(f.name.c_str(), value, f.help.c_str());
  }
  po::options_description all = run_options();
  po::options_description visible(fmt::format("Usage: ringtmp {} [options]", command));
  visible.add(general).add(all);

  ParsedArgs parsed;
  po::variables_map cli;
  try {
    po::options_description cmdline;
    cmdline.add(general).add(all);
    const auto parsed_args = po::command_line_parser(args).options(cmdline).run();
    for (const auto& word : po::collect_unrecognized(parsed_args.options, po::include_positional))
      return Status::errorf("unexpected argument '{}' (see ringtmp {} --help)", word, command);
    po::store(parsed_args, cli);
  } catch (const po::error& e) {
    return Status::errorf("{} (see ringtmp {} --help)", e.what(), command);
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
    const std::string path = cli["config"].as<std::string>();
    auto text = read_text_file(path, "config file", size_t(1) << 20);  // a config is a few dozen lines
    if (!text.ok()) return text.status();
    std::istringstream file(*text);
    po::variables_map from_file;
    try {
      po::store(po::parse_config_file(file, all, /*allow_unregistered=*/false), from_file);
    } catch (const po::error& e) {
      return Status::errorf("config file {}: {}", path, e.what());
    }
    if (auto s = assign_options(from_file, parsed.config); !s.ok())
      return Status::errorf("config file {}: {}", path, s.message());
  }
  if (auto s = assign_options(cli, parsed.config); !s.ok()) return s;
  for (const auto& f : extra)
    if (cli.count(f.name)) parsed.extra[f.name] = cli[f.name].as<std::string>();
  if (auto s = parsed.config.validate(); !s.ok()) return s;
  return parsed;
}

namespace {

template <class Number>
StatusOr<Number> number_flag(const std::string& name, const std::string& text, Number low, Number high) {
  size_t used = 0;
  Number value{};
  // stoi/stod would also take leading blanks, a '+' and (stod) hexadecimal.
  const bool plain = !text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '-' ||
                                       text[0] == '.') && text.find_first_of("xX") == std::string::npos;
  if (plain) {
    try {
      if constexpr (std::is_integral_v<Number>) value = std::stoi(text, &used);
      else value = std::stod(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
  }
  if (used == 0 || used != text.size() || !(value >= low && value <= high))
    return Status::errorf("invalid value for {}: '{}' ({}..{})", name, text, low, high);
  return value;
}

}  // namespace

StatusOr<int> int_flag(const std::string& name, const std::string& text, int low, int high) {
  return number_flag(name, text, low, high);
}

StatusOr<double> seconds_flag(const std::string& name, const std::string& text, double low, double high) {
  return number_flag(name, text, low, high);
}

std::string config_ini(const RunConfig& c) {
  std::string s = "# written by ringtmp: the run's whole configuration\n";
  for (const auto& setting : settings(c))
    if (!setting.value.empty()) s += fmt::format("{} = {}\n", setting.key, setting.value);
  return s;
}

}  // namespace ringtmp::cli
