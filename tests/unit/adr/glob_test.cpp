#include "adr/glob.hpp"

#include <gtest/gtest.h>

namespace pm::adr {
namespace {

bool m(const char* pattern, const char* path) {
  return Glob(pattern).matches(path);
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

TEST(Glob, ManyDoubleStarsStayFast) {
  // Memoised segment matching: this would be exponential without it.
  std::string path;
  for (int i = 0; i < 40; ++i) path += "a/";
  path += "b";
  EXPECT_FALSE(m("**/a/**/a/**/a/**/a/**/a/**/a/**/c", path.c_str()));
}

}  // namespace
}  // namespace pm::adr
