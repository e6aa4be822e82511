// findingId (PRODUCT.md §8): stable across unrelated edits because it hashes
// only the rule, the workspace-relative path and the whitespace-normalised
// evidence, never a line number.
#include "engine/finding.hpp"

#include <cctype>

#include "util/crypto.hpp"

namespace pm::engine {

namespace {

// Appends `s` with runs of whitespace collapsed to one space and no leading
// or trailing whitespace.
void append_normalised_whitespace(std::string& out, const std::string& s) {
  const std::size_t start = out.size();
  bool pending_space = false;
  for (unsigned char c : s) {
    if (std::isspace(c) != 0) {
      pending_space = out.size() > start;
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(static_cast<char>(c));
  }
}

}  // namespace

std::optional<Severity> parse_severity(std::string_view text) {
  for (const Severity s : {Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical}) {
    if (text == to_string(s)) return s;
  }
  return std::nullopt;
}

const char* to_string(Confidence c) {
  switch (c) {
    case Confidence::kLow: return "low";
    case Confidence::kMedium: return "medium";
    case Confidence::kHigh: return "high";
  }
  return "high";
}

std::optional<Confidence> parse_confidence(std::string_view text) {
  for (const Confidence c : {Confidence::kLow, Confidence::kMedium, Confidence::kHigh}) {
    if (text == to_string(c)) return c;
  }
  return std::nullopt;
}

const char* to_string(Persona p) {
  switch (p) {
    case Persona::kRegular: return "regular";
    case Persona::kPedantic: return "pedantic";
    case Persona::kAuditor: return "auditor";
  }
  return "regular";
}

std::optional<Persona> parse_persona(std::string_view text) {
  for (const Persona p : {Persona::kRegular, Persona::kPedantic, Persona::kAuditor}) {
    if (text == to_string(p)) return p;
  }
  return std::nullopt;
}

std::string finding_id(const std::string& rule_id, const std::string& file, const std::string& evidence) {
  std::string material;
  material.reserve(rule_id.size() + file.size() + evidence.size() + 2);
  material.append(rule_id).push_back('\0');
  material.append(file).push_back('\0');
  append_normalised_whitespace(material, evidence);
  std::string id = sha256_hex(material);
  id.resize(32);
  return id;
}

}  // namespace pm::engine
