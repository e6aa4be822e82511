#pragma once
// JSON type used across the project. Keys keep insertion order because the
// protocol surface (envelope, payloads) has a documented key order.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace pm {

using Json = nlohmann::ordered_json;

// Two-space indented, UTF-8 kept raw, invalid UTF-8 replaced by U+FFFD
// instead of throwing (file contents and paths are user input).
std::string dump_pretty(const Json& j);
// Single line, for the wire (newline-delimited JSON-RPC).
std::string dump_line(const Json& j);

// Deepest nesting of arrays/objects parse_or_discard accepts. nlohmann's copy,
// comparison, dump and destruction recurse once per level, so a few megabytes
// of '[' would overflow the stack; nothing we read legitimately nests this deep.
inline constexpr std::size_t kMaxJsonDepth = 512;

// Parses without throwing; returns discarded() on error or when the text
// nests deeper than kMaxJsonDepth.
Json parse_or_discard(std::string_view text);
// True when the brackets outside strings nest deeper than `limit` (why a text was refused).
bool json_nests_deeper_than(std::string_view text, std::size_t limit);
// Why parse_or_discard refused `text`, to follow "<the file> ": "is not UTF-8 text",
// "nests arrays/objects deeper than the limit of 512 levels" or "is not valid JSON".
std::string json_refusal(std::string_view text);

// True when `text` is well-formed UTF-8 (JSON text must be; file names and
// contents need not be, and are shown with U+FFFD where they are not).
bool is_valid_utf8(std::string_view text);

// JSON type name as a JSON Schema "type" would name it.
const char* json_type_name(const Json& j);

}  // namespace pm
