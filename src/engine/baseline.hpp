#pragma once
// Drift baseline: the SHA-256 of each governance file at a known-good point,
// written by `phase-mirror-mcp baseline create` and read by MD-005.
//   {"schemaVersion": "1.0.0", "createdAt": "<ISO-8601>", "files": {"<relative path>": "<sha256>"}}
#include <string>
#include <vector>

#include "engine/workspace.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

namespace pm::engine {

inline constexpr const char* kBaselineSchemaVersion = "1.0.0";

// Validates a baseline file and returns it in the form above. The reference
// CLI's format ({"files": [{path, hash, exists}]}) is accepted too; an entry
// recorded as not existing gets an empty hash.
Result<Json> parse_baseline(std::string_view text, const std::string& path);

// Reads every file through the workspace and records its hash under its
// workspace-relative path. Any unreadable file fails the whole baseline.
Result<Json> create_baseline(const Workspace& ws, const std::vector<std::string>& files, const std::string& created_at);

// Governance files whose drift MD-005 reports: workflows, CODEOWNERS, the
// policy file and ADRs (docs/adr/*.md). path is workspace-relative.
bool is_governance_file(const std::string& path);
// Medium for workflows and the policy file, else low.
Severity drift_severity(const std::string& path);

}  // namespace pm::engine
