#pragma once
// GitHub Actions expressions (`${{ ... }}` and `if:` conditions): a lexer and
// a parser with byte spans, and the questions rules ask of an expression —
// which context paths it reads, whose values can reach its result, whether a
// condition is always true, whether it tests a given term. Every rule that
// reads expressions uses this instead of matching text.
//
// Grammar (GitHub's documentation, lowest precedence first):
//   or      := and ('||' and)*
//   and     := eq ('&&' eq)*
//   eq      := cmp (('==' | '!=') cmp)*
//   cmp     := unary (('<' | '<=' | '>' | '>=') unary)*
//   unary   := '!' unary | postfix
//   postfix := primary ('.' (name | '*') | '[' (or | '*') ']')*
//   primary := literal | name '(' [or (',' or)*] ')' | name | '(' or ')'
// Literals: null, true, false, numbers (decimal with fraction and exponent,
// 0x hex, NaN, Infinity; a leading '-' belongs to the number), 'strings' with
// '' for a quote. Names and keywords are case-insensitive, as on GitHub.
//
// Errors are values carrying the byte offset. Nesting (parentheses, '!',
// indexes, call arguments) is capped at kMaxDepth, so no input controls the
// parser's recursion beyond it.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pm::engine::expr {

inline constexpr int kMaxDepth = 50;

// Byte offsets into the text an expression was parsed from: [begin, end).
struct Span {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
  std::uint32_t size() const { return end - begin; }
};

enum class TokenKind : std::uint8_t {
  kNull,
  kTrue,
  kFalse,
  kNumber,
  kString,
  kName,
  kDot,
  kStar,
  kLBracket,
  kRBracket,
  kLParen,
  kRParen,
  kComma,
  kNot,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kAnd,
  kOr,
};

struct Token {
  TokenKind kind = TokenKind::kNull;
  Span span;
};

struct SyntaxError {
  std::size_t offset = 0;  // byte offset into the parsed text
  std::string message;
};

struct Lexed {
  std::vector<Token> tokens;
  std::optional<SyntaxError> error;  // the tokens before it are kept
};
Lexed lex(std::string_view text);

enum class NodeKind : std::uint8_t {
  kNull,
  kBool,
  kNumber,
  kString,
  kContext,  // a bare name: the root of a context access (github, env, steps, ...)
  kMember,   // object '.' name
  kIndex,    // object '[' index ']'
  kStar,     // object '.*' or object '[*]'
  kCall,     // name '(' args ')'
  kNot,
  kBinary,
};

enum class BinaryOp : std::uint8_t { kEq, kNe, kLt, kLe, kGt, kGe, kAnd, kOr };

inline constexpr std::uint32_t kNoNode = UINT32_MAX;

struct Node {
  NodeKind kind = NodeKind::kNull;
  BinaryOp op = BinaryOp::kEq;  // kBinary
  bool boolean = false;         // kBool
  Span span;                    // the whole node
  Span name;                    // kContext, kMember, kCall: the name; kString: the text between the quotes
  double number = 0;            // kNumber
  // kMember, kIndex, kStar: the object; kNot: the operand; kBinary: the left
  // side; kCall: the first argument.
  std::uint32_t first = kNoNode;
  std::uint32_t second = kNoNode;  // kIndex: the index; kBinary: the right side
  std::uint32_t next = kNoNode;    // the next argument of the call this node is an argument of
};

// A parsed expression. Views into the text it was parsed from, which must
// outlive it.
class Expression {
 public:
  std::string_view text() const { return text_; }
  const Node& root() const { return nodes_[root_]; }
  std::uint32_t root_index() const { return root_; }
  const Node& node(std::uint32_t i) const { return nodes_[i]; }
  std::size_t size() const { return nodes_.size(); }
  std::string_view slice(Span s) const { return text_.substr(s.begin, s.size()); }
  // A string literal's value ('' unescaped).
  std::string string_value(const Node& n) const;

 private:
  friend class Parser;
  std::string_view text_;
  std::vector<Node> nodes_;
  std::uint32_t root_ = 0;
};

struct Parsed {
  std::optional<Expression> expression;  // set when there is no error
  std::optional<SyntaxError> error;
  bool ok() const { return expression.has_value(); }
};
Parsed parse(std::string_view text);

// ---- `${{ }}` in text ------------------------------------------------------

// One `${{ ... }}` in a value. Offsets are bytes into the value.
struct Template {
  std::size_t offset = 0;  // of "${{"
  std::size_t length = 0;  // through the closing "}}"
  std::string_view inner;  // between "${{" and "}}"
  std::size_t inner_offset() const { return offset + 3; }
};
// Every complete `${{ ... }}` of `text`, in order. The closing "}}" is the
// first one outside a string literal; an unterminated template ends the scan.
std::vector<Template> templates(std::string_view text);

// ---- What an expression reads ----------------------------------------------

// A context access: `github.event.issue.title`, `steps.x.outputs['y']`,
// `github.event.commits[0].message`.
struct ContextRead {
  // Lower case, '.'-separated; a string index is a segment of its own, a
  // `*`, a number or a computed index is `*`: github.event.commits.*.message.
  std::string path;
  Span span;                    // of the whole access in the expression text
  bool flows = false;           // its value can become (part of) the expression's value
  bool computed_index = false;  // an index computed by an expression (`secrets[name]`)
};
// Whether each node's value can become (part of) the expression's value,
// indexed like Expression::node: `a || b` passes both sides on, `a && b` only
// b (a only when falsy: false, 0, '' or null), `a == b`, `!a` and boolean
// functions (contains, startsWith, ...) neither.
std::vector<bool> flowing_nodes(const Expression& e);
// Every maximal context access, in source order. Contexts read inside an
// index or a call argument are listed on their own.
std::vector<ContextRead> contexts(const Expression& e);

// Whether `path` (as ContextRead::path) is `prefix` or lies below it:
// under("github.event.issue.title", "github.event") is true. A `*` segment in
// `prefix` matches any one segment.
bool under(std::string_view path, std::string_view prefix);
// Whether `path` equals `pattern` segment by segment, `*` in either matching
// any one segment.
bool matches(std::string_view path, std::string_view pattern);

// ---- Conditions --------------------------------------------------------------

// An `if:` condition as GitHub evaluates it: the whole text is an expression,
// with or without one `${{ }}` around it; text mixing `${{ }}` with anything
// else is a string, which is always true.
struct Condition {
  std::optional<Expression> expression;  // nullopt: not an expression (a template string, or a syntax error)
  bool template_string = false;          // `${{ a }} && b`, or a block scalar with a trailing line break
  std::optional<SyntaxError> error;
};
Condition parse_condition(std::string_view text);

// Whether the expression is true whatever the contexts hold: literals,
// always(), and !, &&, || over them.
bool always_true(const Expression& e);
// Whether a condition can keep its step or job from running: false for an
// always-true one.
bool can_be_false(const Condition& c);
// The terms of an expression, lower case: every context path segment and
// every string literal, in source order.
std::vector<std::string> terms(const Expression& e);
// Whether a condition tests `term`: it can be false, and `term` is true for
// one of its terms. tests(c, [](std::string_view t) { return t.find("approv") != npos; }).
template <class Pred>
bool tests(const Condition& c, Pred term) {
  // A condition that is not an expression (a syntax error) names no term we can read.
  if (!c.expression || !can_be_false(c)) return false;
  for (const auto& t : terms(*c.expression)) {
    if (term(std::string_view(t))) return true;
  }
  return false;
}

}  // namespace pm::engine::expr
