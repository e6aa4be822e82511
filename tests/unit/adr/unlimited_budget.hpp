#pragma once
// The ADR module's functions with an unlimited budget, for the tests that are
// not about budgets (budget_test.cpp and the *Budget* tests pass their own).
#include <string>
#include <string_view>
#include <vector>

#include "adr/checks.hpp"
#include "adr/imports.hpp"
#include "adr/parser.hpp"
#include "adr/validator.hpp"

namespace pm::adr {

inline Adr parse_adr(const std::string& file, std::string_view text, const std::string& id = "") {
  Budget b;
  return parse_adr(file, text, id, b);
}

inline std::vector<DecisionRule> extract_rules(std::string_view markdown, const std::string& adr_id,
                                               int first_line = 1) {
  Budget b;
  return extract_rules(markdown, adr_id, first_line, b);
}

inline std::vector<CheckRule> parse_check_block(const std::string& adr_id, const std::string& adr_file,
                                                std::string_view yaml_text, int first_line,
                                                std::vector<ParseWarning>& warnings) {
  Budget b;
  return parse_check_block(adr_id, adr_file, yaml_text, first_line, warnings, b);
}

inline bool rule_applies(const CheckRule& rule, std::string_view relative) {
  Budget b;
  return rule_applies(rule, relative, b);
}

inline void evaluate_check(const Adr& adr, const CheckRule& rule, const SourceFile& file, std::vector<Violation>& out) {
  Budget b;
  evaluate_check(adr, rule, file, out, b);
}

inline void evaluate_prose(const Adr& adr, const DecisionRule& rule, const SourceFile& file,
                           std::vector<Violation>& out) {
  Budget b;
  evaluate_prose(adr, rule, file, out, b);
}

inline std::vector<ImportRef> extract_imports(std::string_view relative_path, std::string_view content) {
  Budget b;
  return extract_imports(relative_path, content, b);
}

inline Result<LoadedAdrs> load_adrs(const engine::Workspace& ws, const std::string& adr_path) {
  Budget b;
  return load_adrs(ws, adr_path, b);
}

inline Result<ComplianceReport> check_compliance(const engine::Workspace& ws, const CheckRequest& req,
                                                 const Progress& progress = {}) {
  Budget b;
  return check_compliance(ws, req, b, progress);
}

}  // namespace pm::adr
