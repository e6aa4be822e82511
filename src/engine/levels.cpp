#include "engine/levels.hpp"

#include <array>
#include <cstddef>

namespace pm::engine::levels {

namespace {

constexpr std::array<const char*, 4> kSeverityNames = {"low", "medium", "high", "critical"};
constexpr std::array<const char*, 3> kConfidenceNames = {"low", "medium", "high"};
constexpr std::array<const char*, 3> kPersonaNames = {"regular", "pedantic", "auditor"};

template <class E, std::size_t N>
std::optional<E> parse_named_level(std::string_view text, const std::array<const char*, N>& names) {
  for (std::size_t i = 0; i < N; ++i) {
    if (text == names[i]) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace

const char* to_string(Severity s) {
  return kSeverityNames.at(static_cast<std::size_t>(s));
}
const char* to_string(Confidence c) {
  return kConfidenceNames.at(static_cast<std::size_t>(c));
}
const char* to_string(Persona p) {
  return kPersonaNames.at(static_cast<std::size_t>(p));
}

std::optional<Severity> parse_severity(std::string_view text) {
  return parse_named_level<Severity>(text, kSeverityNames);
}
std::optional<Confidence> parse_confidence(std::string_view text) {
  return parse_named_level<Confidence>(text, kConfidenceNames);
}
std::optional<Persona> parse_persona(std::string_view text) {
  return parse_named_level<Persona>(text, kPersonaNames);
}

Confidence default_min_confidence(Persona p) {
  return p == Persona::kAuditor ? Confidence::kLow : Confidence::kMedium;
}

bool reported(Persona persona, Confidence min_confidence, Persona finding_persona, Confidence finding_confidence) {
  return finding_persona <= persona && finding_confidence >= min_confidence;
}

}  // namespace pm::engine::levels
