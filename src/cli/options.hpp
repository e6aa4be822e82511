#pragma once
// Option definitions shared by the sub-commands (CLI11): value checks that
// every command applies alike, so that `--note --json` is refused instead of
// recording the note "--json", and an empty `--org ""` never reaches a store.
#include <CLI/CLI.hpp>
#include <cstddef>
#include <string>
#include <vector>

namespace pm::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // a store or tool failure (scan: findings at or above the thresholds)
inline constexpr int kExitUsage = 2;    // the command line, the configuration or the input is wrong

// A value that is present, not blank, free of control characters, and not an
// option name: a valued option followed by another option (`--note --json`)
// got no value. A value that really starts with "--" is refused too; none of
// ours needs one.
CLI::Validator plain_value();
// A rule analyze_dissonance reports (the catalogue and MD-000); the message
// lists them.
CLI::Validator rule_id();
// An organisation id within kMaxOrgBytes, the limit the tools' orgId has.
inline constexpr std::size_t kMaxOrgBytes = 256;
CLI::Validator org_id();
// An RFC 4122 UUID (8-4-4-4-12 hex digits).
CLI::Validator uuid();
// An ISO-8601 date or date-time from 2000-01-01 up to the end of 2099;
// `past_only` refuses one after now.
CLI::Validator iso_date(bool past_only);
// OWNER/NAME.
CLI::Validator repository_name();

// `--name VALUE` with plain_value(); the description is the help line.
CLI::Option* add_value(CLI::App* app, const std::string& name, std::string& into, const std::string& description);
// `--name VALUE`, repeatable.
CLI::Option* add_value(CLI::App* app, const std::string& name, std::vector<std::string>& into,
                       const std::string& description);
// The `--json` flag every command takes.
CLI::Option* add_json_flag(CLI::App* app, bool& into, const std::string& description);

}  // namespace pm::cli
