#include "http/session_token.hpp"

#include <gtest/gtest.h>

#include "auth/jwt.hpp"
#include "util/crypto.hpp"
#include "util/json.hpp"

namespace pm::http {
namespace {

const std::string kKey = "k1-0123456789abcdef0123456789abcdef";
const std::string kNewKey = "k2-fedcba9876543210fedcba9876543210";

SessionSigner signer(std::vector<std::string> keys) {
  auto s = SessionSigner::create(std::move(keys));
  EXPECT_TRUE(s.ok());
  return std::move(s).value();
}

TEST(SessionToken, RoundTripsItsClaimsUntilExpiry) {
  const auto s = signer({kKey});
  const std::string id = s.issue({"2025-06-18", "owner-hash", "acme", 1000});
  // Visible ASCII only, as Mcp-Session-Id requires.
  for (char c : id) EXPECT_TRUE(c > 0x20 && c < 0x7f) << id;
  const auto c = s.verify(id, 999);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->protocol_version, "2025-06-18");
  EXPECT_EQ(c->owner, "owner-hash");
  EXPECT_EQ(c->org, "acme");
  EXPECT_EQ(c->expires, 1000);
  EXPECT_FALSE(s.verify(id, 1000).has_value());
}

TEST(SessionToken, RefusesOtherKeysAlterationsAndGarbage) {
  const auto s = signer({kKey});
  const std::string id = s.issue({"2025-11-25", "", "", 5000});
  EXPECT_FALSE(signer({kNewKey}).verify(id, 1).has_value());
  const auto dot = id.rfind('.');
  Json claims = Json::parse(*auth::base64url_decode(id.substr(3, dot - 3)));
  claims["org"] = "globex";
  EXPECT_FALSE(s.verify("s1." + auth::base64url_encode(dump_line(claims)) + id.substr(dot), 1).has_value());
  EXPECT_FALSE(s.verify("s2" + id.substr(2), 1).has_value());
  EXPECT_FALSE(s.verify(id.substr(0, dot), 1).has_value());
  EXPECT_FALSE(s.verify(id + "A", 1).has_value());
  EXPECT_FALSE(s.verify("", 1).has_value());
  EXPECT_FALSE(s.verify("s1.", 1).has_value());
  EXPECT_FALSE(s.verify("s1..", 1).has_value());
  // Signed, but not the payload this format has.
  const std::string body = "s1." + auth::base64url_encode("[1,2]");
  const std::string mac = auth::base64url_encode(hmac_sha256_raw(kKey, body));
  EXPECT_FALSE(s.verify(body + "." + mac, 1).has_value());
}

TEST(SessionToken, TheFirstKeySignsEveryKeyVerifies) {
  const auto old_only = signer({kKey});
  const auto rotated = signer({kNewKey, kKey});
  const std::string from_old = old_only.issue({"2025-11-25", "", "", 5000});
  EXPECT_TRUE(rotated.verify(from_old, 1).has_value());
  const std::string from_new = rotated.issue({"2025-11-25", "", "", 5000});
  EXPECT_FALSE(old_only.verify(from_new, 1).has_value());
  EXPECT_TRUE(signer({kNewKey}).verify(from_new, 1).has_value());
}

TEST(SessionToken, KeysMustBeLongEnough) {
  auto s = SessionSigner::create({std::string(31, 'a')});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "INVALID_INPUT");
  EXPECT_FALSE(SessionSigner::create({}).ok());
  EXPECT_FALSE(SessionSigner::create({kKey, "short"}).ok());
  EXPECT_TRUE(SessionSigner::create({std::string(32, 'a')}).ok());
}

}  // namespace
}  // namespace pm::http
