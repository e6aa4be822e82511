#pragma once
// The repository's governance inputs besides the files themselves: the policy
// file (.github/.phase-mirror/policy.json) and the branch protection snapshot
// (GitHub's GET /repos/{o}/{r}/branches/{b}/protection JSON). Both are read
// through the workspace; invalid content is INVALID_INPUT naming the field.
#include <optional>
#include <string>
#include <vector>

#include "engine/rule.hpp"
#include "engine/workspace.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

namespace pm::engine {

inline constexpr const char* kDefaultPolicyPath = ".github/.phase-mirror/policy.json";

// Parses the policy file's text. `path` (workspace-relative) names the file in
// errors and is stored in the result.
Result<Policy> parse_policy(std::string_view text, const std::string& path);

// Loads the policy: `given` empty -> the default path, where a missing file
// means defaults; an explicitly given file must exist (FILE_NOT_FOUND).
Result<Policy> load_policy(const Workspace& ws, const std::optional<std::string>& given);

// What the rules read from a protection snapshot (mapping of PRODUCT.md §8).
struct BranchProtection {
  bool enabled = false;
  bool allow_admins_bypass = true;      // enforce_admins.enabled != true
  bool require_pull_request = false;    // required_pull_request_reviews present
  bool allow_direct_pushes = true;      // no pull request required
  bool require_linear_history = false;  // required_linear_history.enabled
  bool has_status_checks = false;       // required_status_checks present
  bool strict_status_checks = false;    // required_status_checks.strict
  std::vector<std::string> contexts;    // .contexts and .checks[].context, distinct, first-seen order
};

// Validates a snapshot's text. nullopt = protection disabled (GitHub's 404
// body, e.g. {"message": "Branch not protected", ...}).
Result<std::optional<Json>> parse_branch_protection(std::string_view text, const std::string& path);

// A missing file also means protection disabled (PRODUCT.md §8); an escape
// from the workspace or an unreadable/oversized file is an error.
Result<std::optional<Json>> load_branch_protection(const Workspace& ws, const std::string& given,
                                                   std::string& relative_path);

BranchProtection map_branch_protection(const std::optional<Json>& snapshot);

}  // namespace pm::engine
