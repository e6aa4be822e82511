#include "util/answer.hpp"

#include <gtest/gtest.h>

namespace pm::answer {
namespace {

TEST(AnswerClip, CutsAtACharacterBoundaryAndMarksTheCut) {
  EXPECT_EQ(clip("short", 10).text, "short");
  EXPECT_FALSE(clip("short", 10).clipped);
  const Clipped c = clip("abcdef", 3);
  EXPECT_EQ(c.text, "abc\u2026");
  EXPECT_TRUE(c.clipped);
  // "é" is two bytes: a cut inside it goes back to before it.
  EXPECT_EQ(clip("a\u00e9b", 2).text, "a\u2026");
}

TEST(AnswerClip, ClipJsonCutsEveryStringAndListItHolds) {
  Json j = {{"jobs", Json::array({"a", "b", "c", "d"})}, {"expr", std::string(50, 'x')}, {"n", 3}};
  EXPECT_TRUE(clip_json(j, 10, 2));
  EXPECT_EQ(j["jobs"], Json::array({"a", "b"}));
  EXPECT_EQ(j["expr"], std::string(10, 'x') + "\u2026");
  EXPECT_EQ(j["n"], 3);
  EXPECT_FALSE(clip_json(j, 20, 5)) << "nothing left to cut";
}

TEST(AnswerFit, AnAnswerWithinTheLimitIsLeftAlone) {
  Json env = {{"success", true}, {"data", {{"list", Json::array({1, 2, 3})}}}};
  std::string text = dump_pretty(env);
  const std::string before = text;
  EXPECT_FALSE(fit_answer(env, text, "data", 1000));
  EXPECT_EQ(text, before);
}

TEST(AnswerFit, TheLargestListsAndStringsAreCutUntilItFitsAndEachCutIsSaid) {
  Json items = Json::array();
  for (int i = 0; i < 5000; ++i) items.push_back(Json{{"path", "file" + std::to_string(i)}, {"code", "X"}});
  Json env = {{"success", true}, {"data", {{"small", "kept"}, {"results", items}, {"blob", std::string(40000, 'b')}}}};
  std::string text = dump_pretty(env);
  ASSERT_GT(text.size(), 100000u);
  EXPECT_TRUE(fit_answer(env, text, "data", 20000));
  EXPECT_LE(text.size(), 20000u);
  EXPECT_EQ(text, dump_pretty(env)) << "the text follows the envelope";
  EXPECT_EQ(env["success"], true) << "only the part is cut";
  EXPECT_EQ(env["data"]["small"], "kept");
  const Json& clipped = env["data"]["answerClipped"]["clipped"];
  EXPECT_EQ(env["data"]["answerClipped"]["limitBytes"], 20000);
  bool results = false;
  for (const auto& c : clipped) {
    if (c["path"] == "/results") {
      results = true;
      EXPECT_EQ(c["total"], 5000);
      EXPECT_EQ(c["kept"], env["data"]["results"].size());
    }
  }
  EXPECT_TRUE(results) << clipped.dump();
}

TEST(AnswerFit, WhatCannotBeCutEnoughIsLeftOutAndSaid) {
  Json many = Json::object();
  for (int i = 0; i < 3000; ++i) many["key" + std::to_string(i)] = i;  // no list or long string to cut
  Json env = {{"data", many}};
  std::string text = dump_pretty(env);
  EXPECT_TRUE(fit_answer(env, text, "data", 5000));
  EXPECT_LE(text.size(), 5000u);
  EXPECT_EQ(env["data"]["answerClipped"]["dropped"], true);
}

}  // namespace
}  // namespace pm::answer
