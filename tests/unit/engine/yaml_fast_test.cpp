// The block-style scanner (yaml::detail::parse_fast) against libyaml
// (yaml::detail::parse_libyaml): wherever the scanner gives a tree, it must be
// libyaml's tree — values, styles, lines and columns — and it must never give
// one for a text libyaml refuses. Checked on hand-written shapes, on every
// committed workflow (fixtures and fuzz corpus), and on thousands of
// mutations of them (indentation shifted, lines dropped or repeated,
// characters inserted).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/yaml.hpp"

namespace pm::engine::yaml {
namespace {

namespace fs = std::filesystem;

// "" when parse_fast either declines or agrees with libyaml; else what differs.
// `taken` says whether the scanner gave a tree.
std::string check(const std::string& text, bool* taken = nullptr) {
  const Limits limits;
  if (taken) *taken = detail::parse_fast(text, limits).has_value();
  return detail::compare_parsers(text, limits);
}

void expect_taken_and_same(const std::string& text) {
  bool taken = false;
  const std::string d = check(text, &taken);
  EXPECT_TRUE(taken) << "the scanner declined:\n" << text;
  EXPECT_EQ(d, "") << text;
}

void expect_declined(const std::string& text) {
  const Limits limits;
  EXPECT_FALSE(detail::parse_fast(text, limits).has_value()) << text;
  EXPECT_EQ(check(text), "");
}

TEST(YamlFast, WorkflowShapesMatchLibyaml) {
  expect_taken_and_same("name: ci\non:\n  push:\n    branches: [main]\n");
  expect_taken_and_same("on: [push, pull_request_target]\njobs: {}\n");
  expect_taken_and_same("---\non: push\n");
  expect_taken_and_same("# comment\n\nname: x # trailing\n  # indented comment\nkey:\n");
  expect_taken_and_same(
      "jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
      "      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n"
      "      - name: Test\n        run: |\n          make test\n          echo \"${{ "
      "github.event.pull_request.title }}\"\n");
  expect_taken_and_same("key:\n- a\n- b\nnext: 1\n");          // sequence at its key's indentation
  expect_taken_and_same("- - a\n  - b\n- c\n");                // nested compact sequences
  expect_taken_and_same("-\n  a: 1\n- \n-\n");                 // empty and own-line items
  expect_taken_and_same("a:\nb:   \nc: # comment\n  d: 1\n");  // empty values
  expect_taken_and_same("'on': x\n\"quoted key\" : 'it''s'\nd: \"a\\\\b \\\"c\\\" \\n\\t/\"\n");
  expect_taken_and_same("- 'q': 1\n  \"r\": [a, 'b c', \"d\"]\n");
  expect_taken_and_same("if: ${{ github.event_name == 'push' && contains(x, '[skip]') }}\nrun: a,b [c] {d}\n");
  expect_taken_and_same("url: http://example.com:8080/x#frag\nv: a#b\nw: -1\nx: ::set-output name=x::y\n");
  expect_taken_and_same("name: \xF0\x9F\x9A\x80 Deploy \xC3\xA9t\xC3\xA9\nk: v\n");  // columns count characters
  expect_taken_and_same("x: \xC3\xA9\xC3\xA9\ny:\n  - \xC3\xA9: [\xC3\xA9, b]\n");
  expect_taken_and_same("no_final_newline: value");
  expect_taken_and_same("run: |\n  one\n  two");
}

TEST(YamlFast, AnchorsAliasesAndMergeKeysMatchLibyaml) {
  expect_taken_and_same("a: &x 1\nb: *x\n");
  expect_taken_and_same("a: &x\nb: *x\n");
  expect_taken_and_same("a: &x [1, 2]\nb: *x\nc: &y {}\nd: &z |\n  text\ne: *z\n");
  expect_taken_and_same("- &x\n  k: v\n- *x\n- &y  # comment\n  - 1\n- *y\n");
  expect_taken_and_same("seq: &s\n- a\n- b\nother: *s\n");
  expect_taken_and_same(
      "defaults: &d\n  runs-on: ubuntu-latest\n  timeout-minutes: 5\njobs:\n  a:\n    <<: *d\n"
      "    timeout-minutes: 10\n  b:\n    <<: [*d]\n    steps: []\n");
  expect_taken_and_same("env: &e\n  CI: true\nother: &e\n  CI: false\nuse: *e\n");  // the later anchor wins
}

TEST(YamlFast, AliasExpansionAndDepthLimitsAreLibyamls) {
  // Within the limits both parsers build the tree; past them the scanner
  // declines, so that libyaml reports the bomb or the depth.
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'h'; ++c) {
    const std::string prev(1, static_cast<char>(c - 1));
    bomb += std::string(1, c) + ": &" + std::string(1, c) + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
            ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
  }
  const Limits limits;
  EXPECT_FALSE(detail::parse_fast(bomb, limits).has_value());
  const auto r = parse(bomb);
  ASSERT_TRUE(r.error.has_value());
  EXPECT_NE(r.error->message.find("alias expansion"), std::string::npos);

  Limits small;
  small.max_alias_nodes = 30;
  const std::string text = "a: &a [1, 2, 3, 4]\nb: [*a, *a, *a, *a]\n";  // 5 + 4 * 5 nodes charged
  EXPECT_TRUE(detail::parse_fast(text, small).has_value());
  EXPECT_EQ(detail::compare_parsers(text, small), "");
  small.max_alias_nodes = 24;
  EXPECT_FALSE(detail::parse_fast(text, small).has_value());
  EXPECT_TRUE(parse(text, small).error.has_value());

  Limits shallow;
  shallow.max_depth = 4;
  const std::string deep_alias = "a: &a\n  b:\n    c: 1\nd:\n  e:\n    f: *a\n";
  EXPECT_FALSE(detail::parse_fast(deep_alias, shallow).has_value());
  EXPECT_TRUE(parse(deep_alias, shallow).error.has_value());
  shallow.max_depth = 6;
  EXPECT_TRUE(detail::parse_fast(deep_alias, shallow).has_value());
  EXPECT_EQ(detail::compare_parsers(deep_alias, shallow), "");
}

TEST(YamlFast, BlockScalarsFoldAndChompLikeLibyaml) {
  for (const char* header : {"|", "|-", "|+", ">", ">-", ">+", "| # c", ">-  # c"}) {
    const std::string h = header;
    expect_taken_and_same("a: " + h + "\n  one\n  two\n\n  three\n\n\nb: 1\n");
    expect_taken_and_same("a: " + h + "\n  one\n    more\n  two\n   \n      \n  three\n  \n");
    expect_taken_and_same("a: " + h + "\n\n\n  first after blanks\n  x\n");
    expect_taken_and_same("a: " + h + "\n  one\n\n    indented\n\n  two\nb: 2\n");
    expect_taken_and_same("- " + h + "\n  item\n- k: " + h + "\n    v\n  j: 2\n");
    expect_taken_and_same("a: " + h + "\n  # not a comment\n  x\n# a comment\nb: 1\n");
    expect_taken_and_same("a: " + h + "\n  x\n  ");
    expect_taken_and_same("a: " + h + "\n  x\n      ");
    expect_taken_and_same("a: " + h + "\n  x\n\n");
  }
}

TEST(YamlFast, DeclinesWhatItDoesNotHandle) {
  expect_declined("a: !!str 1\n");            // tags
  expect_declined("%YAML 1.1\n---\na: 1\n");  // directives
  expect_declined("a: 1\n---\nb: 2\n");       // several documents
  expect_declined("a:\tb\n");                 // tabs
  expect_declined("a: 1\r\nb: 2\r\n");        // CR line breaks
  expect_declined("a: \xC2\x85x\n");          // NEL
  expect_declined(
      "\xEF\xBB\xBF"
      "a: 1\n");                                  // byte-order mark
  expect_declined("a: plain\n  continued\n");     // multi-line plain scalar
  expect_declined("a: 'quoted\n  continued'\n");  // multi-line quoted scalar
  expect_declined("a: {b: 1}\n");                 // flow mapping
  expect_declined("a: [b, [c]]\n");               // nested flow
  expect_declined("a: [b,\n  c]\n");              // multi-line flow
  expect_declined("a: |2\n   x\n");               // indentation indicator
  expect_declined("a: \"\\u00e9\"\n");            // escapes other than the common ones
  expect_declined("");                            // no document
  expect_declined("# only a comment\n");
  expect_declined("just a scalar\n");
  // Invalid documents: libyaml words the error.
  expect_declined("a: b: c\n");
  expect_declined("a: 1\n b: 2\n");
  expect_declined("a:\n  - x\n  y: 1\n");
  expect_declined("key: - x\n");
  expect_declined("a: \"x\" y\n");
  expect_declined("a: @x\n");
  expect_declined("a: |\nb: 1\n");  // empty block scalar
  expect_declined("a: 1\n\xFF\n");  // invalid UTF-8
}

TEST(YamlFast, DeclinesNestingBeyondTheLimit) {
  std::string deep;
  for (int i = 0; i < 80; ++i) deep += std::string(static_cast<std::size_t>(2 * i), ' ') + "k:\n";
  expect_declined(deep);
  Limits tight;
  tight.max_depth = 3;
  EXPECT_FALSE(detail::parse_fast("a:\n  b:\n    c:\n      d: 1\n", tight).has_value());
  const auto r = parse("a:\n  b:\n    c:\n      d: 1\n", tight);
  ASSERT_TRUE(r.error.has_value());
  EXPECT_NE(r.error->message.find("nesting deeper than 3"), std::string::npos);
}

std::vector<std::string> committed_workflows() {
  std::vector<std::string> texts;
  const fs::path root = PM_SOURCE_DIR;
  for (const char* dir : {"tests/unit/engine/fixtures/workflows", "fuzz/corpus/workflow"}) {
    for (const auto& e : fs::directory_iterator(root / dir)) {
      std::ifstream in(e.path(), std::ios::binary);
      texts.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
  }
  return texts;
}

TEST(YamlFast, CommittedWorkflowsMatchLibyaml) {
  const auto texts = committed_workflows();
  ASSERT_GE(texts.size(), 20u);
  std::size_t taken_count = 0;
  for (const auto& text : texts) {
    bool taken = false;
    EXPECT_EQ(check(text, &taken), "") << text;
    if (taken) ++taken_count;
  }
  // The scanner is for real workflows: it must take most of them (the fuzz
  // corpus holds the odd ones on purpose).
  EXPECT_GE(taken_count * 2, texts.size());
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t nl = text.find('\n', start);
    const std::size_t end = nl == std::string::npos ? text.size() : nl + 1;
    lines.push_back(text.substr(start, end - start));
    start = end;
  }
  return lines;
}

std::string join(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l;
  return s;
}

TEST(YamlFast, MutatedWorkflowsMatchLibyaml) {
  // Each mutation of each line of each committed workflow: wherever the
  // scanner takes the result, libyaml must agree with it exactly.
  const std::vector<std::string> inserts = {" ", "  ", "- ", "#",  ": ", "'",   "\"", "|", ">",
                                            "[", "]",  ",",  "{}", "-",  " #x", "\n", "é", "x: "};
  std::size_t variants = 0;
  std::size_t taken_count = 0;
  for (const auto& text : committed_workflows()) {
    if (text.size() > 20000) continue;
    const auto lines = lines_of(text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      std::vector<std::string> mutated;
      auto with_line = [&](const std::string& replacement) {
        auto copy = lines;
        copy[i] = replacement;
        mutated.push_back(join(copy));
      };
      const std::string& l = lines[i];
      with_line("");                                          // dropped
      with_line(l + l);                                       // repeated
      with_line(" " + l);                                     // indented one more
      with_line("  " + l);                                    // indented two more
      if (!l.empty() && l[0] == ' ') with_line(l.substr(1));  // one less
      for (std::size_t at :
           {std::size_t{0}, l.find_first_not_of(' '), l.find(':'), l.find(": ") + 2, l.size() ? l.size() - 1 : 0}) {
        if (at > l.size()) continue;
        for (const auto& ins : inserts) with_line(l.substr(0, at) + ins + l.substr(at));
      }
      for (const auto& m : mutated) {
        bool taken = false;
        const std::string d = check(m, &taken);
        ++variants;
        if (taken) ++taken_count;
        ASSERT_EQ(d, "") << "mutation of line " << i + 1 << ":\n" << m;
      }
    }
  }
  EXPECT_GT(variants, 5000u);
  EXPECT_GT(taken_count, variants / 10);  // the comparison is not vacuous
}

}  // namespace
}  // namespace pm::engine::yaml
