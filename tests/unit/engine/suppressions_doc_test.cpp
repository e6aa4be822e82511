// docs/suppressions.md shows the zizmor mapping table of rule_names.cpp; this
// test keeps the committed page and the table in step.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "engine/rule_names.hpp"

namespace pm::engine {
namespace {

TEST(SuppressionsDoc, ShowsTheZizmorMappingTable) {
  std::ifstream f(std::string(PM_SOURCE_DIR) + "/docs/suppressions.md", std::ios::binary);
  ASSERT_TRUE(f.good()) << "docs/suppressions.md is missing";
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_NE(ss.str().find(zizmor_mapping_markdown()), std::string::npos)
      << "docs/suppressions.md must contain the mapping table exactly as zizmor_mapping_markdown() writes it:\n"
      << zizmor_mapping_markdown();
}

}  // namespace
}  // namespace pm::engine
