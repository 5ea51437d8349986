#include "cli/run_figures.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "core/settings.hpp"
#include "core/text_file.hpp"

namespace ringtmp::cli {
namespace {

using Row = std::map<std::string, std::string>;

std::vector<std::string> split_cells(std::string_view line) {
  std::vector<std::string> cells;
  size_t at = 0;
  while (true) {
    const size_t comma = line.find(',', at);
    cells.emplace_back(line.substr(at, comma == line.npos ? line.npos : comma - at));
    if (comma == line.npos) return cells;
    at = comma + 1;
  }
}

// Row `index` (0: the first after the header) of `file`, column `column`, as a finite
// number >= 0 (every figure a run writes is: seconds, bytes, a cross-entropy loss).
StatusOr<double> cell(const std::vector<Row>& rows, size_t index, const std::string& column, const std::string& file) {
  const auto it = rows[index].find(column);
  if (it == rows[index].end())
    return Status::errorf("{}: line {} has no '{}' column", file, index + 2, column);
  const auto v = parse_number<double>(it->second);
  if (!v || !std::isfinite(*v) || *v < 0)
    return Status::errorf("{}: line {}: '{}' is '{:.40}', not a number >= 0", file, index + 2, column, it->second);
  return *v;
}

}  // namespace

std::vector<Row> parse_csv(std::string_view text) {
  std::vector<Row> rows;
  std::vector<std::string> header;
  bool first = true;
  for (size_t at = 0; at < text.size();) {
    const size_t nl = std::min(text.find('\n', at), text.size());
    const auto cells = split_cells(text.substr(at, nl - at));
    at = nl + 1;
    if (first) {
      header = cells;
      first = false;
      continue;
    }
    Row row;
    for (size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
    rows.push_back(std::move(row));
  }
  return rows;
}

StatusOr<Figures> figures_from_csv(std::string_view iterations_csv, std::string_view nodes_csv,
                                   const std::string& dir) {
  const auto iterations = parse_csv(iterations_csv);
  const auto nodes = parse_csv(nodes_csv);
  if (iterations.size() < 2 || nodes.empty())
    return Status::errorf("{}: run folder incomplete (need 2+ iterations)", dir);
  const std::string iterations_file = dir + "/iterations.csv", nodes_file = dir + "/nodes.csv";
  Figures f;
  auto first = cell(iterations, 0, "time", iterations_file);
  auto last = cell(iterations, iterations.size() - 1, "time", iterations_file);
  if (!first.ok()) return first.status();
  if (!last.ok()) return last.status();
  f.iteration_s = (*last - *first) / double(iterations.size() - 1);
  double length = 0, bytes = 0;
  std::vector<double> idle(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    double node_length = 0;
    for (const char* column : {"busy_s", "idle_s", "send_s"}) {
      auto v = cell(nodes, i, column, nodes_file);
      if (!v.ok()) return v.status();
      node_length += *v;
      if (column == std::string_view("idle_s")) idle[i] = *v;
    }
    length = std::max(length, node_length);
    auto sent = cell(nodes, i, "bytes_sent", nodes_file);
    if (!sent.ok()) return sent.status();
    bytes += *sent;
  }
  for (double v : idle) f.idle_fraction += v / std::max(length, 1e-12) / double(nodes.size());
  f.bytes_per_iteration = bytes / double(iterations.size());
  for (size_t i = 0; i < iterations.size(); ++i) {
    const auto it = iterations[i].find("loss");
    if (it != iterations[i].end() && it->second.empty()) {  // a run without numerics has no loss
      f.losses.push_back(std::nan(""));
      continue;
    }
    auto loss = cell(iterations, i, "loss", iterations_file);
    if (!loss.ok()) return loss.status();
    f.losses.push_back(*loss);
  }
  return f;
}

StatusOr<Figures> read_figures(const std::filesystem::path& dir) {
  constexpr size_t kMaxCsvBytes = size_t(256) << 20;  // far above a run's: a line per iteration or node
  auto iterations = read_text_file((dir / "iterations.csv").string(), "", kMaxCsvBytes);
  if (!iterations.ok()) return iterations.status();
  auto nodes = read_text_file((dir / "nodes.csv").string(), "", kMaxCsvBytes);
  if (!nodes.ok()) return nodes.status();
  return figures_from_csv(*iterations, *nodes, dir.string());
}

double read_json_number(std::string_view text, std::string_view metric, std::string_view key) {
  const auto at = text.find(fmt::format("\"{}\"", metric));
  if (at == text.npos) return std::nan("");
  const std::string field = fmt::format("\"{}\": ", key);
  const auto k = text.find(field, at);
  if (k == text.npos) return std::nan("");
  // strtod needs a terminated string; the number is at most a few dozen characters.
  const std::string number(text.substr(k + field.size(), 64));
  return std::strtod(number.c_str(), nullptr);
}

}  // namespace ringtmp::cli
