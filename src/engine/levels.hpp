#pragma once
// The ordered classifications the suppression layer reads and writes: a
// finding's severity and confidence, and the persona an analysis reports for
// (PRODUCT.md §4a). Names on the wire: severity low|medium|high|critical,
// confidence low|medium|high, persona regular|pedantic|auditor; each enum is
// ordered from least to most, so `<` compares them.
#include <optional>
#include <string_view>

namespace pm::engine::levels {

enum class Severity { kLow, kMedium, kHigh, kCritical };
enum class Confidence { kLow, kMedium, kHigh };
enum class Persona { kRegular, kPedantic, kAuditor };

const char* to_string(Severity s);
const char* to_string(Confidence c);
const char* to_string(Persona p);

// The wire names above, exactly (lower case); nullopt for anything else.
std::optional<Severity> parse_severity(std::string_view text);
std::optional<Confidence> parse_confidence(std::string_view text);
std::optional<Persona> parse_persona(std::string_view text);

// minConfidence when neither the call nor the repository config sets one:
// medium for regular and pedantic, low for auditor (which reports everything).
Confidence default_min_confidence(Persona p);

// Whether an analysis for `persona` with `min_confidence` reports a finding
// that needs `finding_persona` and has `finding_confidence`. What it does not
// report is neither listed nor counted.
bool reported(Persona persona, Confidence min_confidence, Persona finding_persona, Confidence finding_confidence);

}  // namespace pm::engine::levels
