#pragma once
// How large one tool answer may grow. Repository content and arguments are
// hostile (a 5 MB scalar, 100 000 files, a 50 MB orgId), while a client takes
// a bounded tool result (Claude Code: 25 000 tokens by default), so every
// tool keeps its answer within kMaxAnswerBytes: long texts are clipped with
// "…", long lists keep their first entries with a count of the rest, and each
// clip is said in the answer. The tools clip what they know (evidence, file
// lists, echoed names); fit_answer is the last bound the dispatcher applies to
// whatever is still too large. A caller that asks for everything (maxFindings
// or maxViolations 0, as CI does) gets an answer without that last bound.
#include <cstddef>
#include <string>
#include <string_view>

#include "util/json.hpp"

namespace pm::answer {

// The text content of one answer (the envelope as indented JSON): 100 000
// bytes, about 25 000 tokens of JSON.
inline constexpr std::size_t kMaxAnswerBytes = 100000;
// An evidence snippet (a finding's or a violation's cited text).
inline constexpr std::size_t kMaxEvidenceBytes = 200;
// A finding's or a violation's message.
inline constexpr std::size_t kMaxMessageBytes = 1000;
// Each string inside a finding's context, and how many entries of each of its lists.
inline constexpr std::size_t kMaxContextStringBytes = 200;
inline constexpr std::size_t kMaxContextItems = 20;
// An input string echoed back (a path, a rule id, an organisation).
inline constexpr std::size_t kMaxEchoBytes = 256;
// Entries of a list of files, errors, ADRs or warnings.
inline constexpr std::size_t kMaxListed = 100;

inline constexpr std::string_view kEllipsis = "\u2026";

struct Clipped {
  std::string text;
  bool clipped = false;
};

// `text` cut to at most `max_bytes` at a UTF-8 character boundary, with "…"
// appended when it was cut (3 bytes more).
Clipped clip(std::string_view text, std::size_t max_bytes);

// Every string under `j` clipped to `max_string` bytes and every list to its
// first `max_items` entries; true when anything was cut.
bool clip_json(Json& j, std::size_t max_string, std::size_t max_items);

// The dispatcher's last bound. When `envelope` as indented JSON is longer than
// `max_bytes`, the largest lists and strings under `envelope[part]` (or the
// whole envelope when `part` is empty) are cut, largest first, until it fits,
// and `answerClipped` in that part says what was cut:
//   {"limitBytes": N, "clipped": [{"path": "/analysis/files", "kept": 10, "total": 5000},
//                                  {"path": "/x/message", "keptBytes": 64, "totalBytes": 5000000}]}
// `text` is the envelope as indented JSON (dump_pretty), kept so when it is
// cut. True when something was cut.
bool fit_answer(Json& envelope, std::string& text, const std::string& part, std::size_t max_bytes = kMaxAnswerBytes);

}  // namespace pm::answer
