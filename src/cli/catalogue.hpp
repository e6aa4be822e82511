#pragma once
// The rule catalogue as `phase-mirror-mcp rules --json` prints it. The scan
// formats take their rule metadata (titles, default severity, help text)
// from this list, so that SARIF and `rules --json` cannot disagree.
#include "util/json.hpp"

namespace pm::cli {

Json rule_catalogue_json();

}  // namespace pm::cli
