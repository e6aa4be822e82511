// The expression lexer and parser (engine/expr): tokens and spans, every
// literal form, precedence, context paths and what flows into the result,
// conditions, templates in text, malformed input and the nesting cap.
#include "engine/expr/expr.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace pm::engine::expr {
namespace {

Expression parsed(std::string_view text) {
  Parsed p = parse(text);
  EXPECT_TRUE(p.ok()) << text << ": " << (p.error ? p.error->message : "");
  if (!p.ok()) return parse("null").expression.value();
  return std::move(*p.expression);
}

SyntaxError error_of(std::string_view text) {
  Parsed p = parse(text);
  EXPECT_FALSE(p.ok()) << text;
  return p.error.value_or(SyntaxError{});
}

std::vector<std::string> paths(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& r : contexts(parsed(text))) out.push_back(r.path);
  return out;
}

std::vector<std::string> flowing(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& r : contexts(parsed(text))) {
    if (r.flows) out.push_back(r.path);
  }
  return out;
}

TEST(ExprLexer, TokensCarryTheirSpans) {
  const Lexed l = lex("github.event['x'] != 0x1F && !a || b <= -2.5e3");
  ASSERT_FALSE(l.error);
  std::vector<TokenKind> kinds;
  for (const auto& t : l.tokens) kinds.push_back(t.kind);
  EXPECT_EQ(kinds, (std::vector<TokenKind>{TokenKind::kName, TokenKind::kDot, TokenKind::kName, TokenKind::kLBracket,
                                           TokenKind::kString, TokenKind::kRBracket, TokenKind::kNe, TokenKind::kNumber,
                                           TokenKind::kAnd, TokenKind::kNot, TokenKind::kName, TokenKind::kOr,
                                           TokenKind::kName, TokenKind::kLe, TokenKind::kNumber}));
  EXPECT_EQ(l.tokens[4].span.begin, 13u);
  EXPECT_EQ(l.tokens[4].span.end, 16u);
  EXPECT_EQ(l.tokens[7].span.begin, 21u);
  EXPECT_EQ(l.tokens[7].span.end, 25u);
}

TEST(ExprLexer, MalformedInputIsAnErrorWithItsOffset) {
  EXPECT_EQ(lex("a = b").error->offset, 2u);
  EXPECT_EQ(lex("a = b").error->message, "'=' is not an operator (comparison is '==')");
  EXPECT_EQ(lex("a & b").error->offset, 2u);
  EXPECT_EQ(lex("a | b").error->offset, 2u);
  EXPECT_EQ(lex("'abc").error->message, "unterminated string literal");
  EXPECT_EQ(lex("x == 'it''s").error->offset, 5u);
  EXPECT_EQ(lex("1e").error->message, "invalid number");
  EXPECT_EQ(lex("0x").error->message, "invalid number");
  EXPECT_EQ(lex("12ab").error->message, "invalid number");
  EXPECT_EQ(lex("a # b").error->message, "unexpected '#'");
  EXPECT_EQ(lex(std::string("a\x01")).error->message, "unexpected byte 0x01");
  EXPECT_EQ(lex("a \xc3\xa9").error->offset, 2u);
}

TEST(ExprParser, Literals) {
  EXPECT_EQ(parsed("null").root().kind, NodeKind::kNull);
  EXPECT_TRUE(parsed("TRUE").root().boolean);
  EXPECT_FALSE(parsed("false").root().boolean);
  EXPECT_EQ(parsed("42").root().number, 42);
  EXPECT_EQ(parsed("-2.99e-2").root().number, -0.0299);
  EXPECT_EQ(parsed("0xff").root().number, 255);
  EXPECT_EQ(parsed("1E3").root().number, 1000);
  EXPECT_TRUE(std::isinf(parsed("-Infinity").root().number));
  EXPECT_TRUE(std::isnan(parsed("NaN").root().number));
  const Expression s = parsed("'it''s'");
  EXPECT_EQ(s.root().kind, NodeKind::kString);
  EXPECT_EQ(s.string_value(s.root()), "it's");
  EXPECT_EQ(s.slice(s.root().name), "it''s");
}

TEST(ExprParser, PrecedenceFollowsGitHub) {
  // a || b && c == d < e  ->  a || (b && (c == (d < e)))
  const Expression e = parsed("a || b && c == d < e");
  const Node& root = e.root();
  ASSERT_EQ(root.kind, NodeKind::kBinary);
  EXPECT_EQ(root.op, BinaryOp::kOr);
  const Node& rhs = e.node(root.second);
  EXPECT_EQ(rhs.op, BinaryOp::kAnd);
  const Node& eq = e.node(rhs.second);
  EXPECT_EQ(eq.op, BinaryOp::kEq);
  EXPECT_EQ(e.node(eq.second).op, BinaryOp::kLt);
  // ! binds tighter than ==; parentheses regroup.
  const Expression n = parsed("!a == b");
  EXPECT_EQ(n.root().op, BinaryOp::kEq);
  EXPECT_EQ(n.node(n.root().first).kind, NodeKind::kNot);
  const Expression p = parsed("(a || b) && c");
  EXPECT_EQ(p.root().op, BinaryOp::kAnd);
  EXPECT_EQ(p.node(p.root().first).op, BinaryOp::kOr);
}

TEST(ExprParser, CallsAndAccessesWithSpans) {
  const Expression e = parsed("format('{0} {1}', github.event.issue.title, steps.x.outputs['y-z'])");
  const Node& call = e.root();
  ASSERT_EQ(call.kind, NodeKind::kCall);
  EXPECT_EQ(e.slice(call.name), "format");
  int args = 0;
  for (auto a = call.first; a != kNoNode; a = e.node(a).next) ++args;
  EXPECT_EQ(args, 3);
  EXPECT_EQ(call.span.begin, 0u);
  EXPECT_EQ(call.span.end, e.text().size());
  const auto reads = contexts(e);
  ASSERT_EQ(reads.size(), 2u);
  EXPECT_EQ(reads[0].path, "github.event.issue.title");
  EXPECT_EQ(e.slice(reads[0].span), "github.event.issue.title");
  EXPECT_EQ(reads[1].path, "steps.x.outputs.y-z");
  EXPECT_EQ(e.slice(reads[1].span), "steps.x.outputs['y-z']");
  EXPECT_EQ(parsed("always()").root().first, kNoNode);
}

TEST(ExprParser, ContextPathsAreNormalised) {
  EXPECT_EQ(paths("GitHub.Event.Commits[0].Message"), std::vector<std::string>{"github.event.commits.*.message"});
  EXPECT_EQ(paths("github.event.commits.*.author.email"),
            std::vector<std::string>{"github.event.commits.*.author.email"});
  EXPECT_EQ(paths("github.event['head_commit']['message']"),
            std::vector<std::string>{"github.event.head_commit.message"});
  EXPECT_EQ(paths("a.b[*].c"), std::vector<std::string>{"a.b.*.c"});
  EXPECT_EQ(paths("inputs.true"), std::vector<std::string>{"inputs.true"});
  // A computed index is a read of its own and marks the access.
  const auto reads = contexts(parsed("secrets[inputs.name]"));
  ASSERT_EQ(reads.size(), 2u);
  EXPECT_EQ(reads[0].path, "secrets.*");
  EXPECT_TRUE(reads[0].computed_index);
  EXPECT_EQ(reads[1].path, "inputs.name");
  EXPECT_FALSE(contexts(parsed("a[0]"))[0].computed_index);
  // A call's result is not a context.
  EXPECT_EQ(paths("fromJSON(steps.a.outputs.b).c"), std::vector<std::string>{"steps.a.outputs.b"});
}

TEST(ExprParser, WhatFlowsIntoTheResult) {
  EXPECT_EQ(flowing("github.event.issue.title"), std::vector<std::string>{"github.event.issue.title"});
  EXPECT_EQ(flowing("github.event.issue.title == 'x'"), std::vector<std::string>{});
  EXPECT_EQ(flowing("contains(github.event.issue.title, 'x') && 'yes' || 'no'"), std::vector<std::string>{});
  EXPECT_EQ(flowing("github.event.issue.title || 'untitled'"), std::vector<std::string>{"github.event.issue.title"});
  // `a && b` gives a only when a is falsy.
  EXPECT_EQ(flowing("github.event.issue.title && github.event.issue.body"),
            std::vector<std::string>{"github.event.issue.body"});
  EXPECT_EQ(flowing("format('{0}', github.head_ref)"), std::vector<std::string>{"github.head_ref"});
  EXPECT_EQ(flowing("toJSON(github.event)"), std::vector<std::string>{"github.event"});
  EXPECT_EQ(flowing("hashFiles(github.event.issue.title)"), std::vector<std::string>{});
  EXPECT_EQ(flowing("!github.event.issue.title"), std::vector<std::string>{});
  EXPECT_EQ(flowing("fromJSON(env.MAP)[github.event.issue.title]"), std::vector<std::string>{"env.map"});
  EXPECT_EQ(flowing("someNewFunction(github.head_ref)"), std::vector<std::string>{"github.head_ref"});
}

TEST(ExprParser, PathMatching) {
  EXPECT_TRUE(under("github.event.issue.title", "github.event"));
  EXPECT_TRUE(under("github.event", "github.event"));
  EXPECT_FALSE(under("github.eventual", "github.event"));
  EXPECT_FALSE(under("github", "github.event"));
  EXPECT_TRUE(under("steps.ai.outputs.text", "steps.*.outputs"));
  EXPECT_TRUE(matches("github.event.commits.*.message", "github.event.commits.*.message"));
  EXPECT_TRUE(matches("github.event.pages.3.page_name", "github.event.pages.*.page_name"));
  EXPECT_FALSE(matches("github.event.commits.*.message.x", "github.event.commits.*.message"));
  EXPECT_FALSE(matches("github.event.commits", "github.event.commits.*.message"));
}

TEST(ExprParser, MalformedExpressionsAreErrorsWithOffsets) {
  EXPECT_EQ(error_of("").message, "empty expression");
  EXPECT_EQ(error_of("a &&").message, "unexpected end of expression");
  EXPECT_EQ(error_of("a &&").offset, 4u);
  EXPECT_EQ(error_of("(a || b").message, "expected ')' to close the '(' at offset 0");
  EXPECT_EQ(error_of("a[0").message, "expected ']' to close the '[' at offset 1");
  EXPECT_EQ(error_of("a.").message, "expected a property name or '*' after '.'");
  EXPECT_EQ(error_of("a.'b'").offset, 2u);
  EXPECT_EQ(error_of("f(a b)").message, "expected ',' or ')' in the call opened at offset 1");
  EXPECT_EQ(error_of("a b").message, "unexpected 'b'");
  EXPECT_EQ(error_of("a b").offset, 2u);
  EXPECT_EQ(error_of(")").message, "unexpected ')'");
  EXPECT_EQ(error_of("f(,)").offset, 2u);
}

TEST(ExprParser, NestingIsCapped) {
  std::string ok = std::string(kMaxDepth, '(') + "a" + std::string(kMaxDepth, ')');
  EXPECT_TRUE(parse(ok).ok());
  std::string deep = std::string(kMaxDepth + 1, '(') + "a" + std::string(kMaxDepth + 1, ')');
  EXPECT_EQ(error_of(deep).message, "expression nested deeper than 50 levels");
  EXPECT_EQ(error_of(std::string(100000, '!') + "a").message, "expression nested deeper than 50 levels");
  std::string index = "a";
  for (int i = 0; i < 200; ++i) index = "x[" + index + "]";
  EXPECT_FALSE(parse(index).ok());
  // Long chains are loops, not recursion: 100 001 operands parse and are walked.
  std::string chain = "a";
  for (int i = 0; i < 100000; ++i) chain += " || b" + std::to_string(i % 10);
  const Expression e = parsed(chain);
  EXPECT_EQ(contexts(e).size(), 100001u);
  EXPECT_FALSE(always_true(e));
  std::string members = "a";
  for (int i = 0; i < 100000; ++i) members += ".b";
  EXPECT_EQ(contexts(parsed(members)).size(), 1u);
}

TEST(ExprTemplates, FoundWithOffsetsAndStringsRespected) {
  const std::string text = "echo ${{ github.head_ref }} and ${{ format('}}', x) }} ${{ unterminated";
  const auto ts = templates(text);
  ASSERT_EQ(ts.size(), 2u);
  EXPECT_EQ(ts[0].offset, 5u);
  EXPECT_EQ(ts[0].length, 22u);
  EXPECT_EQ(ts[0].inner, " github.head_ref ");
  EXPECT_EQ(ts[0].inner_offset(), 8u);
  EXPECT_EQ(ts[1].inner, " format('}}', x) ");
  EXPECT_TRUE(templates("no expressions").empty());
  EXPECT_TRUE(templates("${{ 'open").empty());
}

TEST(ExprConditions, AlwaysTrueAndTemplateStrings) {
  EXPECT_TRUE(always_true(parsed("true")));
  EXPECT_TRUE(always_true(parsed("always()")));
  EXPECT_TRUE(always_true(parsed("success() || true")));
  EXPECT_TRUE(always_true(parsed("!false && 'x'")));
  EXPECT_FALSE(always_true(parsed("success()")));
  EXPECT_FALSE(always_true(parsed("github.actor == 'x' || false")));
  EXPECT_FALSE(always_true(parsed("''")));
  EXPECT_FALSE(always_true(parsed("0")));

  EXPECT_TRUE(parse_condition("${{ github.event_name == 'push' }}").expression.has_value());
  EXPECT_TRUE(parse_condition("github.event_name == 'push'").expression.has_value());
  // A block scalar keeps its line break: the text is then a string, always true.
  const Condition block = parse_condition("${{ github.event_name == 'push' }}\n");
  EXPECT_TRUE(block.template_string);
  EXPECT_FALSE(can_be_false(block));
  EXPECT_FALSE(can_be_false(parse_condition("${{ a }} && ${{ b }}")));
  EXPECT_TRUE(can_be_false(parse_condition("steps.review.outputs.approved == 'true'")));
  const Condition broken = parse_condition("a ==");
  EXPECT_TRUE(broken.error.has_value());
  EXPECT_TRUE(can_be_false(broken));
}

TEST(ExprConditions, TestsATerm) {
  const auto approval = [](std::string_view t) { return t.find("approv") != std::string_view::npos; };
  EXPECT_TRUE(tests(parse_condition("steps.review.outputs.approved == 'true'"), approval));
  EXPECT_TRUE(tests(parse_condition("${{ github.event.review.state == 'APPROVED' }}"), approval));
  EXPECT_FALSE(tests(parse_condition("always() || steps.review.outputs.approved"), approval));
  EXPECT_FALSE(tests(parse_condition("github.actor == 'dependabot[bot]'"), approval));
  EXPECT_FALSE(tests(parse_condition("${{ steps.x.outputs.approved }}\n"), approval));
  // A syntax error is no expression: it names no term (and is not read as one).
  EXPECT_FALSE(tests(parse_condition("3tartsWith(steps.review.outputs.approved, 'y')"), approval));
  EXPECT_FALSE(tests(parse_condition("steps.review.outputs.approved =="), approval));
}

}  // namespace
}  // namespace pm::engine::expr
