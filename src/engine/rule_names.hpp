#pragma once
// The names a suppression may use for a rule: our rule ids, and the audit
// names of zizmor, whose inline ignores (`# zizmor: ignore[unpinned-uses]`)
// we honour for teams that come from it. The mapping is this one table; a
// rule that gains a zizmor counterpart is added here (docs/suppressions.md
// shows the table, and a unit test keeps the two the same).
#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pm::engine {

// The rule ids of the catalogue (all_rules()), in catalogue order.
const std::vector<std::string>& catalogue_rule_ids();

struct ZizmorAudit {
  std::string_view audit;                 // zizmor's name, e.g. "unpinned-uses"
  std::array<std::string_view, 2> rules;  // ours, "" padded; all "": we have no counterpart
  std::string_view note;                  // how far the counterpart goes, when it is not the same check
};

// zizmor's documented audits, by name.
std::span<const ZizmorAudit> zizmor_audits();
// nullptr for a name zizmor does not document (a newer audit maps to nothing).
const ZizmorAudit* find_zizmor_audit(std::string_view audit);

// The mapping as the Markdown table of docs/suppressions.md.
std::string zizmor_mapping_markdown();

// Why `name` is not one of `known`, for error messages: "did you mean
// MD-105?" for a case slip, "zizmor's unpinned-uses is MD-105 here" for an
// audit name; "" when there is nothing to add.
std::string rule_id_hint(std::string_view name, const std::vector<std::string>& known);

}  // namespace pm::engine
