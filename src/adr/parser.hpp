#pragma once
// Markdown ADR parser for the two styles found in practice: the reference
// template (`# ADR-001: Title`, `**Status:** X` / `**Status**: X` / a
// `## Status` heading, `**Date:**`) and MADR 3/4 (YAML front matter with
// `status`, `date`, `deciders`; `## Decision Outcome`; `## Validation` or
// `### Confirmation`). Never throws: problems become ParseWarnings. Linear in
// the text (no regex runs over a whole line to capture it) and every loop asks
// the call's Budget.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adr/adr.hpp"

namespace pm::adr {

// "ADR-" + the number zero-padded to at least 3 digits ("7" -> "ADR-007",
// "0012" -> "ADR-012", "1234" -> "ADR-1234").
std::string normalize_adr_id(std::string_view digits);

// Id from an ADR file name: `ADR-012-x.md`, `adr_12.md`, `0007-x.md` (MADR /
// adr-tools numbering). nullopt for names that are not ADRs (README.md,
// template.md) or not Markdown.
std::optional<std::string> adr_id_from_filename(std::string_view filename);

// Metadata lines (`**Status:** X`) longer than this are not read as metadata.
inline constexpr std::size_t kMaxMetadataLine = 4096;

// Parses one ADR. `file` is the workspace path (for warnings); `id` the id
// from its file name, or empty to take it from a `# ADR-###` heading. The text
// is charged to the budget; when the budget stops, the ADR is incomplete
// (the caller checks budget.stopped()).
Adr parse_adr(const std::string& file, std::string_view text, const std::string& id, Budget& budget);

// RFC 2119 sentences of a Markdown fragment whose first line is `first_line`;
// fenced code blocks are skipped. Exposed for tests.
std::vector<DecisionRule> extract_rules(std::string_view markdown, const std::string& adr_id, int first_line,
                                        Budget& budget);

// Status word as written -> Status; nullopt when not recognised.
std::optional<Status> map_status(std::string_view text);

}  // namespace pm::adr
