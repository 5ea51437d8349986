#pragma once
// For the tests that prove the settings table complete: a config whose one setting differs
// from the defaults, made from the setting's kind alone, so a setting added to the table is
// covered without touching the tests.
#include <stdexcept>
#include <string>
#include <vector>

#include "core/settings.hpp"

namespace ringtmp::testing {

// A value text for `s` other than its default (not necessarily valid with the other fields).
inline std::string other_value(const SettingSpec& s) {
  const std::string now = s.show(RunConfig{});
  auto either = [&](std::string a, std::string b) { return now == a ? b : a; };
  switch (s.kind) {
    case SettingKind::integer: return either("3", "4");
    case SettingKind::real: return either("0.25", "0.5");
    case SettingKind::boolean: return now == "true" ? "false" : "true";
    case SettingKind::choice:
      for (auto c : s.choices)
        if (c != now) return std::string(c);
      return now;
    case SettingKind::int_list: return either("5,6,7", "5,6");
    case SettingKind::text: return std::string("changed-").append(s.key);
    case SettingKind::bytes: return either("2M", "3M");
  }
  return now;
}

// The defaults with `s` set to other_value(s).
inline RunConfig with_other_value(const SettingSpec& s) {
  RunConfig c;
  const Status assigned = s.assign(c, other_value(s));
  if (!assigned.ok()) throw std::runtime_error(assigned.message());
  return c;
}

}  // namespace ringtmp::testing
