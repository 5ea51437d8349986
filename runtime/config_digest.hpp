#pragma once
// A hash of the run configuration, compared in the handshake: two nodes only train together
// when they would compute the same run. It covers the fields that change what is computed
// (strategy, model, optimiser, data, seed, sizes) and leaves out the ones that may
// legitimately differ per device: data_dir (where this device keeps the dataset), out (this
// node's output folder) and peer_timeout (how long this node is willing to wait).
//
// The canonical form is text, one "key=value" line per setting that `computes` in the order
// of the settings table (core/settings.hpp), numbers in shortest round-trip form (so 0.1 and
// 0.1000001 differ, and no locale or printing precision can make two different configs
// equal). A setting added to the table is covered (or, marked per_device, left out) by its
// declaration; that changes every digest, which is harmless (all nodes of a run use the
// same binary).
#include <array>
#include <cstdint>
#include <string>

#include "core/config.hpp"
#include "core/settings.hpp"

namespace ringtmp {

using ConfigDigest = std::array<uint8_t, 32>;  // SHA-256

// The text hashed is canonical_config(c) (core/settings.hpp).
ConfigDigest config_digest(const RunConfig& c);

// First `digits` hexadecimal digits, for error lines ("config a1b2c3d4 vs 9f8e7d6c").
std::string short_hex(const ConfigDigest& d, int digits = 12);

}  // namespace ringtmp
