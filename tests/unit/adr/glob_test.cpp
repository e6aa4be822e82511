#include "adr/glob.hpp"

#include <gtest/gtest.h>

namespace pm::adr {
namespace {

bool m(const std::string& pattern, const std::string& path) {
  Budget b;
  auto g = Glob::compile(pattern, b);
  EXPECT_TRUE(g.ok()) << pattern << ": " << g.error().message;
  return g.ok() && g->matches(path, b);
}

std::string refusal(const std::string& pattern) {
  Budget b;
  auto g = Glob::compile(pattern, b);
  EXPECT_FALSE(b.stopped());
  return g.ok() ? "" : g.error().message;
}

std::string repeat(std::string_view s, std::size_t n) {
  std::string r;
  r.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) r.append(s);
  return r;
}

TEST(Glob, StarStaysInsideOneSegment) {
  EXPECT_TRUE(m("src/*.cpp", "src/main.cpp"));
  EXPECT_FALSE(m("src/*.cpp", "src/cli/cli.cpp"));
  EXPECT_FALSE(m("*.cpp", "src/main.cpp"));  // anchored at the workspace root
  EXPECT_TRUE(m("*.cpp", "main.cpp"));
  EXPECT_FALSE(m("src/*.cpp", "src/main.hpp"));
}

TEST(Glob, DoubleStarSpansDirectories) {
  EXPECT_TRUE(m("src/**", "src/a/b/c.cpp"));
  EXPECT_TRUE(m("src/**/*.cpp", "src/main.cpp"));  // zero directories
  EXPECT_TRUE(m("src/**/*.cpp", "src/a/b/c.cpp"));
  EXPECT_TRUE(m("**/*.yml", "x.yml"));
  EXPECT_TRUE(m("**/*.yml", ".github/workflows/ci.yml"));
  EXPECT_TRUE(m("**", "anything/at/all"));
  EXPECT_FALSE(m("src/**/*.cpp", "tests/a.cpp"));
  EXPECT_TRUE(m("src/**/test/*.cpp", "src/x/y/test/a.cpp"));
  EXPECT_FALSE(m("src/**/test/*.cpp", "src/x/y/test/z/a.cpp"));
}

TEST(Glob, QuestionMarkAndClasses) {
  EXPECT_TRUE(m("ADR-00?.md", "ADR-007.md"));
  EXPECT_FALSE(m("ADR-00?.md", "ADR-0070.md"));
  EXPECT_FALSE(m("a?b", "a/b"));
  EXPECT_TRUE(m("file[0-9].txt", "file7.txt"));
  EXPECT_FALSE(m("file[!0-9].txt", "file7.txt"));
  EXPECT_TRUE(m("file[!0-9].txt", "fileX.txt"));
}

TEST(Glob, BracesAreAlternativesAndNest) {
  EXPECT_TRUE(m("src/**/*.{cpp,hpp}", "src/a/b.hpp"));
  EXPECT_TRUE(m("src/**/*.{cpp,hpp}", "src/a/b.cpp"));
  EXPECT_FALSE(m("src/**/*.{cpp,hpp}", "src/a/b.c"));
  EXPECT_TRUE(m("{src,lib}/{a,b{1,2}}.js", "lib/b2.js"));
  EXPECT_FALSE(m("{src,lib}/{a,b{1,2}}.js", "lib/b3.js"));
  EXPECT_TRUE(m(".github/workflows/*.{yml,yaml}", ".github/workflows/ci.yaml"));
  EXPECT_TRUE(m("a{b", "a{b"));  // unbalanced brace is literal
}

TEST(Glob, PathsAreNormalisedBeforeMatching) {
  EXPECT_TRUE(m("src/*.cpp", "./src/main.cpp"));
  EXPECT_TRUE(m("./src/*.cpp", "src/x/../main.cpp"));
  EXPECT_TRUE(m("src/*.cpp", "src//main.cpp"));
  EXPECT_EQ(normalize_path("a/./b/../c"), "a/c");
  EXPECT_EQ(normalize_path("../x"), "../x");
}

TEST(Glob, ManyDoubleStarsStayLinear) {
  // Naive backtracking would be exponential here; the iterative matcher
  // compares at most |pattern| * |path| segments.
  std::string path = repeat("a/", 2000) + "b";
  Budget b(Budget::Limits{std::nullopt, 2'000'000, Budget::kUnlimited});
  auto g = Glob::compile(repeat("**/a/", 30) + "c", b);
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE(g->matches(path, b));
  EXPECT_FALSE(b.stopped()) << b.steps_used();
  EXPECT_TRUE(m(repeat("**/a/", 30) + "b", path));
}

TEST(Glob, DoubleStarsBacktrackCorrectly) {
  EXPECT_TRUE(m("**/x/**/y", "x/y"));
  EXPECT_TRUE(m("**/x/**/y", "a/x/b/x/c/y"));
  EXPECT_FALSE(m("**/x/**/y", "a/y/x"));
  EXPECT_TRUE(m("a/**/b/**/c", "a/b/c"));
  EXPECT_TRUE(m("a/**/b/**/c", "a/q/b/r/b/c"));
  EXPECT_FALSE(m("a/**/b/**/c", "a/c/b"));
  EXPECT_TRUE(m("**/*.md", "docs/adr/ADR-001.md"));
  EXPECT_TRUE(m("*a*b*c", "xxaxxbxxbxc"));
  EXPECT_FALSE(m("*a*b*c", "xxaxxbxxbx"));
}

TEST(Glob, LengthCap) {
  // The ADR that overflowed the stack: 120 000 `**/` segments.
  EXPECT_NE(refusal(repeat("**/", 120000) + "x").find("360001 bytes long (limit 1024)"), std::string::npos);
  EXPECT_EQ(refusal(repeat("a", kMaxGlobLength)), "");
  EXPECT_NE(refusal(repeat("a", kMaxGlobLength + 1)), "");
}

TEST(Glob, SegmentCap) {
  EXPECT_EQ(refusal(repeat("a/", kMaxGlobSegments - 1) + "b"), "");
  EXPECT_NE(refusal(repeat("**/", kMaxGlobSegments) + "b").find("more than 64 path segments"), std::string::npos);
}

TEST(Glob, BraceCaps) {
  // 40 000 nested `{}` (80 KB) took seconds and a gigabyte: refused by length,
  // and deep nesting is refused on its own.
  EXPECT_NE(refusal(repeat("{", 40000) + repeat("}", 40000)), "");
  EXPECT_EQ(refusal(repeat("{a,", kMaxBraceDepth) + "b" + repeat("}", kMaxBraceDepth)), "");
  EXPECT_NE(refusal(repeat("{", kMaxBraceDepth + 1) + repeat("}", kMaxBraceDepth + 1)).find("nest deeper than 8"),
            std::string::npos);
  // 4^4 = 256 alternatives are fine, 4^5 are not.
  EXPECT_EQ(refusal(repeat("{a,b,c,d}", 4)), "");
  EXPECT_NE(refusal(repeat("{a,b,c,d}", 5)).find("more than 256 alternatives"), std::string::npos);
  // 200 alternatives of 601 bytes from a 1001-byte glob: more than 64 KiB in total.
  std::string wide = "{" + repeat("x,", 199) + "x}" + repeat("y", 600);
  EXPECT_NE(refusal(wide).find("exceeds 65536 bytes"), std::string::npos);
}

TEST(Glob, ExpansionKeepsWrittenOrderAndIsCharged) {
  Budget b;
  auto g = Glob::compile("{a,b{1,2},c}/x", b);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->alternatives(), 4u);
  EXPECT_GT(b.bytes_charged(), 0u);
}

TEST(Glob, StopsWhenTheBudgetDoes) {
  Budget b(Budget::Limits{std::nullopt, 100, Budget::kUnlimited});
  auto g = Glob::compile("**/*.cpp", b);
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE(g->matches(repeat("dir/", 500) + "a.cpp", b));
  EXPECT_TRUE(b.stopped());
  EXPECT_EQ(b.reason(), BudgetStop::kSteps);
  Budget tiny(Budget::Limits{std::nullopt, 0, Budget::kUnlimited});
  EXPECT_FALSE(Glob::compile("{a,b}", tiny).ok());
  EXPECT_TRUE(tiny.stopped());
}

}  // namespace
}  // namespace pm::adr
