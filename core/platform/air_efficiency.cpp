#include "core/platform/air_efficiency.hpp"

#include <sstream>

#include "core/parse_number.hpp"
#include "core/quote_input.hpp"

namespace ringtmp {

StatusOr<AirEfficiency> AirEfficiency::parse(const std::string& text, const std::string& what) {
  AirEfficiency e;
  std::istringstream in(text);
  std::string point;
  while (in >> point) {
    const auto colon = point.find(':');
    const auto flows = colon == std::string::npos ? std::nullopt : parse_number<long>(point.substr(0, colon));
    const auto fraction = colon == std::string::npos ? std::nullopt : parse_number<double>(point.substr(colon + 1));
    if (!flows || !fraction)
      return Status::errorf("{}: point {} is not flows:fraction (e.g. 8:0.81)", what, quote_input(point));
    if (*flows < 2 || *flows > 100000)
      return Status::errorf("{}: point {}: flows must be a whole number in 2..100000 (one flow keeps the whole air)",
                            what, quote_input(point));
    if (!(*fraction > 0 && *fraction <= 1))
      return Status::errorf("{}: point {}: the fraction must be in (0, 1]", what, quote_input(point));
    if (!e.points_.empty() && *flows <= e.points_.back().first)
      return Status::errorf("{}: point {}: flow counts must increase", what, quote_input(point));
    e.points_.emplace_back(int(*flows), *fraction);
  }
  if (e.points_.empty()) return Status::errorf("{}: no flows:fraction point", what);
  return e;
}

double AirEfficiency::at(int flows) const {
  if (points_.empty() || flows <= 1) return 1;
  int below_flows = 1;
  double below = 1;
  for (const auto& [k, f] : points_) {
    if (flows <= k) return below + (f - below) * double(flows - below_flows) / double(k - below_flows);
    below_flows = k;
    below = f;
  }
  return below;
}

}  // namespace ringtmp
