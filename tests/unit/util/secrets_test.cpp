// Remembered secret values never leave the process: redact() and every log
// record (stderr and the client's notifications/message alike).
#include "util/secrets.hpp"

#include <gtest/gtest.h>

#include "util/log.hpp"

namespace pm {
namespace {

TEST(Secrets, RedactsRawAndPercentEncodedValues) {
  secrets::remember("s3cr3t/Value+With=Symbols");
  EXPECT_EQ(secrets::redact("a s3cr3t/Value+With=Symbols b"), "a <redacted> b");
  EXPECT_EQ(secrets::redact("q=s3cr3t%2FValue%2BWith%3DSymbols&x"), "q=<redacted>&x");
  EXPECT_EQ(secrets::redact("twice s3cr3t/Value+With=Symbols s3cr3t/Value+With=Symbols"),
            "twice <redacted> <redacted>");
  EXPECT_EQ(secrets::redact("nothing here"), "nothing here");
}

TEST(Secrets, ShortValuesAreNotRemembered) {
  secrets::remember("abc");
  EXPECT_EQ(secrets::redact("abc abcdef"), "abc abcdef");
}

TEST(Secrets, LongestValueWins) {
  secrets::remember("prefix-1234567");
  secrets::remember("prefix-1234567-and-more");
  EXPECT_EQ(secrets::redact("[prefix-1234567-and-more]"), "[<redacted>]");
}

TEST(Secrets, SecretFieldNames) {
  for (const char* n : {"nonce", "Nonce", "salt", "org_salt", "secretAccessKey", "AWS_SESSION_TOKEN", "token",
                        "Authorization", "password"}) {
    EXPECT_TRUE(secrets::is_secret_field(n)) << n;
  }
  for (const char* n : {"nonceValidation", "saltVersion", "progressToken", "tokens", "requestId", "args"}) {
    EXPECT_FALSE(secrets::is_secret_field(n)) << n;
  }
}

TEST(Secrets, LogRecordsCarryNoSecretFieldOrValue) {
  secrets::remember("remembered-credential-0123456789");
  std::vector<Json> seen;
  log::set_forwarder([&seen](log::Level, const Json& record) { seen.push_back(record); }, log::Level::kDebug);
  log::configure(log::Level::kEmergency, log::Format::kJson);  // nothing on stderr
  log::info("tool call remembered-credential-0123456789",
            Json{{"args",
                  {{"nonceValidation", {{"nonce", "PLANTED-NONCE"}, {"timestamp", "2026-01-01T00:00:00Z"}}},
                   {"files", {"a.yml"}}}},
                 {"message", "upstream said remembered-credential-0123456789"}});
  log::set_forwarder(nullptr, log::Level::kEmergency);
  log::configure(log::Level::kInfo, log::Format::kText);
  ASSERT_EQ(seen.size(), 1u);
  const std::string text = dump_line(seen[0]);
  EXPECT_EQ(text.find("PLANTED-NONCE"), std::string::npos) << text;
  EXPECT_EQ(text.find("remembered-credential"), std::string::npos) << text;
  EXPECT_EQ(seen[0]["args"]["nonceValidation"]["nonce"], "<redacted>");
  EXPECT_EQ(seen[0]["args"]["nonceValidation"]["timestamp"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(seen[0]["args"]["files"][0], "a.yml");
  EXPECT_EQ(seen[0]["msg"], "tool call <redacted>");
}

}  // namespace
}  // namespace pm
