// The AWS/HTTP machinery is loaded on first use only: a server configured for
// DynamoDB and SSM answers initialize without libcurl in its address space and
// without contacting any endpoint (nothing is probed at start-up).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/fake_http_server.hpp"
#include "support/server_process.hpp"

namespace pm::test {
namespace {

std::string maps_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/maps");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(AwsStartup, CloudConfiguredServerStartsWithoutLoadingLibcurl) {
  FakeHttpServer endpoint([](const FakeRequest&) { return FakeResponse{}; });
  TempDir data;
  ServerProcess server(
      {}, {"FP_TABLE_NAME=fp-events", "CONSENT_TABLE_NAME=consent", "BLOCK_COUNTER_TABLE_NAME=blocks",
           "NONCE_PARAMETER_NAME=/pm/nonce", "AWS_ENDPOINT_URL=" + endpoint.url(), "AWS_ACCESS_KEY_ID=AKIDTEST",
           "AWS_SECRET_ACCESS_KEY=test-secret", "PHASE_MIRROR_DATA_DIR=" + data.path()});
  Json init = server.initialize();
  ASSERT_TRUE(init.contains("result")) << dump_line(init);
  std::string maps = maps_of(server.pid());
  ASSERT_FALSE(maps.empty());
  EXPECT_EQ(maps.find("libcurl"), std::string::npos) << "libcurl is mapped at start-up";
  EXPECT_EQ(endpoint.request_count(), 0u) << "an AWS endpoint was contacted at start-up";
}

}  // namespace
}  // namespace pm::test
