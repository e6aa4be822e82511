#pragma once
// Factory of every rule of the catalogue. Each rule lives in its own file
// src/engine/rules/md_XXX_*.cpp; all_rules() (rules/registry.cpp) lists them
// in catalogue order.
#include <memory>

#include "engine/rule.hpp"
#include "engine/walk.hpp"

namespace pm::engine::rules {

// The fail-closed finding for a workflow that cannot be parsed (MD-000): not
// a rule of the catalogue (the analyzer emits it), but documented like one.
extern const RuleInfo kParseFailure;

namespace detail {
inline void add_context(Json&) {}
template <class Value, class... Rest>
void add_context(Json& object, const char* key, const Value& value, const Rest&... rest) {
  object[key] = value;
  add_context(object, rest...);
}
}  // namespace detail

// A finding's context object from alternating keys and values, keys in the
// order given: context_object("job", job.id, "trigger", trigger). Cheaper
// than Json{{"job", job.id}, ...}, which wraps each pair in an array and
// copies the values again whenever the object grows, for every finding.
template <class... KeysAndValues>
Json context_object(const KeysAndValues&... keys_and_values) {
  Json object = Json::object();
  object.get_ref<Json::object_t&>().reserve(sizeof...(keys_and_values) / 2);
  detail::add_context(object, keys_and_values...);
  return object;
}

std::unique_ptr<Rule> make_md_001();  // merge queue protection
std::unique_ptr<Rule> make_md_002();  // autonomy without review
std::unique_ptr<Rule> make_md_003();  // unmanaged probabilistic output
std::unique_ptr<Rule> make_md_004();  // audit trail
std::unique_ptr<Rule> make_md_005();  // drift against a baseline
std::unique_ptr<Rule> make_md_101();  // excessive workflow permissions
std::unique_ptr<Rule> make_md_102();  // merge queue trust chain
std::unique_ptr<Rule> make_md_103();  // dangerous trigger + untrusted checkout
std::unique_ptr<Rule> make_md_104();  // expression injection
std::unique_ptr<Rule> make_md_105();  // unpinned actions and images
std::unique_ptr<Rule> make_md_106();  // secrets handed over wholesale
std::unique_ptr<Rule> make_md_107();  // persisted checkout credentials
std::unique_ptr<Rule> make_md_108();  // environment file written with untrusted data
std::unique_ptr<Rule> make_md_109();  // secret values that escape log redaction
std::unique_ptr<Rule> make_md_110();  // dangerous trigger in use
std::unique_ptr<Rule> make_md_111();  // spoofable bot condition
std::unique_ptr<Rule> make_md_112();  // unsound condition
std::unique_ptr<Rule> make_md_113();  // insecure workflow commands enabled
std::unique_ptr<Rule> make_md_114();  // hard-coded container registry credentials
std::unique_ptr<Rule> make_md_115();  // self-hosted runner
std::unique_ptr<Rule> make_md_116();  // publishing token where trusted publishing exists
std::unique_ptr<Rule> make_md_117();  // secrets outside an environment
std::unique_ptr<Rule> make_md_118();  // cache restored in a publishing workflow
std::unique_ptr<Rule> make_md_119();  // downloaded script run without verification
std::unique_ptr<Rule> make_md_120();  // package installed outside a lockfile
std::unique_ptr<Rule> make_md_121();  // inconsistent action pins
std::unique_ptr<Rule> make_md_122();  // prompt injection into an AI agent
std::unique_ptr<Rule> make_md_123();  // Dependabot updates without a cooldown
std::unique_ptr<Rule> make_md_124();  // Dependabot runs code from the manifests

}  // namespace pm::engine::rules

namespace pm::engine {
// docs/rules.md, generated from all_rules() (one source of truth; a unit test
// compares the committed file with this text).
std::string catalogue_markdown();
}  // namespace pm::engine
