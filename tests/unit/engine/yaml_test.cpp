#include "engine/yaml.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pm::engine::yaml {
namespace {

const Node& root_of(const ParseResult& r) {
  EXPECT_FALSE(r.error.has_value()) << (r.error ? r.error->message : "");
  EXPECT_EQ(r.documents.size(), 1u);
  EXPECT_TRUE(r.documents.at(0).root.has_value());
  return *r.documents.at(0).root;
}

TEST(YamlParse, MappingKeysAndValuesCarryLineAndColumn) {
  auto r = parse("name: ci\non:\n  push:\n    branches: [main]\n");
  const Node& root = root_of(r);
  ASSERT_TRUE(root.is_mapping());
  ASSERT_EQ(root.entries().size(), 2u);
  EXPECT_EQ(root.entries()[0].first.value(), "name");
  EXPECT_EQ(root.entries()[0].first.line, 1);
  EXPECT_EQ(root.entries()[0].first.column, 1);
  EXPECT_EQ(root.entries()[0].second.value(), "ci");
  EXPECT_EQ(root.entries()[0].second.column, 7);
  // YAML 1.1 would read `on` as a boolean; we keep the text.
  EXPECT_EQ(root.entries()[1].first.value(), "on");
  const Node* branches = root.get("on")->get("push")->get("branches");
  ASSERT_NE(branches, nullptr);
  ASSERT_TRUE(branches->is_sequence());
  EXPECT_EQ(branches->items().at(0).value(), "main");
  EXPECT_EQ(branches->items().at(0).line, 4);
}

TEST(YamlParse, EachKindAnswersOnlyItsOwnAccessor) {
  // A node keeps one pointer for its text, items or entries: the accessors
  // of the other kinds must give nothing rather than reinterpret it.
  for (const char* text : {"m: {a: 1}\ns: [x, y]\nv: text\n", "m:\n  a: 1\ns:\n  - x\n  - y\nv: text\n"}) {
    SCOPED_TRACE(text);
    auto r = parse(text);
    const Node& root = root_of(r);
    const Node* m = root.get("m");
    const Node* s = root.get("s");
    const Node* v = root.get("v");
    ASSERT_TRUE(m && s && v);
    EXPECT_EQ(m->entries().size(), 1u);
    EXPECT_TRUE(m->items().empty());
    EXPECT_EQ(m->value(), "");
    EXPECT_EQ(s->items().size(), 2u);
    EXPECT_TRUE(s->entries().empty());
    EXPECT_EQ(s->value(), "");
    EXPECT_EQ(s->get("x"), nullptr);
    EXPECT_EQ(v->value(), "text");
    EXPECT_TRUE(v->items().empty());
    EXPECT_TRUE(v->entries().empty());
  }
}

TEST(YamlParse, LiteralBlockScalarKeepsTextExactly) {
  auto r = parse("run: |\n  echo one\n    indented\n  echo two\nnext: x\n");
  const Node& root = root_of(r);
  const Node* run = root.get("run");
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->style, ScalarStyle::kLiteral);
  EXPECT_EQ(run->value(), "echo one\n  indented\necho two\n");
  EXPECT_EQ(run->line, 1);  // the indicator's line
}

TEST(YamlParse, FoldedBlockScalarFoldsLines) {
  auto r = parse("msg: >\n  a\n  b\n");
  const Node* msg = root_of(r).get("msg");
  ASSERT_NE(msg, nullptr);
  EXPECT_EQ(msg->style, ScalarStyle::kFolded);
  EXPECT_EQ(msg->value(), "a b\n");
}

TEST(YamlParse, FlowStyleCollections) {
  auto r = parse("on: [push, pull_request_target]\nperms: {contents: read, issues: write}\n");
  const Node& root = root_of(r);
  const Node* on = root.get("on");
  ASSERT_TRUE(on && on->is_sequence());
  ASSERT_EQ(on->items().size(), 2u);
  EXPECT_EQ(on->items()[1].value(), "pull_request_target");
  EXPECT_EQ(on->items()[1].column, 12);
  const Node* perms = root.get("perms");
  ASSERT_TRUE(perms && perms->is_mapping());
  EXPECT_EQ(perms->get("issues")->value(), "write");
}

TEST(YamlParse, AnchorsAndAliasesAreExpandedByCopy) {
  auto r = parse(
      "defaults: &d\n"
      "  runs-on: ubuntu-latest\n"
      "  timeout: 5\n"
      "a: *d\n"
      "b: *d\n");
  const Node& root = root_of(r);
  const Node* a = root.get("a");
  const Node* b = root.get("b");
  ASSERT_TRUE(a && a->is_mapping());
  ASSERT_TRUE(b && b->is_mapping());
  EXPECT_EQ(a->get("runs-on")->value(), "ubuntu-latest");
  EXPECT_EQ(b->get("timeout")->value(), "5");
  // The copy keeps the lines of the anchored definition.
  EXPECT_EQ(b->get("timeout")->line, 3);
}

TEST(YamlParse, MergeKeysResolveIntoTheMapping) {
  auto r = parse(
      "base: &base\n"
      "  shell: bash\n"
      "  timeout: 5\n"
      "job:\n"
      "  <<: *base\n"
      "  timeout: 10\n");
  const Node* job = root_of(r).get("job");
  ASSERT_TRUE(job && job->is_mapping());
  EXPECT_EQ(job->get("<<"), nullptr);
  EXPECT_EQ(job->get("shell")->value(), "bash");
  EXPECT_EQ(job->get("timeout")->value(), "10");  // explicit key wins
  EXPECT_EQ(job->entries().size(), 2u);
}

TEST(YamlParse, MergeKeyWithSequenceOfMappings) {
  auto r = parse("a: &a {x: 1}\nb: &b {x: 2, y: 3}\nc:\n  <<: [*a, *b]\n");
  const Node* c = root_of(r).get("c");
  ASSERT_TRUE(c && c->is_mapping());
  EXPECT_EQ(c->get("x")->value(), "1");  // first merged mapping wins
  EXPECT_EQ(c->get("y")->value(), "3");
}

TEST(YamlParse, MultipleDocuments) {
  auto r = parse("---\na: 1\n---\nb: 2\n...\n");
  ASSERT_FALSE(r.error.has_value());
  ASSERT_EQ(r.documents.size(), 2u);
  EXPECT_EQ(r.documents[1].root->get("b")->value(), "2");
  EXPECT_EQ(r.documents[1].root->get("b")->line, 4);
}

TEST(YamlParse, EmptyInputHasNoDocuments) {
  auto r = parse("");
  EXPECT_FALSE(r.error.has_value());
  EXPECT_TRUE(r.documents.empty());
  auto c = parse("# only a comment\n");
  EXPECT_FALSE(c.error.has_value());
  EXPECT_TRUE(c.documents.empty());
}

TEST(YamlParse, NullDetection) {
  auto r = parse("a:\nb: ~\nc: null\nd: 'null'\ne: x\n");
  const Node& root = root_of(r);
  EXPECT_TRUE(root.get("a")->is_null());
  EXPECT_TRUE(root.get("b")->is_null());
  EXPECT_TRUE(root.get("c")->is_null());
  EXPECT_FALSE(root.get("d")->is_null());
  EXPECT_FALSE(root.get("e")->is_null());
}

TEST(YamlParse, SyntaxErrorReportsLibyamlProblemAndLine) {
  auto r = parse("jobs:\n  build:\n    steps: [a, b\n  other: 1\n");
  ASSERT_TRUE(r.error.has_value());
  EXPECT_FALSE(r.error->message.empty());
  EXPECT_GE(r.error->line, 3);
  auto bad = parse("a: 1\n b: 2\n");
  ASSERT_TRUE(bad.error.has_value());
  EXPECT_NE(bad.error->message.find("mapping values are not allowed"), std::string::npos) << bad.error->message;
  EXPECT_EQ(bad.error->line, 2);
}

TEST(YamlParse, UndefinedAliasIsAnError) {
  auto r = parse("a: *nope\n");
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->line, 1);
}

TEST(YamlParse, BillionLaughsBombIsRejected) {
  std::string bomb = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) bomb += std::string(i ? ", *" : "*") + prev;
    bomb += "]\n";
    prev = c;
  }
  ASSERT_LT(bomb.size(), 600u);
  auto r = parse(bomb);
  ASSERT_TRUE(r.error.has_value());
  EXPECT_NE(r.error->message.find("alias expansion"), std::string::npos) << r.error->message;
}

TEST(YamlParse, AliasCapIsConfigurable) {
  Limits tight;
  tight.max_alias_nodes = 6;
  auto r = parse("a: &a [1, 2]\nb: *a\nc: *a\n", tight);  // snapshot 3 + copies 3 + 3
  ASSERT_TRUE(r.error.has_value());
  auto ok = parse("a: &a [1, 2]\nb: *a\n", tight);
  EXPECT_FALSE(ok.error.has_value());
}

TEST(YamlParse, NestedAnchorsAroundALargeBodyAreBounded) {
  // Every anchor snapshots its subtree: 200 nested anchors around 2000 items
  // would copy 400000 nodes, beyond the default budget of 100000.
  std::string text;
  for (int i = 0; i < 200; ++i)
    text += "- &a" + std::to_string(i) + "\n" + std::string(static_cast<std::size_t>(i + 1) * 2, ' ');
  text += "- [";
  for (int i = 0; i < 2000; ++i) text += i ? ", x" : "x";
  text += "]\n";
  auto r = parse(text);
  ASSERT_TRUE(r.error.has_value());
  EXPECT_NE(r.error->message.find("alias expansion"), std::string::npos) << r.error->message;
}

TEST(YamlParse, DeepNestingIsRejectedWithoutCrashing) {
  std::string deep(10000, '[');
  deep += std::string(10000, ']');
  auto r = parse(deep);
  ASSERT_TRUE(r.error.has_value());
  EXPECT_NE(r.error->message.find("nesting deeper"), std::string::npos) << r.error->message;

  std::string block;
  for (int i = 0; i < 1000; ++i) block += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
  auto b = parse(block);
  ASSERT_TRUE(b.error.has_value());
}

TEST(YamlParse, DepthThroughAliasesIsBounded) {
  Limits l;
  l.max_depth = 4;
  auto r = parse("a: &a [[[x]]]\nb: [[*a]]\n", l);
  ASSERT_TRUE(r.error.has_value());
}

TEST(YamlParse, BinaryGarbageIsAParseError) {
  std::string garbage;
  for (int i = 0; i < 512; ++i) garbage.push_back(static_cast<char>((i * 131 + 7) % 256));
  auto r = parse(garbage);
  EXPECT_TRUE(r.error.has_value());
  std::string with_nul("a: b\0c\n", 7);
  EXPECT_TRUE(parse(with_nul).error.has_value());
}

TEST(YamlParse, InvalidUtf8IsAParseError) {
  auto r = parse("name: \xff\xfe ok\n");
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->line, 1);
  EXPECT_EQ(r.error->column, 7);
  auto later = parse("a: 1\nb: 2\nc: ok \xc3\x28\n");
  ASSERT_TRUE(later.error.has_value());
  EXPECT_EQ(later.error->line, 3);
}

TEST(YamlParse, LargeSequenceParsesCompletely) {
  std::string text = "items:\n";
  for (int i = 0; i < 5000; ++i) text += "  - name: item" + std::to_string(i) + "\n";
  auto r = parse(text);
  const Node* items = root_of(r).get("items");
  ASSERT_TRUE(items && items->is_sequence());
  ASSERT_EQ(items->items().size(), 5000u);
  EXPECT_EQ(items->items().back().get("name")->line, 5001);
}

// Scalar spans say where a scalar's text ends, which nodes do not: a block
// scalar's span ends at the start of the line after its content, so a less
// indented comment line after it lies outside.
TEST(YamlScalarSpans, QuotedPlainAndBlockScalars) {
  const ScalarSpans s =
      scalar_spans("a:\n  run: | # hdr\n    echo # x\n\n  # trailing\n  b: \"q # z\"\n  c: \u00e9#x \u00e9 # c\n");
  ASSERT_FALSE(s.error.has_value());
  ASSERT_EQ(s.spans.size(), 7u);
  auto at = [&](std::size_t i) {
    const ScalarSpan& p = s.spans[i];
    return std::to_string(p.begin_line) + ":" + std::to_string(p.begin_column) + "-" + std::to_string(p.end_line) +
           ":" + std::to_string(p.end_column);
  };
  EXPECT_EQ(at(2), "2:8-5:1");
  EXPECT_EQ(s.spans[2].style, ScalarStyle::kLiteral);
  EXPECT_EQ(at(4), "6:6-6:13") << "a quoted scalar spans its quotes";
  EXPECT_EQ(at(6), "7:6-7:11") << "columns count characters; a plain scalar stops before ' #'";
  const ScalarSpans bad = scalar_spans("a: [1,\n");
  ASSERT_TRUE(bad.error.has_value());
  EXPECT_EQ(bad.error->line, 2);
}

}  // namespace
}  // namespace pm::engine::yaml
