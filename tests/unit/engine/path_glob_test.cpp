// Path patterns of the repository config: gitignore-style placement, the ADR
// glob syntax, validation messages, and bounded matching on hostile input.
#include "engine/path_glob.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pm::engine {
namespace {

PathGlob compiled_glob(std::string_view p) {
  auto g = PathGlob::compile(p);
  EXPECT_TRUE(g.ok()) << p << ": " << (g.ok() ? "" : g.error().message);
  return g.ok() ? *g : PathGlob();
}

std::string compile_error(std::string_view p) {
  auto g = PathGlob::compile(p);
  return g.ok() ? "(compiled)" : g.error().message;
}

TEST(PathGlob, NameWithoutSlashMatchesInAnyDirectory) {
  const PathGlob g = compiled_glob("ci.yml");
  EXPECT_TRUE(g.matches("ci.yml"));
  EXPECT_TRUE(g.matches(".github/workflows/ci.yml"));
  EXPECT_FALSE(g.matches(".github/workflows/ci.yaml"));
  EXPECT_FALSE(g.matches(".github/workflows/nightly-ci.yml"));
  const PathGlob star = compiled_glob("*.yaml");
  EXPECT_TRUE(star.matches("a/b/c.yaml"));
  EXPECT_FALSE(star.matches("a/b/c.yml"));
}

TEST(PathGlob, SlashAnchorsAtTheRoot) {
  const PathGlob g = compiled_glob(".github/workflows/*.yml");
  EXPECT_TRUE(g.matches(".github/workflows/ci.yml"));
  EXPECT_FALSE(g.matches("sub/.github/workflows/ci.yml"));
  EXPECT_FALSE(g.matches(".github/workflows/nested/ci.yml")) << "'*' stays within one segment";
  const PathGlob rooted = compiled_glob("/ci.yml");
  EXPECT_TRUE(rooted.matches("ci.yml"));
  EXPECT_FALSE(rooted.matches("a/ci.yml"));
  EXPECT_TRUE(compiled_glob("./docs/*.md").matches("docs/a.md"));
}

TEST(PathGlob, DirectoryCoversEverythingBelowIt) {
  EXPECT_TRUE(compiled_glob("vendor/").matches("vendor/x/action.yml"));
  EXPECT_TRUE(compiled_glob("vendor").matches("third/vendor/a.yml"));
  EXPECT_TRUE(compiled_glob("/vendor").matches("vendor/a.yml"));
  EXPECT_FALSE(compiled_glob("/vendor").matches("third/vendor/a.yml"));
  EXPECT_FALSE(compiled_glob("vendor").matches("vendors/a.yml"));
}

TEST(PathGlob, DoubleStarClassesAndAlternatives) {
  const PathGlob g = compiled_glob(".github/**/*.{yml,yaml}");
  EXPECT_TRUE(g.matches(".github/ci.yml"));
  EXPECT_TRUE(g.matches(".github/workflows/deep/er/ci.yaml"));
  EXPECT_FALSE(g.matches(".github/workflows/ci.json"));
  EXPECT_TRUE(compiled_glob("**/testdata/**").matches("a/b/testdata/c/d.yml"));
  EXPECT_TRUE(compiled_glob("**").matches("anything/at/all"));
  const PathGlob cls = compiled_glob("release-[0-9].yml");
  EXPECT_TRUE(cls.matches("release-7.yml"));
  EXPECT_FALSE(cls.matches("release-x.yml"));
  EXPECT_TRUE(compiled_glob("release-[!0-9].yml").matches("release-x.yml"));
  EXPECT_TRUE(compiled_glob("[]]x").matches("]x")) << "']' first in a class is literal";
  EXPECT_TRUE(compiled_glob("{a,{b,c}}/x.yml").matches("c/x.yml"));
  EXPECT_TRUE(compiled_glob("v?.yml").matches("v1.yml"));
  EXPECT_FALSE(compiled_glob("v?.yml").matches("v10.yml"));
}

TEST(PathGlob, PathsAreNormalisedBeforeMatching) {
  EXPECT_TRUE(compiled_glob(".github/workflows/ci.yml").matches("./.github//workflows/ci.yml"));
  EXPECT_FALSE(compiled_glob("ci.yml").matches(""));
  EXPECT_FALSE(PathGlob().matches("ci.yml")) << "a default glob matches nothing";
}

TEST(PathGlob, InvalidPatternsSayWhy) {
  EXPECT_EQ(compile_error(""), "is empty");
  EXPECT_EQ(compile_error("[abc"), "has a '[' that is not closed within its path segment");
  EXPECT_EQ(compile_error("a[b/c]"), "has a '[' that is not closed within its path segment");
  EXPECT_EQ(compile_error("{a,b"), "has a '{' that is not closed");
  EXPECT_EQ(compile_error("a}"), "has a '}' without its '{'");
  EXPECT_EQ(compile_error("a**/b"), "has '**' inside a path segment (it must be a whole segment: 'a/**/b')");
  EXPECT_EQ(compile_error("../secrets.yml"), "has a '..' segment (patterns name paths inside the repository)");
  EXPECT_EQ(compile_error(".github\\workflows\\ci.yml"),
            "contains '\\' (paths are '/'-separated, and there are no escapes)");
  EXPECT_EQ(compile_error("a\tb"), "contains a control character");
  EXPECT_EQ(compile_error("./"), "names no path");
  EXPECT_EQ(compile_error(std::string(513, 'a')), "is longer than 512 characters");
  EXPECT_EQ(compile_error("{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}"), "expands to more than 64 alternatives");
  EXPECT_TRUE(PathGlob::compile(std::string(512, 'a')).ok());
}

// Patterns and paths built to make a backtracking matcher explode finish
// (the test binary's timeout is the bound; nothing here is timed).
TEST(PathGlob, AdversarialPatternsStayBounded) {
  std::string stars;
  for (int i = 0; i < 60; ++i) stars += "*a";
  const PathGlob g = compiled_glob(stars + "b");
  EXPECT_FALSE(g.matches(std::string(4000, 'a')));
  std::string dirs;
  for (int i = 0; i < 100; ++i) dirs += "**/a/";
  const PathGlob d = compiled_glob(dirs + "b");
  std::string path;
  for (int i = 0; i < 1000; ++i) path += "a/";
  EXPECT_FALSE(d.matches(path + "c"));
  EXPECT_TRUE(d.matches(path + "b"));
}

}  // namespace
}  // namespace pm::engine
