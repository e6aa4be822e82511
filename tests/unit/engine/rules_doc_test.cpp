// docs/rules.md is generated from the rule definitions; this test keeps the
// committed file and the code in step (regenerate with
// `phase-mirror-mcp rules --markdown > docs/rules.md`).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "engine/rules/rules.hpp"

namespace pm::engine {
namespace {

TEST(RulesDoc, CommittedCatalogueMatchesTheRuleDefinitions) {
  std::ifstream f(std::string(PM_SOURCE_DIR) + "/docs/rules.md", std::ios::binary);
  ASSERT_TRUE(f.good()) << "docs/rules.md is missing";
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_EQ(ss.str(), catalogue_markdown())
      << "docs/rules.md is stale: run phase-mirror-mcp rules --markdown > docs/rules.md";
}

TEST(RulesDoc, CatalogueIdsAreUniqueAndInOrder) {
  std::vector<std::string> ids;
  for (const auto& r : all_rules()) ids.push_back(r->info().id);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  for (const auto& r : all_rules()) {
    EXPECT_FALSE(r->info().title.empty()) << r->info().id;
    EXPECT_FALSE(r->info().remediation.empty()) << r->info().id;
  }
  const std::string md = catalogue_markdown();
  for (const auto& id : ids) EXPECT_NE(md.find("## " + id + " "), std::string::npos) << id;
  EXPECT_NE(md.find("enforce_admins.enabled"), std::string::npos);
  EXPECT_NE(md.find("\"workflowPermissions\""), std::string::npos);
}

}  // namespace
}  // namespace pm::engine
