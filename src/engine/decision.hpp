#pragma once
// The machine decision of an analysis: thresholds and order of the reference
// (engine.md §5.1-5.2), with the circuit breaker degrading a block to warn
// (PRODUCT.md §4) and unread files keeping the result from passing (§3).
#include <string>
#include <vector>

#include "engine/rule.hpp"

namespace pm::engine {

struct Thresholds {
  bool block_on_critical = true;
  int max_critical = 0;
  int max_high = 3;
  int max_medium = 10;
};

Thresholds thresholds(bool strict);

struct SeverityCounts {
  int critical = 0;
  int high = 0;
  int medium = 0;
  int low = 0;
};
SeverityCounts count_severities(const std::vector<Finding>& findings);

bool should_block(const SeverityCounts& c, const Thresholds& t);

struct DecisionInput {
  std::string mode;  // analysis mode as the engine runs it ("issue" already mapped to "pull_request")
  bool strict = false;
  bool dry_run = false;
  bool circuit_breaker_tripped = false;      // only consulted when the outcome would be block
  std::size_t file_errors = 0;               // files that could not be read
  std::vector<std::string> unchecked_files;  // workflows that could not be parsed (MD-000), so not checked
  bool nothing_checked = false;              // every file read was such a workflow
  std::string timestamp;                     // ISO-8601 ms Z
  std::vector<std::string> rules_evaluated;
};

struct Decision {
  std::string outcome;  // "allow" | "warn" | "block"
  std::vector<std::string> reasons;
  std::string timestamp;
  std::string mode;
  std::vector<std::string> rules_evaluated;
  bool degraded = false;  // the circuit breaker turned a block into warn
};

Decision make_decision(const std::vector<Finding>& findings, const DecisionInput& in);

// Envelope decision of the outcome: block->block, warn->warn, allow->pass.
std::string envelope_decision(const std::string& outcome);

Json to_json(const Decision& d);

}  // namespace pm::engine
