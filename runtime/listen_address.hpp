#pragma once
// Which address a runtime node binds: the host of its own line in the peers file, so that
// it listens where its peers will call it and nowhere else (`launch --local` lines are
// 127.0.0.1, `--netns` lines the namespace's address). A node that must listen elsewhere
// (every interface behind a NAT, say) is told so explicitly: `ringtmp node --listen`.
//
//   an IP address      itself; 0.0.0.0 or :: means every interface, when the line says so
//   localhost          127.0.0.1 (or what it resolves to)
//   another name       the first address it resolves to on this device; but when that is a
//                      loopback address (Debian maps a host's own name to 127.0.1.1), the
//                      peers, who reach it under that name from elsewhere, could not:
//                      then 0.0.0.0
#include <string>

#include "core/status.hpp"
#include "runtime/peers_file.hpp"

namespace ringtmp {

// The address to bind for `own` (this node's peers line). Error when a name does not
// resolve: "its own line's host 'pi9' does not resolve on this device (...)".
StatusOr<std::string> listen_address_for(const PeerAddress& own);

}  // namespace ringtmp
