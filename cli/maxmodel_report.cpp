#include "cli/maxmodel_report.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/platform/byte_size.hpp"

namespace ringtmp::cli {
namespace {

std::string grow_name(Grow g) { return g == Grow::width ? "width" : "depth"; }

// The grown dimension of a row: "width 9821", "depth 1290".
std::string size_text(const Row& row) {
  return fmt::format("{} {}", grow_name(row.growth.grow), row.found.size);
}

}  // namespace

std::string gnuplot_quoted(std::string_view text) {
  std::string out = "'";
  for (char ch : text) {
    if (ch == '\'') out += "''";
    else if (ch != '\n') out += ch;
  }
  return out + "'";
}

namespace {

std::string confirmed_cell(const MaxModelReport& r, const Row& row) {
  if (!row.found.found) return "-";
  if (!r.confirmed) return "skipped";
  return row.confirmation.matches ? "yes" : "no";
}

// How the largest count moves from the smallest N to the largest (where both found one).
std::string trend(const Row& first, const Row& last) {
  if (&first == &last) return "";
  const double ratio = double(last.found.params) / double(first.found.params);
  const std::string span = fmt::format("N = {} -> {}", first.nodes, last.nodes);
  if (ratio >= 1.5) return fmt::format("grows with N (x{:.3g}, {})", ratio, span);
  if (ratio <= 1 / 1.5) return fmt::format("shrinks with N (x{:.3g}, {})", ratio, span);
  return fmt::format("flat in N (x{:.3g}, {})", ratio, span);
}

}  // namespace

std::vector<Variant> variants_of(std::string_view strategy) {
  const Variant ring_gpipe{StrategyKind::ring, Schedule::gpipe, false, false, "gpipe", "ring gpipe"};
  const Variant ring_1f1b{StrategyKind::ring, Schedule::one_f_one_b, false, false, "1f1b", "ring 1f1b"};
  const Variant ring_async{StrategyKind::ring, Schedule::async, false, false, "async", "ring async"};
  const Variant ps_one{StrategyKind::ps, Schedule::one_f_one_b, false, false, "1-server", "ps (1 server)"};
  const Variant ps_many{StrategyKind::ps, Schedule::one_f_one_b, true, false, "n/4-servers", "ps (N/4 servers)"};
  const Variant ps_colocated{StrategyKind::ps, Schedule::one_f_one_b, false, true, "co-located",
                             "ps (N servers on the workers' devices)"};
  const Variant allreduce{StrategyKind::allreduce, Schedule::one_f_one_b, false, false, "-", "allreduce"};
  if (strategy == "ring") return {ring_gpipe, ring_1f1b, ring_async};
  if (strategy == "ps") return {ps_one, ps_many, ps_colocated};
  if (strategy == "allreduce") return {allreduce};
  if (strategy == "all") return {ring_gpipe, ring_1f1b, ring_async, ps_one, ps_many, ps_colocated, allreduce};
  return {};
}

RunConfig with_variant(const RunConfig& base, const Variant& v, int nodes) {
  RunConfig c = base;
  c.strategy = v.strategy;
  c.nodes = nodes;
  if (v.strategy == StrategyKind::ring) c.schedule = v.schedule;
  if (v.strategy == StrategyKind::ps) c.servers = v.colocated ? nodes : v.many_servers ? std::max(1, nodes / 4) : 1;
  c.colocate_servers = v.colocated;
  return c;
}

std::string format_count(int64_t count) {
  constexpr std::pair<double, const char*> units[] = {{1e15, "P"}, {1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "K"}};
  for (const auto& [scale, unit] : units)
    if (double(count) >= scale) {
      const double v = double(count) / scale;
      return fmt::format("{:.{}f} {}", v, v >= 100 ? 0 : v >= 10 ? 1 : 2, unit);
    }
  return fmt::format("{}", count);
}

std::string maxmodel_csv(const MaxModelReport& r, const std::vector<Row>& rows) {
  std::string csv =
      "strategy,variant,nodes,servers,device,grow,params,width,hidden_layers,tightest_node,tightest_role,"
      "tightest_bytes,budget_bytes,shadows,capped,confirmed\n";
  for (const Row& row : rows) {
    const Fit& fit = row.found.fit;
    const NodeMemory& tight = fit.plan.at(size_t(fit.tightest));
    const int width = row.found.layers.at(1);
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", to_string(row.variant.strategy),
                       row.variant.name, row.nodes, row.variant.strategy == StrategyKind::ps ? row.config.servers : 0,
                       r.base.device, grow_name(r.grow), row.found.found ? row.found.params : 0, width,
                       row.found.layers.size() - 2, tight.rank, tight.role, tight.peak.total(),
                       row.devices.at(size_t(fit.tightest)).budget, r.shadows ? "yes" : "no",
                       row.found.capped ? "yes" : "no", confirmed_cell(r, row));
  }
  return csv;
}

std::string maxmodel_gnuplot(const MaxModelReport& r, const std::vector<Row>& rows) {
  std::string script = fmt::format(
      "# ringtmp maxmodel's figure: gnuplot -e \"out_dir='.'\" maxmodel.gp, in its folder\n"
      "set terminal pngcairo size 720,480 font ',10'\nset output out_dir.'/maxmodel.png'\n"
      "set title {}\nset xlabel 'devices N (ring stages; ps and allreduce workers)'\n"
      "set ylabel 'largest trainable model (parameters)'\nset logscale xy 2\nset logscale y 10\n"
      "set format y '10^{{%L}}'\nset key outside right top\nset grid\n",
      gnuplot_quoted(fmt::format("Largest model that fits: {} x N, grow {}{}", r.base.device, grow_name(r.grow),
                                 r.shadows ? ", with resilience copies" : "")));
  std::string plot;
  std::vector<std::string> labels;
  for (const Row& row : rows)
    if (std::find(labels.begin(), labels.end(), row.variant.label) == labels.end()) labels.push_back(row.variant.label);
  for (size_t k = 0; k < labels.size(); ++k) {
    std::string block;
    for (const Row& row : rows)
      if (row.variant.label == labels[k] && row.found.found) block += fmt::format("{} {}\n", row.nodes, row.found.params);
    if (block.empty()) continue;
    script += fmt::format("$v{} << EOD\n{}EOD\n", k, block);
    plot += fmt::format("{}$v{} using 1:2 with linespoints lw 2 pt {} title {}", plot.empty() ? "plot " : ", ", k, k + 4,
                        gnuplot_quoted(labels[k]));
  }
  return script + plot + "\n";
}

void print_maxmodel(const MaxModelReport& r, const std::vector<Row>& rows) {
  const RunConfig& c = r.base;
  fmt::print("model  {} growth of --layers {}: {}; batch {}, {} micro-batches, momentum {}; dataset {} (every "
             "node that reads data holds it)\n",
             grow_name(r.grow), join_ints(c.layers),
             r.grow == Grow::width
                 ? "every hidden layer one width W, with max(base hidden layers, N-1) hidden layers so each ring "
                   "stage has a weighted layer (the same pattern for every strategy at that N)"
                 : fmt::format("D hidden layers of width {} (the ring at least N-1)", c.layers.at(1)),
             c.batch, c.microbatches, c.momentum, to_string(c.dataset));
  fmt::print("budget {}; ps: N workers plus its servers as extra devices, or co-located on theirs; {}\n",
             c.memory_budget > 0 ? fmt::format("--memory-budget {} per node", format_bytes(c.memory_budget))
                                 : fmt::format("each {} device's usable memory", c.device),
             r.shadows ? "with resilience copies (ring: the next stage's params and momentum; ps: 1 server replica "
                         "with 2+ servers; not simulated yet, so confirmations leave them out)"
                       : "no resilience copies (--shadows to count them)");
  std::vector<int> ns;
  for (const Row& row : rows)
    if (std::find(ns.begin(), ns.end(), row.nodes) == ns.end()) ns.push_back(row.nodes);
  std::string header = fmt::format("{:<18}", "params by N");
  for (int n : ns) header += fmt::format("{:>10}", n);
  fmt::print("{}\n", header);
  std::vector<std::string> labels;
  for (const Row& row : rows)
    if (std::find(labels.begin(), labels.end(), row.variant.label) == labels.end()) labels.push_back(row.variant.label);
  for (const auto& label : labels) {
    std::string line = fmt::format("{:<18}", label);
    for (const Row& row : rows)
      if (row.variant.label == label) line += fmt::format("{:>10}", row.found.found ? format_count(row.found.params) : "none");
    fmt::print("{}\n", line);
  }
  for (const auto& label : labels) {
    const Row *first = nullptr, *last = nullptr;
    for (const Row& row : rows)
      if (row.variant.label == label && row.found.found) {
        if (!first) first = &row;
        last = &row;
      }
    if (!last) {
      fmt::print("{}: nothing fits at any N\n", label);
      continue;
    }
    const NodeMemory& tight = last->found.fit.plan.at(size_t(last->found.fit.tightest));
    fmt::print("{}: {} x {} trains up to {}{} params ({}; binds: node {}, {}, {} of {}){}{}\n", label, last->nodes,
               c.device, last->found.capped ? "at least " : "", format_count(last->found.params), size_text(*last),
               tight.rank, tight.role, format_bytes(tight.peak.total()),
               format_bytes(last->devices.at(size_t(last->found.fit.tightest)).budget),
               first == last ? "" : "; ", trend(*first, *last));
  }
}

}  // namespace ringtmp::cli
