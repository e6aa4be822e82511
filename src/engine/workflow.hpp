#pragma once
// GitHub Actions workflow (and composite action) model built from the YAML
// model, with line numbers on everything rules cite.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/yaml.hpp"

namespace pm::engine {

struct Located {
  std::string value;
  int line = 0;
};

struct Permissions {
  bool present = false;  // a permissions: key exists at this level
  int line = 0;
  // "read-all" | "write-all" | "" (per-scope map or empty mapping {})
  std::string shorthand;
  // scope -> level ("read" | "write" | "none"), each with its line
  std::vector<std::pair<std::string, Located>> scopes;
};

struct Step {
  std::optional<Located> id;
  std::optional<Located> name;
  std::optional<Located> uses;  // "actions/checkout@v4", "docker://...", "./local"
  std::optional<Located> run;   // script text; line = first line of the script
  std::optional<Located> if_cond;
  std::optional<Located> shell;
  std::vector<std::pair<std::string, Located>> with;  // inputs (e.g. script for github-script, ref for checkout)
  std::vector<std::pair<std::string, Located>> env;
  int line = 0;  // line of the step's first key
};

struct Job {
  std::string id;
  int line = 0;
  std::optional<Located> name;
  Permissions permissions;
  std::optional<Located> uses;                           // reusable workflow call
  std::optional<Located> secrets_inherit;                // "secrets: inherit"
  std::vector<std::pair<std::string, Located>> secrets;  // explicit secrets map of a reusable call
  std::optional<Located> if_cond;
  std::optional<Located> environment;  // environment name (gate)
  std::optional<Located> container_image;
  std::vector<Located> services_images;
  std::vector<std::string> needs;
  std::vector<std::pair<std::string, Located>> env;
  std::vector<Step> steps;
};

struct WorkflowFile {
  std::string path;                  // workspace-relative
  bool is_composite_action = false;  // action.yml with runs.using: composite
  std::optional<Located> name;
  // Trigger event names with their lines, whatever shape `on:` had
  // (string, list, mapping). Includes "workflow_call" for reusable workflows.
  std::vector<Located> triggers;
  int on_line = 0;
  Permissions permissions;  // workflow level
  std::vector<std::pair<std::string, Located>> env;
  std::vector<Job> jobs;
  // Set when the YAML could not be parsed (the rules then report it).
  std::optional<yaml::ParseError> parse_error;
  // The raw source, for evidence snippets, shared by copies of this file, and
  // where each of its lines starts (lines end where libyaml counts a break).
  std::shared_ptr<const std::string> source;
  std::vector<std::uint32_t> line_starts;

  std::size_t line_count() const { return line_starts.size(); }
  // Source line `line` (1-based) without its line break; "" when out of range.
  std::string_view source_line(int line) const;

  bool has_trigger(const std::string& event) const;
  // The source line of the `needle` found at byte `offset` of `text` (a value
  // of this file, e.g. a step's run script). Exact for literal block scalars
  // (`run: |`); for folded or quoted multi-line scalars the line is found by
  // searching the source lines for the same occurrence of `needle`.
  int line_of(const Located& text, std::size_t offset, std::string_view needle) const;
  // The trimmed source line `line` (1-based), "" when out of range.
  std::string line_text(int line) const;
};

// A `${{ ... }}` expression inside a value.
struct Expression {
  std::size_t offset = 0;  // of "${{" in the value
  std::string raw;         // "${{ ... }}" as written
  std::string normalized;  // inner text, lower-case, whitespace removed
};
std::vector<Expression> find_expressions(std::string_view text);

// Builds the model from a file's text. Never throws on bad input: syntax
// errors and shape errors land in parse_error.
WorkflowFile parse_workflow(const std::string& path, std::string_view text);
// The same, keeping `source` as the file's source instead of a copy of it
// (a caller done with the bytes saves a copy of the whole file).
WorkflowFile parse_workflow(const std::string& path, std::shared_ptr<const std::string> source);

}  // namespace pm::engine
