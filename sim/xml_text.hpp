#pragma once
// The bytes of a user's SimGrid XML platform, checked before SimGrid parses them: tags that
// SimGrid 3.32 dies on while parsing (xbt_die, no exception): <include> (removed in 3.18)
// and <mount> (3.27). Comments may mention them. No SimGrid here, so a fuzz target can link
// it alone; the checks on the loaded platform are in sim/xml_platform.*.
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace ringtmp::sim {

// Ok, or one line "platform PATH:LINE: <tag> is not supported (...)".
Status check_platform_xml_text(std::string_view xml, const std::string& path);

}  // namespace ringtmp::sim
