#pragma once
// YAML document model built on libyaml's event parser: every node carries its
// 1-based line and column; aliases are expanded with a cap (YAML bombs), and
// nesting depth is bounded. One YAML parser for the whole project.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pm::engine::yaml {

enum class Kind { kScalar, kSequence, kMapping };
enum class ScalarStyle { kPlain, kSingleQuoted, kDoubleQuoted, kLiteral, kFolded };

struct Node {
  Kind kind = Kind::kScalar;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  // Scalar
  std::string value;
  ScalarStyle style = ScalarStyle::kPlain;
  // Sequence
  std::vector<Node> items;
  // Mapping, in document order
  std::vector<std::pair<Node, Node>> entries;

  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_sequence() const { return kind == Kind::kSequence; }
  bool is_mapping() const { return kind == Kind::kMapping; }
  // Plain scalar null/~/empty.
  bool is_null() const;
  // Mapping lookup by scalar key; nullptr if absent or not a mapping.
  const Node* get(std::string_view key) const;
};

struct ParseError {
  std::string message;  // libyaml's problem text, or our limit message
  int line = 0;         // 1-based
  int column = 0;
};

struct Limits {
  std::size_t max_depth = 256;
  std::size_t max_alias_nodes = 100000;  // total nodes produced by alias expansion (and anchor snapshots)
};

struct Document {
  std::optional<Node> root;  // empty document -> nullopt
};

struct ParseResult {
  std::vector<Document> documents;
  std::optional<ParseError> error;  // set when the text is not valid YAML or a limit was hit
};

ParseResult parse(std::string_view text, const Limits& limits = {});

}  // namespace pm::engine::yaml
