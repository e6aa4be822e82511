#include "util/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace pm {
namespace {

class ConfigEnv : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* v : kVars) {
      unsetenv(v);
      unsetenv((std::string("COPILOT_MCP_") + v).c_str());
    }
  }
  void TearDown() override { SetUp(); }
  static constexpr const char* kVars[] = {"AWS_REGION",
                                          "FP_TABLE_NAME",
                                          "CONSENT_TABLE_NAME",
                                          "LOG_LEVEL",
                                          "LOG_FORMAT",
                                          "PHASE_MIRROR_DATA_DIR",
                                          "PHASE_MIRROR_MAX_FILE_BYTES",
                                          "METRICS_FORMAT",
                                          "PHASE_MIRROR_WORKERS",
                                          "PHASE_MIRROR_MAX_BLOCKS_PER_HOUR",
                                          "PHASE_MIRROR_ROOTS_WAIT_MS"};
};

TEST_F(ConfigEnv, Defaults) {
  auto c = Config::from_env();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->aws_region, "us-east-1");
  EXPECT_EQ(c->environment, Environment::kLocal);
  EXPECT_EQ(c->log_level, "info");
  EXPECT_EQ(c->max_file_bytes, 10u * 1024 * 1024);
}

TEST_F(ConfigEnv, WorkersAndBlocksPerHourAreValidatedWholeNumbers) {
  auto c = Config::from_env();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->workers, 4u);
  EXPECT_EQ(c->max_blocks_per_hour, 100);
  setenv("PHASE_MIRROR_WORKERS", "8", 1);
  setenv("PHASE_MIRROR_MAX_BLOCKS_PER_HOUR", "2", 1);
  c = Config::from_env();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->workers, 8u);
  EXPECT_EQ(c->max_blocks_per_hour, 2);
  for (const char* bad : {"8x", "0", "65", "2.5", "-1"}) {
    setenv("PHASE_MIRROR_WORKERS", bad, 1);
    c = Config::from_env();
    ASSERT_FALSE(c) << bad;
    EXPECT_NE(c.error().message.find("PHASE_MIRROR_WORKERS"), std::string::npos) << c.error().message;
  }
  setenv("PHASE_MIRROR_WORKERS", "2", 1);
  setenv("PHASE_MIRROR_MAX_BLOCKS_PER_HOUR", "5x", 1);
  c = Config::from_env();
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("PHASE_MIRROR_MAX_BLOCKS_PER_HOUR"), std::string::npos) << c.error().message;
}

TEST_F(ConfigEnv, RootsWaitIsAWholeNumberOfMillisecondsUpToAMinute) {
  auto c = Config::from_env();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->roots_wait_ms, 1000);
  setenv("PHASE_MIRROR_ROOTS_WAIT_MS", "0", 1);
  c = Config::from_env();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->roots_wait_ms, 0);
  for (const char* bad : {"-1", "60001", "1.5", "soon"}) {
    setenv("PHASE_MIRROR_ROOTS_WAIT_MS", bad, 1);
    c = Config::from_env();
    ASSERT_FALSE(c) << bad;
    EXPECT_NE(c.error().message.find("PHASE_MIRROR_ROOTS_WAIT_MS"), std::string::npos) << c.error().message;
  }
}

TEST_F(ConfigEnv, CloudNeedsBothTables) {
  setenv("FP_TABLE_NAME", "fp", 1);
  EXPECT_EQ(Config::from_env()->environment, Environment::kLocal);
  setenv("CONSENT_TABLE_NAME", "consent", 1);
  EXPECT_EQ(Config::from_env()->environment, Environment::kCloud);
}

TEST_F(ConfigEnv, LogLevelIsCaseInsensitiveAndValidated) {
  setenv("LOG_LEVEL", "WARN", 1);
  auto c = Config::from_env();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->log_level, "warn");
  EXPECT_EQ(c->log_level_value, log::Level::kWarning);
  setenv("LOG_LEVEL", "verbose", 1);
  auto bad = Config::from_env();
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("error, warn, info, debug"), std::string::npos);
}

TEST_F(ConfigEnv, CopilotPrefixIsAFallback) {
  setenv("COPILOT_MCP_AWS_REGION", "eu-west-1", 1);
  EXPECT_EQ(Config::from_env()->aws_region, "eu-west-1");
  setenv("AWS_REGION", "us-west-2", 1);
  EXPECT_EQ(Config::from_env()->aws_region, "us-west-2");
}

TEST_F(ConfigEnv, DataDirAndMaxBytes) {
  setenv("PHASE_MIRROR_DATA_DIR", "/tmp/pmdata", 1);
  EXPECT_EQ(Config::from_env()->database_path(), "/tmp/pmdata/phase-mirror.db");
  setenv("PHASE_MIRROR_MAX_FILE_BYTES", "-5", 1);
  EXPECT_FALSE(Config::from_env());
  setenv("PHASE_MIRROR_MAX_FILE_BYTES", "1024", 1);
  EXPECT_EQ(Config::from_env()->max_file_bytes, 1024u);
}

TEST_F(ConfigEnv, InvalidFormats) {
  setenv("LOG_FORMAT", "xml", 1);
  EXPECT_FALSE(Config::from_env());
  unsetenv("LOG_FORMAT");
  setenv("METRICS_FORMAT", "statsd", 1);
  EXPECT_FALSE(Config::from_env());
}

TEST_F(ConfigEnv, LimitsAndTimeouts) {
  auto c = Config::from_env();
  EXPECT_EQ(c->rate_limit_per_sec, 20);
  EXPECT_EQ(c->rate_burst, 40);
  EXPECT_EQ(c->call_timeout_ms, 50000);
  setenv("PHASE_MIRROR_RATE_LIMIT", "0", 1);
  setenv("PHASE_MIRROR_CALL_TIMEOUT_MS", "1500", 1);
  c = Config::from_env();
  EXPECT_EQ(c->rate_limit_per_sec, 0);
  EXPECT_EQ(c->call_timeout_ms, 1500);
  setenv("PHASE_MIRROR_RATE_BURST", "lots", 1);
  auto bad = Config::from_env();
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("PHASE_MIRROR_RATE_BURST"), std::string::npos);
}

}  // namespace
}  // namespace pm
