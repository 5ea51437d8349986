#pragma once
// Reading a small text input (peers file, key file) whole, with errors that name it the way
// the user knows it: "<what> <path>: cannot open it".
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace ringtmp {

inline StatusOr<std::string> read_text_file(const std::string& path, std::string_view what) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return Status::errorf("{} {}: is a directory", what, path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::errorf("{} {}: cannot open it", what, path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::errorf("{} {}: read error", what, path);
  return text.str();
}

}  // namespace ringtmp
