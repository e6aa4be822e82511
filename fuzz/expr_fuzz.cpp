// GitHub Actions expressions: the input is a value as it appears in a
// workflow (text with `${{ }}` templates), and also, whole, an expression or
// an `if:` condition. Goes through the lexer, the parser and the walking
// helpers rules use (contexts, terms, always_true).
//
// Checked beyond the sanitizers: every token, node and context span lies
// inside the text it was parsed from and a node's span holds its children's;
// a syntax error's offset is inside the text (or at its end); templates lie
// inside the value and start with "${{" and end with "}}"; parsing is
// deterministic.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/expr/expr.hpp"

namespace {

namespace expr = pm::engine::expr;

[[noreturn]] void fail(const std::string& what, std::string_view text) {
  std::fprintf(stderr, "expr_fuzz: %s: %.*s\n", what.c_str(),
               static_cast<int>(std::min<std::size_t>(text.size(), 2000)), text.data());
  std::abort();
}

void check_span(expr::Span s, std::string_view text, const char* what) {
  if (s.begin > s.end || s.end > text.size()) fail(std::string(what) + " span outside the text", text);
}

void check_node(const expr::Expression& e, std::uint32_t i, std::string_view text) {
  const expr::Node& n = e.node(i);
  check_span(n.span, text, "node");
  for (const std::uint32_t c : {n.first, n.second}) {
    if (c == expr::kNoNode) continue;
    if (c >= i) fail("a child after its parent", text);
    const expr::Node& child = e.node(c);
    if (n.kind != expr::NodeKind::kCall && (child.span.begin < n.span.begin || child.span.end > n.span.end)) {
      fail("a child outside its parent's span", text);
    }
  }
}

void check_expression(std::string_view text) {
  const expr::Lexed lexed = expr::lex(text);
  for (const auto& t : lexed.tokens) check_span(t.span, text, "token");
  if (lexed.error && lexed.error->offset > text.size()) fail("lexer error offset outside the text", text);
  const expr::Parsed p = expr::parse(text);
  const expr::Parsed again = expr::parse(text);
  if (p.ok() != again.ok()) fail("parsing is not deterministic", text);
  if (!p.ok()) {
    if (!p.error || p.error->message.empty()) fail("failure without a message", text);
    if (p.error->offset > text.size()) fail("error offset outside the text", text);
    return;
  }
  const expr::Expression& e = *p.expression;
  for (std::uint32_t i = 0; i < e.size(); ++i) check_node(e, i, text);
  for (const auto& r : expr::contexts(e)) {
    check_span(r.span, text, "context");
    if (r.path.empty()) fail("a context without a path", text);
  }
  (void)expr::terms(e);
  (void)expr::always_true(e);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  check_expression(text);
  for (const auto& t : expr::templates(text)) {
    if (t.offset + t.length > text.size()) fail("template outside the value", text);
    const std::string_view whole = std::string_view(text).substr(t.offset, t.length);
    if (!whole.starts_with("${{") || !whole.ends_with("}}")) fail("template without its braces", text);
    check_expression(t.inner);
  }
  const expr::Condition c = expr::parse_condition(text);
  if (c.expression && c.template_string) fail("a condition both expression and string", text);
  (void)expr::can_be_false(c);
  return 0;
}
