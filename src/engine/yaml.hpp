#pragma once
// YAML document model built on libyaml's event parser: every node carries its
// 1-based line and column; an alias shares the anchored node, and the size it
// would have when expanded is capped (YAML bombs); nesting depth is bounded.
// The whole tree lives in one arena released with the ParseResult, so building
// and dropping a large document costs a handful of allocations. One YAML
// parser for the whole project.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pm {
class Budget;
}

namespace pm::engine::yaml {

enum class Kind : std::uint8_t { kScalar, kSequence, kMapping };
enum class ScalarStyle : std::uint8_t { kPlain, kSingleQuoted, kDoubleQuoted, kLiteral, kFolded };

// A read-only view of `n` consecutive elements owned by a ParseResult.
template <class T>
class Range {
 public:
  Range() = default;
  Range(const T* data, std::size_t size) : data_(data), size_(size) {}
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  const T& at(std::size_t i) const {
    if (i >= size_) throw std::out_of_range("yaml::Range::at");
    return data_[i];
  }
  const T& front() const { return data_[0]; }
  const T& back() const { return data_[size_ - 1]; }

 private:
  const T* data_ = nullptr;
  std::size_t size_ = 0;
};

struct Entry;

// A node of the document. Nodes are small (24 bytes), trivially copyable views:
// their children live in the arena of the ParseResult they came from, their
// text there or in the parsed text itself (plain scalars of the block-style
// scanner), and are valid as long as both are. An alias shares the anchored
// node's children instead of copying them. The 1 MB workflow of the benchmarks
// has 70 601 nodes (1.7 MB), most of its tree's memory.
struct Node {
 private:
  // First, so that the fields pack into 24 bytes.
  const void* data_ = nullptr;
  std::uint32_t size_ = 0;

 public:
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  Kind kind = Kind::kScalar;
  ScalarStyle style = ScalarStyle::kPlain;  // scalars only

  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_sequence() const { return kind == Kind::kSequence; }
  bool is_mapping() const { return kind == Kind::kMapping; }
  // The text of a scalar; "" for a collection.
  std::string_view value() const {
    return is_scalar() ? std::string_view(static_cast<const char*>(data_), size_) : std::string_view();
  }
  // The items of a sequence; empty for anything else.
  Range<Node> items() const;
  // The entries of a mapping, in document order; empty for anything else.
  Range<Entry> entries() const;
  // Plain scalar null/~/empty.
  bool is_null() const;
  // Mapping lookup by scalar key; nullptr if absent or not a mapping.
  const Node* get(std::string_view key) const;

  // For the parsers: what value(), items() or entries() return (whichever
  // `kind` selects). The arena outlives the node.
  void set_value(std::string_view text) { set(text.data(), text.size()); }
  void set_items(const Node* items, std::size_t n) { set(items, n); }
  void set_entries(const Entry* entries, std::size_t n) { set(entries, n); }

 private:
  void set(const void* data, std::size_t n);
};

struct Entry {
  Node first;   // key
  Node second;  // value
};

inline Range<Node> Node::items() const {
  return is_sequence() ? Range<Node>(static_cast<const Node*>(data_), size_) : Range<Node>();
}

inline Range<Entry> Node::entries() const {
  return is_mapping() ? Range<Entry>(static_cast<const Entry*>(data_), size_) : Range<Entry>();
}

struct ParseError {
  std::string message;  // libyaml's problem text, or our limit message
  int line = 0;         // 1-based
  int column = 0;
};

struct Limits {
  std::size_t max_depth = 256;
  std::size_t max_alias_nodes = 100000;  // total nodes produced by alias expansion (and anchor snapshots)
  // The call's work budget, asked as the text is read (a unit per byte, one
  // per node); nullptr: none. Once it stops, the parse ends: the result has
  // `stopped` and an error saying so, and its owner answers budget.error().
  Budget* budget = nullptr;
};

struct Document {
  std::optional<Node> root;  // empty document -> nullopt
};

class Arena;

struct ParseResult {
  ParseResult();
  ~ParseResult();
  ParseResult(ParseResult&&) noexcept;
  ParseResult& operator=(ParseResult&&) noexcept;
  ParseResult(const ParseResult&) = delete;
  ParseResult& operator=(const ParseResult&) = delete;

  std::vector<Document> documents;
  std::optional<ParseError> error;  // set when the text is not valid YAML or a limit was hit
  bool stopped = false;             // the budget stopped the parse (error is set too): nothing was judged
  std::unique_ptr<Arena> arena;     // owns every node's children and the text not in the parsed text
};

// The error of a parse the call's budget stopped (ParseResult::stopped).
inline constexpr const char* kStoppedMessage = "parsing stopped: the call's work budget ran out";

// Length of the line break at text[i], 0 when there is none: LF, CRLF, a lone
// CR, and NEL, LS and PS in UTF-8 — where libyaml starts a new line, so text
// split at these breaks has the lines YAML nodes cite.
std::size_t line_break_length(std::string_view text, std::size_t i);

// Parses `text`, which must outlive the result (node values may point into
// it) and stay unchanged. Documents in the block style GitHub workflows are written in
// go through a scanner of our own (detail::parse_fast); anything it does not
// handle, and every invalid document, goes through libyaml. Both give the same
// tree, lines and columns (tests/unit/engine/yaml_fast_test.cpp and the
// workflow fuzz target compare them).
ParseResult parse(std::string_view text, const Limits& limits = {});

// Where a scalar's text lies, as libyaml's scanner sees it (1-based): from
// its first character (a quote, or a block scalar's `|`/`>` indicator) to just
// past its last one (for a block scalar, the start of the line after its
// content).
struct ScalarSpan {
  int begin_line = 0;
  int begin_column = 0;
  int end_line = 0;
  int end_column = 0;
  ScalarStyle style = ScalarStyle::kPlain;
};

struct ScalarSpans {
  std::vector<ScalarSpan> spans;    // document order: sorted and disjoint
  std::optional<ParseError> error;  // the text is not valid YAML (the spans stop there)
};

// Every scalar's span, for readers that must tell a YAML comment from a '#'
// inside text (inline ignore comments). No tree is built and nothing is
// expanded, so it costs one pass of libyaml's event parser.
// `budget` as in Limits (a stop ends the spans with an error).
ScalarSpans scalar_spans(std::string_view text, Budget* budget = nullptr);

namespace detail {
// The parser for the subset: block mappings and sequences, plain and quoted
// single-line scalars, literal and folded block scalars, one-line flow
// sequences, comments. nullopt when the text uses anything else (anchors,
// tags, multi-line flow or plain scalars, tabs, CR line breaks, several
// documents...) or is not valid YAML: parse() then asks libyaml, which also
// words the errors.
std::optional<ParseResult> parse_fast(std::string_view text, const Limits& limits);
// libyaml's event parser, for everything.
ParseResult parse_libyaml(std::string_view text, const Limits& limits);
// "" when parse_fast declines `text` or gives exactly libyaml's result (no
// error, same documents, and in them the same kinds, styles, values, lines
// and columns); otherwise where they first differ. For the tests and the
// workflow fuzz target.
std::string compare_parsers(std::string_view text, const Limits& limits);
}  // namespace detail

}  // namespace pm::engine::yaml
