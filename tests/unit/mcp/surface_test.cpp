#include "mcp/surface.hpp"

#include <gtest/gtest.h>

namespace pm::mcp {
namespace {

TEST(UriTemplate, VariablesAreTakenFromTheUri) {
  auto v = match_uri_template("phase-mirror://rules/{id}", "phase-mirror://rules/MD-101");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->at("id"), "MD-101");
  v = match_uri_template("test://template/{id}/data", "test://template/123/data");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->at("id"), "123");
}

TEST(UriTemplate, WhatDoesNotMatchIsRefused) {
  EXPECT_FALSE(match_uri_template("phase-mirror://rules/{id}", "phase-mirror://adr/ADR-001"));
  EXPECT_FALSE(match_uri_template("phase-mirror://rules/{id}", "phase-mirror://rules/"));
  EXPECT_FALSE(match_uri_template("phase-mirror://rules/{id}", "phase-mirror://rules/a/b"));
  EXPECT_FALSE(match_uri_template("test://template/{id}/data", "test://template/123/other"));
  EXPECT_TRUE(match_uri_template("phase-mirror://policy", "phase-mirror://policy"));
  EXPECT_FALSE(match_uri_template("phase-mirror://policy", "phase-mirror://policy2"));
}

}  // namespace
}  // namespace pm::mcp
