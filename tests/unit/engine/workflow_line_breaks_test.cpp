#include <gtest/gtest.h>

#include <string>

#include "engine/workflow.hpp"

namespace pm::engine {
namespace {

// libyaml starts a new line at CR, LF, CRLF, NEL, LS and PS. The source lines
// used for evidence were split at LF only, so after a lone CR (found by the
// workflow fuzzer) findings cited a line past the end of the file with empty
// evidence, or the text of another line.
TEST(WorkflowLineBreaks, LoneCarriageReturnsNumberLinesLikeTheParser) {
  const auto wf = parse_workflow(".github/workflows/w.yml",
                                 "name: x\r# comment\ron: push\rjobs:\n  a:\n    runs-on: x\n"
                                 "    permissions: write-all\n");
  ASSERT_FALSE(wf.parse_error);
  ASSERT_EQ(wf.jobs.size(), 1u);
  EXPECT_EQ(wf.jobs[0].permissions.line, 7);
  EXPECT_EQ(wf.line_text(7), "permissions: write-all");
  EXPECT_EQ(wf.line_text(2), "# comment");
  EXPECT_EQ(wf.line_count(), 8u);
}

TEST(WorkflowLineBreaks, CrlfCountsOnceAndUnicodeBreaksCount) {
  const auto wf = parse_workflow(".github/workflows/w.yml",
                                 "on: push\r\n# a\xC2\x85# b\xE2\x80\xA8# c\xE2\x80\xA9jobs:\r\n  a:\r\n"
                                 "    permissions: write-all\r\n");
  ASSERT_FALSE(wf.parse_error);
  ASSERT_EQ(wf.jobs.size(), 1u);
  EXPECT_EQ(wf.jobs[0].line, 6);
  EXPECT_EQ(wf.jobs[0].permissions.line, 7);
  EXPECT_EQ(wf.line_text(7), "permissions: write-all");
  EXPECT_EQ(wf.line_text(1), "on: push");
}

TEST(WorkflowLineBreaks, ParseErrorLineIsInsideTheFile) {
  const auto wf = parse_workflow(".github/workflows/w.yml", "on: push\r\r\r\rjobs: [unclosed\n");
  ASSERT_TRUE(wf.parse_error);
  EXPECT_GE(wf.parse_error->line, 1);
  EXPECT_LE(static_cast<std::size_t>(wf.parse_error->line), wf.line_count());
}

}  // namespace
}  // namespace pm::engine
