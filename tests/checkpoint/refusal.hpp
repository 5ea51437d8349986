#pragma once
// The checkpoint tests' view of a refusal: it must be one, on one line.
#include <string>

#include <doctest/doctest.h>

#include "core/status.hpp"

namespace ringtmp::testing {

template <class T>
std::string refusal(const StatusOr<T>& s) {
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().message().find('\n') == std::string::npos);
  return s.status().message();
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace ringtmp::testing
