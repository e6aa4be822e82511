#pragma once
// GitHub Actions workflow (and composite action) model built from the YAML
// model, with line numbers on everything rules cite.
//
// Every string_view of the model points into its WorkflowFile's `source` (text
// written verbatim there, most of a workflow) or its `text` store (quoted
// scalars with escapes, block scalars, anything libyaml parsed): both are
// shared by copies of the file, so a view stays valid while any copy of the
// WorkflowFile it came from lives. Keep a std::string of a value that must
// outlive the file.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/yaml.hpp"

namespace pm {
class Budget;
}

namespace pm::engine {

// Append-only storage for text; what it returns stays where it is until the
// store is destroyed.
class TextStore {
 public:
  std::string_view add(std::string_view text);

 private:
  std::vector<std::unique_ptr<char[]>> chunks_;
  std::size_t capacity_ = 0;  // of the last chunk
  std::size_t used_ = 0;      // of the last chunk
};

// A scalar value and where it starts: its first character (for a block
// scalar, the first character of its first content line).
struct Located {
  std::string_view value;
  int line = 0;
  int column = 0;  // 1-based, in characters (code points), as YAML counts them
};

// A place in the file: 1-based line and column (characters).
struct Position {
  int line = 0;
  int column = 0;
};

// An optional Located in the Located's own 24 bytes (std::optional would add
// 8 for its flag, to each of the ~10 optional fields of every step and job;
// the column fits in the padding after the line): absent is a line of -1. The part of std::optional's interface the
// model's readers use.
class OptionalLocated {
 public:
  OptionalLocated() = default;
  OptionalLocated(std::nullopt_t) {}                        // NOLINT(google-explicit-constructor): as std::optional
  OptionalLocated(const Located& located) : v_(located) {}  // NOLINT(google-explicit-constructor): as std::optional

  bool has_value() const { return v_.line != kAbsent.line; }
  explicit operator bool() const { return has_value(); }
  // Preconditions as std::optional's: has_value().
  const Located& operator*() const { return v_; }
  const Located* operator->() const { return &v_; }
  const Located& value() const {
    if (!has_value()) throw std::bad_optional_access();
    return v_;
  }

 private:
  static constexpr Located kAbsent{{}, -1, 0};
  Located v_ = kAbsent;
};

struct Permissions {
  bool present = false;  // a permissions: key exists at this level
  int line = 0;          // of the permissions: key
  int column = 0;
  // "read-all" | "write-all" | "" (per-scope map or empty mapping {})
  std::string_view shorthand;
  // scope -> level ("read" | "write" | "none"), each with its line
  std::vector<std::pair<std::string_view, Located>> scopes;
};

struct Step {
  OptionalLocated id;
  OptionalLocated name;
  OptionalLocated uses;  // "actions/checkout@v4", "docker://...", "./local"
  OptionalLocated run;   // script text; line = first line of the script
  OptionalLocated if_cond;
  OptionalLocated shell;
  std::vector<std::pair<std::string_view, Located>> with;  // inputs (e.g. script for github-script, ref for checkout)
  std::vector<std::pair<std::string_view, Located>> env;
  int line = 0;  // line of the step's first key
};

// A job's `strategy.matrix`: the literal values of its keys (the lists, one
// level of mapping inside them as `key.sub`, and the entries of `include:`),
// each where it is written. `exclude:` only removes combinations.
struct MatrixValue {
  std::string_view key;  // "image", or "config.image" for a mapping inside a list
  Located value;
};
struct Matrix {
  int line = 0;  // of the matrix: key
  int column = 0;
  // The matrix is one expression (`matrix: ${{ fromJSON(...) }}`): nothing is known.
  bool from_expression = false;
  std::vector<MatrixValue> values;
  // Keys given by an expression (`os: ${{ fromJSON(needs.a.outputs.os) }}`).
  std::vector<std::string_view> expression_keys;
  // Those expressions with their keys; `include` for an `include:` given by
  // one, "" for a matrix that is one expression. What such a key expands to
  // comes from the expression's contexts.
  std::vector<MatrixValue> expressions;
};

// `credentials:` of a job's container or of one of its services.
struct RegistryCredentials {
  std::string_view service;  // the service's name; "" for the job's container
  int line = 0;              // of the credentials: key
  int column = 0;
  OptionalLocated image;
  OptionalLocated username;
  OptionalLocated password;
};

struct Job {
  std::string_view id;
  int line = 0;
  int column = 0;
  OptionalLocated name;
  Permissions permissions;
  OptionalLocated uses;                                       // reusable workflow call
  OptionalLocated secrets_inherit;                            // "secrets: inherit"
  std::vector<std::pair<std::string_view, Located>> secrets;  // explicit secrets map of a reusable call
  OptionalLocated if_cond;
  OptionalLocated environment;  // environment name (gate)
  OptionalLocated container_image;
  std::vector<Located> services_images;
  std::vector<RegistryCredentials> registry_credentials;  // empty for most jobs
  // `runs-on`: its labels (a string, a list, or the `labels:` of a mapping)
  // and the `group:` of a mapping.
  std::vector<Located> runs_on;
  OptionalLocated runner_group;
  std::vector<std::string_view> needs;
  std::vector<std::pair<std::string_view, Located>> env;
  std::vector<std::pair<std::string_view, Located>> outputs;  // job outputs (`needs.<id>.outputs.<name>`)
  std::vector<Step> steps;
  std::shared_ptr<const Matrix> matrix;  // null without strategy.matrix (most jobs)
};

// An input of a reusable workflow (on.workflow_call.inputs), a manually run
// one (on.workflow_dispatch.inputs) or an action (inputs:).
enum class InputSource : std::uint8_t { kWorkflowCall, kWorkflowDispatch, kAction };
struct Input {
  std::string_view name;
  std::string_view type;  // "string", "boolean", "number", "choice", "environment"; "" when not given
  InputSource source = InputSource::kWorkflowCall;
  int line = 0;
  int column = 0;
};

struct WorkflowFile {
  std::string path;                  // workspace-relative
  bool is_action = false;            // an action's metadata (runs:, no jobs:): its steps are the pseudo-job "runs"
  bool is_composite_action = false;  // action.yml with runs.using: composite
  OptionalLocated name;
  // Trigger event names with their lines, whatever shape `on:` had
  // (string, list, mapping). Includes "workflow_call" for reusable workflows.
  std::vector<Located> triggers;
  int on_line = 0;
  Permissions permissions;  // workflow level
  std::vector<std::pair<std::string_view, Located>> env;
  std::vector<Job> jobs;
  std::vector<Input> inputs;
  // Set when the YAML could not be parsed (the rules then report it).
  std::optional<yaml::ParseError> parse_error;
  // The raw source, for evidence snippets, shared by copies of this file, and
  // where each of its lines starts (lines end where libyaml counts a break).
  std::shared_ptr<const std::string> source;
  std::vector<std::uint32_t> line_starts;
  // Values that are not written verbatim in `source`; null when there are none.
  std::shared_ptr<const TextStore> text;

  std::size_t line_count() const { return line_starts.size(); }
  // Source line `line` (1-based) without its line break; "" when out of range.
  std::string_view source_line(int line) const;

  bool has_trigger(const std::string& event) const;
  // The trimmed source line `line` (1-based), "" when out of range.
  std::string line_text(int line) const;
  // Where the Located starts in the source.
  Position position(const Located& at) const { return {at.line, at.column}; }
};

// Source positions of byte offsets into one value of a WorkflowFile, for
// findings inside multi-line scripts. The value and the source are walked
// together from where the value starts: a value character is matched with the
// next equal source character, skipping what YAML drops (indentation, line
// folding, quotes, escapes). Ascending offsets cost time linear in the value's
// extent in the source, however many are asked; a lower offset restarts the
// walk. Exact for literal and plain scalars, exact for folded and quoted ones
// as long as the text itself (not its line breaks) carries the offset.
class PositionCursor {
 public:
  PositionCursor(const WorkflowFile& wf, const Located& value);
  Position at(std::size_t offset);

 private:
  void restart();
  // Consumes the source byte(s) at src_ (a whole line break at once).
  void step_source();
  bool step_escape();

  Located value_;
  std::string_view src_text_;
  std::size_t start_ = 0;  // source offset where the value starts
  std::size_t limit_ = 0;  // the walk does not pass this source offset
  std::size_t v_ = 0;      // value offset reached
  std::size_t s_ = 0;      // source offset aligned with v_
  Position pos_;           // of s_
  bool lost_ = false;      // the source ran out before the value: answer the value's start
};

// Builds the model from a file's text. Never throws on bad input: syntax
// errors and shape errors land in parse_error. `budget` (the call's, or
// nullptr) is asked while the text is read and the model built; once it has
// stopped the file is unfinished (parse_error set) and its caller must answer
// budget.error() rather than judge it.
WorkflowFile parse_workflow(const std::string& path, std::string_view text, Budget* budget = nullptr);
// The same, keeping `source` as the file's source instead of a copy of it
// (a caller done with the bytes saves a copy of the whole file).
WorkflowFile parse_workflow(const std::string& path, std::shared_ptr<const std::string> source,
                            Budget* budget = nullptr);

}  // namespace pm::engine
