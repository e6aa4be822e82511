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
  for (const auto& r : all_rules()) ids.emplace_back(r->info().id);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  for (const auto& r : all_rules()) {
    const RuleInfo& i = r->info();
    EXPECT_FALSE(i.title.empty()) << i.id;
    EXPECT_FALSE(i.description.empty()) << i.id;
    EXPECT_FALSE(i.not_reported.empty()) << i.id;
    EXPECT_FALSE(i.remediation.empty()) << i.id;
    EXPECT_FALSE(i.tags.empty()) << i.id;
  }
  const std::string md = catalogue_markdown();
  for (const auto& id : ids) EXPECT_NE(md.find("## " + id + " "), std::string::npos) << id;
  EXPECT_NE(md.find("## MD-000 "), std::string::npos);
  EXPECT_NE(md.find("- What it does not report: Scoped grants at job level"), std::string::npos);
  EXPECT_NE(md.find("enforce_admins.enabled"), std::string::npos);
  EXPECT_NE(md.find("\"workflowPermissions\""), std::string::npos);
}

}  // namespace
}  // namespace pm::engine
