#pragma once
// The table of settings: one declaration per RunConfig field (core/settings.cpp) says its
// key (the flag --key and the INI key), help, default, range, how its text is read and
// written, and whether it changes what is computed. Everything that lists settings reads
// this table: the CLI's flags and INI reader (cli/options.cpp builds its
// options_description from it), validation of each setting's range, the INI a run folder
// and `launch` write, summary.json's "config" object and the runtime's config digest.
//
// Adding a setting: a field in RunConfig (core/config.hpp) and one line in the table.
// A check that involves two fields goes in RunConfig::validate (core/config.cpp).
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/parse_number.hpp"  // the one number reader of flags and INI values
#include "core/status.hpp"

namespace ringtmp {

// bytes: a size in bytes, written with parse_byte_size's suffixes ("2G"); shown exactly.
enum class SettingKind { integer, real, boolean, choice, text, int_list, bytes };

struct SettingSpec {
  std::string_view key;   // "batch": --batch on the command line, "batch = 64" in an INI file
  SettingKind kind = SettingKind::text;
  std::string_view help;  // one line; choices and the default are appended by help_line()
  bool computes = true;   // false: may differ per device (paths, timeouts, the platform), so
                          // it stays out of the config digest
  std::string_view default_note;          // shown instead of the default value, when set
  std::vector<std::string_view> choices;  // kind choice: the names a value may take
  std::function<std::string(const RunConfig&)> show;                 // round-trip text
  std::function<Status(RunConfig&, std::string_view text)> assign;  // "invalid value for KEY: ..."
  std::function<std::string(const RunConfig&)> out_of_range;         // why not, or empty

  // Marks a setting that may differ between the devices of one run.
  SettingSpec&& per_device() && {
    computes = false;
    return std::move(*this);
  }
  SettingSpec&& default_is(std::string_view note) && {
    default_note = note;
    return std::move(*this);
  }
  // "ring schedule: gpipe | 1f1b | async (default 1f1b)"
  std::string help_line() const;
};

// Every setting, in a fixed order (the order of INI files and of the digest's text).
std::span<const SettingSpec> setting_table();
const SettingSpec* find_setting(std::string_view key);

// The first setting whose value is out of its own range, as
// "invalid value for KEY: VALUE (why)"; ok when all are in range.
Status check_setting_ranges(const RunConfig& c);

// A config's settings as key and value text, in the table's order.
struct Setting {
  std::string_view key;
  std::string value;
  bool computes = true;
  SettingKind kind = SettingKind::text;
};
std::vector<Setting> settings(const RunConfig& c);

// The config as an INI file that the CLI reads back to the same RunConfig (every setting
// with a value; numbers in shortest round-trip form). `header`: comment lines to open with.
std::string config_ini(const RunConfig& c, std::string_view header = "written by ringtmp: the run's whole configuration");

// The settings that change what is computed, one "key=value" line each in the table's
// order, after a version line: what the runtime's config digest hashes, and what a
// checkpoint file holds to explain a mismatch by naming the setting.
std::string canonical_config(const RunConfig& c);

}  // namespace ringtmp
