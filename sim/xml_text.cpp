#include "sim/xml_text.hpp"

#include <algorithm>
#include <cctype>

namespace ringtmp::sim {

Status check_platform_xml_text(std::string_view xml, const std::string& path) {
  int line = 1;
  for (size_t i = 0; i < xml.size(); ++i) {
    if (xml[i] == '\n') ++line;
    if (xml[i] != '<') continue;
    const auto rest = xml.substr(i + 1);
    if (rest.starts_with("!--")) {  // a comment may mention anything
      const size_t end = xml.find("-->", i + 4);
      const size_t stop = end == xml.npos ? xml.size() : end + 3;
      line += int(std::count(xml.begin() + ptrdiff_t(i), xml.begin() + ptrdiff_t(stop), '\n'));
      i = stop - 1;
      continue;
    }
    for (std::string_view tag : {"include", "mount"}) {
      if (!rest.starts_with(tag)) continue;
      const bool whole_name = rest.size() == tag.size() || std::isspace(static_cast<unsigned char>(rest[tag.size()])) ||
                              rest[tag.size()] == '/' || rest[tag.size()] == '>';
      if (whole_name)
        return Status::errorf("platform {}:{}: <{}> is not supported (SimGrid 3.32 stops on it: {})", path, line, tag,
                              tag == "include" ? "put the included platform's content in its place"
                                               : "storage mounts were removed in SimGrid 3.27");
    }
  }
  return {};
}

}  // namespace ringtmp::sim
