// findingId (PRODUCT.md §8): stable across unrelated edits because it hashes
// only the rule, the workspace-relative path and the whitespace-normalised
// evidence, never a line number.
#include <cctype>

#include "engine/rule.hpp"
#include "util/crypto.hpp"

namespace pm::engine {

namespace {

std::string normalise_whitespace(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (unsigned char c : s) {
    if (std::isspace(c) != 0) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(static_cast<char>(c));
  }
  return out;
}

}  // namespace

std::string finding_id(const std::string& rule_id, const std::string& file, const std::string& evidence) {
  std::string material = rule_id;
  material.push_back('\0');
  material += file;
  material.push_back('\0');
  material += normalise_whitespace(evidence);
  return sha256_hex(material).substr(0, 32);
}

}  // namespace pm::engine
