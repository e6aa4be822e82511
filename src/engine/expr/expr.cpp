#include "engine/expr/expr.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace pm::engine::expr {

namespace {

bool digit(char c) {
  return c >= '0' && c <= '9';
}

bool hex_digit(char c) {
  return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool name_char(char c) {
  return name_start(c) || digit(c) || c == '-';
}

char lower_char(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower_char(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower_char(a[i]) != lower_char(b[i])) return false;
  }
  return true;
}

std::string describe_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
  static constexpr char kHex[] = "0123456789abcdef";
  return std::string("byte 0x") + kHex[u >> 4] + kHex[u & 15];
}

Span span_of(std::size_t begin, std::size_t end) {
  return Span{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end)};
}

// The end of the number starting at `i` (an optional '-', then digits, a hex
// literal or Infinity), or npos when the text there is not a number.
std::size_t number_end(std::string_view t, std::size_t i) {
  std::size_t j = i;
  if (j < t.size() && t[j] == '-') ++j;
  if (t.substr(j).starts_with("Infinity")) return j + 8;
  if (j + 1 < t.size() && t[j] == '0' && (t[j + 1] == 'x' || t[j + 1] == 'X')) {
    std::size_t k = j + 2;
    while (k < t.size() && hex_digit(t[k])) ++k;
    return k == j + 2 ? std::string_view::npos : k;
  }
  const std::size_t digits = j;
  while (j < t.size() && digit(t[j])) ++j;
  if (j == digits) return std::string_view::npos;
  if (j + 1 < t.size() && t[j] == '.' && digit(t[j + 1])) {
    ++j;
    while (j < t.size() && digit(t[j])) ++j;
  }
  if (j < t.size() && (t[j] == 'e' || t[j] == 'E')) {
    std::size_t k = j + 1;
    if (k < t.size() && (t[k] == '+' || t[k] == '-')) ++k;
    const std::size_t exp = k;
    while (k < t.size() && digit(t[k])) ++k;
    if (k == exp) return std::string_view::npos;
    j = k;
  }
  return j;
}

double number_value(std::string_view lexeme) {
  const bool negative = lexeme.starts_with('-');
  std::string_view body = negative ? lexeme.substr(1) : lexeme;
  double v = 0;
  if (body == "Infinity" || iequals(body, "infinity")) {
    v = std::numeric_limits<double>::infinity();
  } else if (iequals(body, "nan")) {
    v = std::numeric_limits<double>::quiet_NaN();
  } else if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
    for (char c : body.substr(2)) {
      const int d = digit(c) ? c - '0' : lower_char(c) - 'a' + 10;
      v = v * 16 + d;
    }
  } else {
    std::from_chars(body.data(), body.data() + body.size(), v);
  }
  return negative ? -v : v;
}

}  // namespace

Lexed lex(std::string_view text) {
  Lexed out;
  if (text.size() >= UINT32_MAX) {
    out.error = SyntaxError{0, "expression longer than 4 GiB"};
    return out;
  }
  const std::size_t n = text.size();
  std::size_t i = 0;
  auto push = [&](TokenKind kind, std::size_t end) {
    out.tokens.push_back(Token{kind, span_of(i, end)});
    i = end;
  };
  auto fail = [&](std::size_t at, std::string message) {
    out.error = SyntaxError{at, std::move(message)};
    return out;
  };
  while (i < n) {
    const char c = text[i];
    const char next = i + 1 < n ? text[i + 1] : '\0';
    switch (c) {
      case ' ':
      case '\t':
      case '\n':
      case '\r': ++i; continue;
      case '.': push(TokenKind::kDot, i + 1); continue;
      case '*': push(TokenKind::kStar, i + 1); continue;
      case '[': push(TokenKind::kLBracket, i + 1); continue;
      case ']': push(TokenKind::kRBracket, i + 1); continue;
      case '(': push(TokenKind::kLParen, i + 1); continue;
      case ')': push(TokenKind::kRParen, i + 1); continue;
      case ',': push(TokenKind::kComma, i + 1); continue;
      case '!': push(next == '=' ? TokenKind::kNe : TokenKind::kNot, next == '=' ? i + 2 : i + 1); continue;
      case '<': push(next == '=' ? TokenKind::kLe : TokenKind::kLt, next == '=' ? i + 2 : i + 1); continue;
      case '>': push(next == '=' ? TokenKind::kGe : TokenKind::kGt, next == '=' ? i + 2 : i + 1); continue;
      case '=':
        if (next != '=') return fail(i, "'=' is not an operator (comparison is '==')");
        push(TokenKind::kEq, i + 2);
        continue;
      case '&':
        if (next != '&') return fail(i, "'&' is not an operator (logical and is '&&')");
        push(TokenKind::kAnd, i + 2);
        continue;
      case '|':
        if (next != '|') return fail(i, "'|' is not an operator (logical or is '||')");
        push(TokenKind::kOr, i + 2);
        continue;
      case '\'': {
        std::size_t j = i + 1;
        for (;;) {
          if (j >= n) return fail(i, "unterminated string literal");
          if (text[j] == '\'') {
            if (j + 1 < n && text[j + 1] == '\'') {
              j += 2;
              continue;
            }
            break;
          }
          ++j;
        }
        push(TokenKind::kString, j + 1);
        continue;
      }
      default: break;
    }
    if (digit(c) || (c == '-' && (digit(next) || text.substr(i + 1).starts_with("Infinity")))) {
      const std::size_t end = number_end(text, i);
      if (end == std::string_view::npos || (end < n && name_char(text[end]))) return fail(i, "invalid number");
      push(TokenKind::kNumber, end);
      continue;
    }
    if (name_start(c)) {
      std::size_t j = i + 1;
      while (j < n && name_char(text[j])) ++j;
      const std::string_view word = text.substr(i, j - i);
      TokenKind kind = TokenKind::kName;
      if (iequals(word, "null")) kind = TokenKind::kNull;
      if (iequals(word, "true")) kind = TokenKind::kTrue;
      if (iequals(word, "false")) kind = TokenKind::kFalse;
      if (iequals(word, "nan") || iequals(word, "infinity")) kind = TokenKind::kNumber;
      push(kind, j);
      continue;
    }
    return fail(i, "unexpected " + describe_byte(c));
  }
  return out;
}

std::string Expression::string_value(const Node& n) const {
  std::string out;
  const std::string_view raw = slice(n.name);
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    out.push_back(raw[i]);
    if (raw[i] == '\'' && i + 1 < raw.size() && raw[i + 1] == '\'') ++i;
  }
  return out;
}

// Recursive descent over the tokens; depth counts the nesting that recursion
// follows (parentheses, '!', indexes, call arguments), capped at kMaxDepth.
// Binary operator chains are loops. Children are added before their parents,
// so every child's index is lower than its parent's and the root is last.
class Parser {
 public:
  Parser(std::string_view text, const std::vector<Token>& tokens) : text_(text), tokens_(tokens) {}

  Parsed run() {
    Parsed out;
    if (tokens_.empty()) {
      out.error = SyntaxError{text_.size(), "empty expression"};
      return out;
    }
    const std::uint32_t root = parse_or(0);
    if (!error_ && pos_ < tokens_.size()) fail_at_token("unexpected " + token_text(tokens_[pos_]));
    if (error_) {
      out.error = std::move(error_);
      return out;
    }
    expr_.text_ = text_;
    expr_.root_ = root;
    out.expression = std::move(expr_);
    return out;
  }

 private:
  bool at(TokenKind k) const { return pos_ < tokens_.size() && tokens_[pos_].kind == k; }

  std::string token_text(const Token& t) const {
    return "'" + std::string(text_.substr(t.span.begin, t.span.size())) + "'";
  }

  void fail(std::size_t offset, std::string message) {
    if (!error_) error_ = SyntaxError{offset, std::move(message)};
  }
  void fail_at_token(std::string message) {
    fail(pos_ < tokens_.size() ? tokens_[pos_].span.begin : text_.size(), std::move(message));
  }

  std::uint32_t add(Node n) {
    expr_.nodes_.push_back(n);
    return static_cast<std::uint32_t>(expr_.nodes_.size() - 1);
  }
  const Node& node(std::uint32_t i) const { return expr_.nodes_[i]; }

  bool too_deep(int depth) {
    if (depth <= kMaxDepth) return false;
    fail_at_token("expression nested deeper than " + std::to_string(kMaxDepth) + " levels");
    return true;
  }

  std::uint32_t binary(std::uint32_t lhs, BinaryOp op, std::uint32_t rhs) {
    Node n;
    n.kind = NodeKind::kBinary;
    n.op = op;
    n.first = lhs;
    n.second = rhs;
    n.span = Span{node(lhs).span.begin, node(rhs).span.end};
    return add(n);
  }

  template <class Next>
  std::uint32_t left_assoc(int depth, Next next, std::initializer_list<std::pair<TokenKind, BinaryOp>> ops) {
    std::uint32_t lhs = (this->*next)(depth);
    while (!error_) {
      const auto* op = std::find_if(ops.begin(), ops.end(), [&](const auto& o) { return at(o.first); });
      if (op == ops.end()) break;
      ++pos_;
      const std::uint32_t rhs = (this->*next)(depth);
      if (error_) break;
      lhs = binary(lhs, op->second, rhs);
    }
    return lhs;
  }

  std::uint32_t parse_or(int depth) {
    if (too_deep(depth)) return kNoNode;
    return left_assoc(depth, &Parser::parse_and, {{TokenKind::kOr, BinaryOp::kOr}});
  }
  std::uint32_t parse_and(int depth) {
    return left_assoc(depth, &Parser::parse_eq, {{TokenKind::kAnd, BinaryOp::kAnd}});
  }
  std::uint32_t parse_eq(int depth) {
    return left_assoc(depth, &Parser::parse_cmp, {{TokenKind::kEq, BinaryOp::kEq}, {TokenKind::kNe, BinaryOp::kNe}});
  }
  std::uint32_t parse_cmp(int depth) {
    return left_assoc(depth, &Parser::parse_unary,
                      {{TokenKind::kLt, BinaryOp::kLt},
                       {TokenKind::kLe, BinaryOp::kLe},
                       {TokenKind::kGt, BinaryOp::kGt},
                       {TokenKind::kGe, BinaryOp::kGe}});
  }

  std::uint32_t parse_unary(int depth) {
    if (!at(TokenKind::kNot)) return parse_postfix(depth);
    const std::uint32_t begin = tokens_[pos_].span.begin;
    ++pos_;
    if (too_deep(depth + 1)) return kNoNode;
    const std::uint32_t operand = parse_unary(depth + 1);
    if (error_) return kNoNode;
    Node n;
    n.kind = NodeKind::kNot;
    n.first = operand;
    n.span = Span{begin, node(operand).span.end};
    return add(n);
  }

  // A property name after '.': any name-shaped token (keywords included).
  bool member_name_at() const {
    return pos_ < tokens_.size() && tokens_[pos_].kind != TokenKind::kString &&
           name_start(text_[tokens_[pos_].span.begin]);
  }

  std::uint32_t parse_postfix(int depth) {
    std::uint32_t object = parse_primary(depth);
    while (!error_) {
      if (at(TokenKind::kDot)) {
        ++pos_;
        Node n;
        n.first = object;
        if (at(TokenKind::kStar)) {
          n.kind = NodeKind::kStar;
        } else if (member_name_at()) {
          n.kind = NodeKind::kMember;
          n.name = tokens_[pos_].span;
        } else {
          fail_at_token("expected a property name or '*' after '.'");
          break;
        }
        n.span = Span{node(object).span.begin, tokens_[pos_].span.end};
        ++pos_;
        object = add(n);
      } else if (at(TokenKind::kLBracket)) {
        const std::uint32_t open = tokens_[pos_].span.begin;
        ++pos_;
        Node n;
        n.first = object;
        if (at(TokenKind::kStar)) {
          ++pos_;
          n.kind = NodeKind::kStar;
        } else {
          n.kind = NodeKind::kIndex;
          n.second = parse_or(depth + 1);
          if (error_) break;
        }
        if (!at(TokenKind::kRBracket)) {
          fail_at_token("expected ']' to close the '[' at offset " + std::to_string(open));
          break;
        }
        n.span = Span{node(object).span.begin, tokens_[pos_].span.end};
        ++pos_;
        object = add(n);
      } else {
        break;
      }
    }
    return object;
  }

  std::uint32_t parse_primary(int depth) {
    if (pos_ >= tokens_.size()) {
      fail(text_.size(), "unexpected end of expression");
      return kNoNode;
    }
    const Token t = tokens_[pos_];
    Node n;
    n.span = t.span;
    switch (t.kind) {
      case TokenKind::kNull:
        ++pos_;
        n.kind = NodeKind::kNull;
        return add(n);
      case TokenKind::kTrue:
      case TokenKind::kFalse:
        ++pos_;
        n.kind = NodeKind::kBool;
        n.boolean = t.kind == TokenKind::kTrue;
        return add(n);
      case TokenKind::kNumber:
        ++pos_;
        n.kind = NodeKind::kNumber;
        n.number = number_value(text_.substr(t.span.begin, t.span.size()));
        return add(n);
      case TokenKind::kString:
        ++pos_;
        n.kind = NodeKind::kString;
        n.name = Span{t.span.begin + 1, t.span.end - 1};
        return add(n);
      case TokenKind::kLParen: {
        ++pos_;
        const std::uint32_t inner = parse_or(depth + 1);
        if (error_) return kNoNode;
        if (!at(TokenKind::kRParen)) {
          fail_at_token("expected ')' to close the '(' at offset " + std::to_string(t.span.begin));
          return kNoNode;
        }
        ++pos_;
        return inner;
      }
      case TokenKind::kName: {
        ++pos_;
        if (!at(TokenKind::kLParen)) {
          n.kind = NodeKind::kContext;
          n.name = t.span;
          return add(n);
        }
        return parse_call(depth, t);
      }
      default: fail_at_token("unexpected " + token_text(t)); return kNoNode;
    }
  }

  std::uint32_t parse_call(int depth, const Token& name) {
    const std::uint32_t open = tokens_[pos_].span.begin;
    ++pos_;
    std::vector<std::uint32_t> args;
    if (!at(TokenKind::kRParen)) {
      for (;;) {
        args.push_back(parse_or(depth + 1));
        if (error_) return kNoNode;
        if (at(TokenKind::kComma)) {
          ++pos_;
          continue;
        }
        break;
      }
    }
    if (!at(TokenKind::kRParen)) {
      fail_at_token("expected ',' or ')' in the call opened at offset " + std::to_string(open));
      return kNoNode;
    }
    Node n;
    n.kind = NodeKind::kCall;
    n.name = name.span;
    n.span = Span{name.span.begin, tokens_[pos_].span.end};
    ++pos_;
    for (std::size_t k = 0; k + 1 < args.size(); ++k) expr_.nodes_[args[k]].next = args[k + 1];
    if (!args.empty()) n.first = args.front();
    return add(n);
  }

  std::string_view text_;
  const std::vector<Token>& tokens_;
  std::size_t pos_ = 0;
  Expression expr_;
  std::optional<SyntaxError> error_;
};

Parsed parse(std::string_view text) {
  Lexed lexed = lex(text);
  if (lexed.error) {
    Parsed out;
    out.error = std::move(lexed.error);
    return out;
  }
  return Parser(text, lexed.tokens).run();
}

std::vector<Template> templates(std::string_view text) {
  std::vector<Template> out;
  std::size_t p = text.find("${{");
  while (p != std::string_view::npos) {
    std::size_t i = p + 3;
    bool closed = false;
    while (i < text.size()) {
      if (text[i] == '\'') {
        ++i;
        while (i < text.size()) {
          if (text[i] != '\'') {
            ++i;
          } else if (i + 1 < text.size() && text[i + 1] == '\'') {
            i += 2;
          } else {
            ++i;
            break;
          }
        }
        continue;
      }
      if (text[i] == '}' && i + 1 < text.size() && text[i + 1] == '}') {
        closed = true;
        break;
      }
      ++i;
    }
    if (!closed) break;
    out.push_back(Template{p, i + 2 - p, text.substr(p + 3, i - p - 3)});
    p = text.find("${{", i + 2);
  }
  return out;
}

namespace {

// Functions whose result carries (part of) their arguments' values; every
// other known function returns a boolean, a status or a hash. An unknown
// function is assumed to pass its arguments through.
bool passes_arguments_through(std::string_view name) {
  static constexpr std::string_view kBoolean[] = {"contains", "startswith", "endswith",  "success",
                                                  "always",   "failure",    "cancelled", "hashfiles"};
  return std::none_of(std::begin(kBoolean), std::end(kBoolean), [&](std::string_view b) { return iequals(name, b); });
}

bool is_access(NodeKind k) {
  return k == NodeKind::kMember || k == NodeKind::kIndex || k == NodeKind::kStar;
}

}  // namespace

std::vector<bool> flowing_nodes(const Expression& e) {
  const std::size_t n = e.size();
  std::vector<bool> flows(n, false);
  // Top-down (parents have higher indexes): which values reach the result.
  flows[e.root_index()] = true;
  for (std::size_t i = n; i-- > 0;) {
    const Node& x = e.node(static_cast<std::uint32_t>(i));
    const bool f = flows[i];
    switch (x.kind) {
      case NodeKind::kNot: flows[x.first] = false; break;
      case NodeKind::kBinary: {
        // `a && b` gives a only when a is falsy (false, 0, '', null): no text of it gets through.
        const bool logical = x.op == BinaryOp::kAnd || x.op == BinaryOp::kOr;
        flows[x.first] = x.op == BinaryOp::kOr && f;
        flows[x.second] = logical && f;
        break;
      }
      case NodeKind::kMember:
      case NodeKind::kStar: flows[x.first] = f; break;
      case NodeKind::kIndex:
        flows[x.first] = f;
        flows[x.second] = false;
        break;
      case NodeKind::kCall: {
        const bool through = f && passes_arguments_through(e.slice(x.name));
        for (std::uint32_t a = x.first; a != kNoNode; a = e.node(a).next) flows[a] = through;
        break;
      }
      default: break;
    }
  }
  return flows;
}

std::vector<ContextRead> contexts(const Expression& e) {
  const std::size_t n = e.size();
  // Whether each node is a context access chain (rooted at a bare name), and
  // whether a longer chain continues it.
  std::vector<bool> chain(n, false), continued(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    const Node& x = e.node(static_cast<std::uint32_t>(i));
    chain[i] = x.kind == NodeKind::kContext || (is_access(x.kind) && chain[x.first]);
    if (chain[i] && x.kind != NodeKind::kContext) continued[x.first] = true;
  }
  const std::vector<bool> flows = flowing_nodes(e);
  std::vector<ContextRead> out;
  std::vector<std::uint32_t> links;
  for (std::size_t i = 0; i < n; ++i) {
    if (!chain[i] || continued[i]) continue;
    links.clear();
    for (auto k = static_cast<std::uint32_t>(i);; k = e.node(k).first) {
      links.push_back(k);
      if (e.node(k).kind == NodeKind::kContext) break;
    }
    ContextRead r;
    r.span = e.node(static_cast<std::uint32_t>(i)).span;
    r.flows = flows[i];
    for (auto it = links.rbegin(); it != links.rend(); ++it) {
      const Node& x = e.node(*it);
      if (!r.path.empty()) r.path.push_back('.');
      switch (x.kind) {
        case NodeKind::kContext:
        case NodeKind::kMember: r.path += lower(e.slice(x.name)); break;
        case NodeKind::kStar: r.path.push_back('*'); break;
        case NodeKind::kIndex: {
          const Node& index = e.node(x.second);
          if (index.kind == NodeKind::kString) {
            r.path += lower(e.string_value(index));
          } else {
            r.path.push_back('*');
            r.computed_index = r.computed_index || index.kind != NodeKind::kNumber;
          }
          break;
        }
        default: break;
      }
    }
    out.push_back(std::move(r));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ContextRead& a, const ContextRead& b) { return a.span.begin < b.span.begin; });
  return out;
}

namespace {

// The next '.'-separated segment of `s` from `pos`; advances `pos` past it.
std::string_view next_segment(std::string_view s, std::size_t& pos) {
  const std::size_t dot = s.find('.', pos);
  const std::string_view seg = s.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
  pos = dot == std::string_view::npos ? s.size() + 1 : dot + 1;
  return seg;
}

}  // namespace

bool under(std::string_view path, std::string_view prefix) {
  std::size_t p = 0, q = 0;
  while (q <= prefix.size()) {
    if (p > path.size()) return false;
    const std::string_view a = next_segment(path, p);
    const std::string_view b = next_segment(prefix, q);
    if (b != "*" && a != b) return false;
  }
  return true;
}

bool matches(std::string_view path, std::string_view pattern) {
  std::size_t p = 0, q = 0;
  while (p <= path.size() && q <= pattern.size()) {
    const std::string_view a = next_segment(path, p);
    const std::string_view b = next_segment(pattern, q);
    if (a != "*" && b != "*" && a != b) return false;
  }
  return p > path.size() && q > pattern.size();
}

Condition parse_condition(std::string_view text) {
  Condition c;
  const auto ts = templates(text);
  std::string_view body = text;
  if (!ts.empty()) {
    if (ts.size() != 1 || ts[0].offset != 0 || ts[0].length != text.size()) {
      c.template_string = true;
      return c;
    }
    body = ts[0].inner;
  }
  Parsed p = parse(body);
  if (p.error) {
    c.error = std::move(p.error);
  } else {
    c.expression = std::move(p.expression);
  }
  return c;
}

bool always_true(const Expression& e) {
  enum class Truth : std::uint8_t { kFalse, kTrue, kUnknown };
  std::vector<Truth> t(e.size(), Truth::kUnknown);
  const auto of = [](bool b) { return b ? Truth::kTrue : Truth::kFalse; };
  for (std::size_t i = 0; i < e.size(); ++i) {
    const Node& x = e.node(static_cast<std::uint32_t>(i));
    switch (x.kind) {
      case NodeKind::kNull: t[i] = Truth::kFalse; break;
      case NodeKind::kBool: t[i] = of(x.boolean); break;
      case NodeKind::kNumber: t[i] = of(x.number != 0 && !std::isnan(x.number)); break;
      case NodeKind::kString: t[i] = of(x.name.size() > 0); break;
      case NodeKind::kNot:
        if (t[x.first] != Truth::kUnknown) t[i] = of(t[x.first] == Truth::kFalse);
        break;
      case NodeKind::kCall:
        if (iequals(e.slice(x.name), "always")) t[i] = Truth::kTrue;
        break;
      case NodeKind::kBinary: {
        const Truth l = t[x.first], r = t[x.second];
        if (x.op == BinaryOp::kAnd) {
          if (l == Truth::kFalse || r == Truth::kFalse) t[i] = Truth::kFalse;
          if (l == Truth::kTrue) t[i] = r;
        } else if (x.op == BinaryOp::kOr) {
          if (l == Truth::kTrue || r == Truth::kTrue) t[i] = Truth::kTrue;
          if (l == Truth::kFalse) t[i] = r;
        }
        break;
      }
      default: break;
    }
  }
  return t[e.root_index()] == Truth::kTrue;
}

bool can_be_false(const Condition& c) {
  if (c.template_string) return false;
  return !c.expression || !always_true(*c.expression);
}

std::vector<std::string> terms(const Expression& e) {
  std::vector<std::string> out;
  for (const auto& r : contexts(e)) {
    std::size_t pos = 0;
    while (pos <= r.path.size()) {
      const std::string_view seg = next_segment(r.path, pos);
      if (seg != "*") out.emplace_back(seg);
    }
  }
  for (std::size_t i = 0; i < e.size(); ++i) {
    const Node& x = e.node(static_cast<std::uint32_t>(i));
    if (x.kind == NodeKind::kString) out.push_back(lower(e.string_value(x)));
  }
  return out;
}

}  // namespace pm::engine::expr
