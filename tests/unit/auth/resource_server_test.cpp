#include "auth/resource_server.hpp"

#include <gtest/gtest.h>

#include "util/crypto.hpp"

namespace pm::auth {
namespace {

AuthConfig config(const std::string& resource = "https://mcp.example.test/team/mcp") {
  AuthConfig c;
  c.resource = resource;
  c.static_tokens = {{"ci", sha256_hex("s3cret"), {"phase-mirror:analyze"}, "acme"}};
  c.tool_scopes = {{"query_fp_store", "phase-mirror:fp"}};
  return c;
}

TEST(ResourceServer, BearerSchemeIsCaseInsensitiveAndTheTokenExact) {
  const ResourceServer rs(config());
  for (const std::string h : {"Bearer s3cret", "bearer s3cret", "BEARER s3cret"}) {
    auto v = rs.authenticate(&h);
    ASSERT_TRUE(std::holds_alternative<Principal>(v)) << h;
    EXPECT_EQ(std::get<Principal>(v).name, "ci");
    EXPECT_EQ(std::get<Principal>(v).org, "acme");
  }
  for (const std::string h : {"Bearer s3cret ", "Bearer S3cret", "Bearer ", "Token s3cret", "Bearers3cret"}) {
    auto v = rs.authenticate(&h);
    ASSERT_TRUE(std::holds_alternative<Denial>(v)) << h;
    EXPECT_EQ(std::get<Denial>(v).status, 401);
  }
  EXPECT_EQ(std::get<Denial>(rs.authenticate(nullptr)).error, "");
}

TEST(ResourceServer, ScopesByMethodAndTool) {
  const ResourceServer rs(config());
  EXPECT_EQ(rs.required_scope("tools/call", Json{{"name", "query_fp_store"}}), "phase-mirror:fp");
  EXPECT_EQ(rs.required_scope("tools/call", Json{{"name", "analyze_dissonance"}}), kDefaultScope);
  EXPECT_EQ(rs.required_scope("resources/read", Json::object()), kDefaultScope);
  EXPECT_EQ(rs.required_scope("prompts/get", Json::object()), kDefaultScope);
  EXPECT_EQ(rs.required_scope("completion/complete", Json::object()), kDefaultScope);
  for (const char* open : {"initialize", "ping", "tools/list", "logging/setLevel"}) {
    EXPECT_EQ(rs.required_scope(open, Json::object()), "") << open;
  }
}

TEST(ResourceServer, MetadataLivesUnderTheResourcesPath) {
  const ResourceServer rs(config());
  EXPECT_EQ(rs.metadata_path(), "/.well-known/oauth-protected-resource/team/mcp");
  EXPECT_EQ(rs.metadata_url(), "https://mcp.example.test/.well-known/oauth-protected-resource/team/mcp");
  const ResourceServer root(config("https://mcp.example.test"));
  EXPECT_EQ(root.metadata_path(), "/.well-known/oauth-protected-resource");
  EXPECT_EQ(rs.challenge(Denial{403, "insufficient_scope", "needs \"x\"", "phase-mirror:fp"}),
            "Bearer resource_metadata=\"https://mcp.example.test/.well-known/oauth-protected-resource/team/mcp\", "
            "error=\"insufficient_scope\", error_description=\"needs \\\"x\\\"\", scope=\"phase-mirror:fp\"");
}

TEST(AuthConfigFile, EveryMistakeNamesItsField) {
  const std::string hash = sha256_hex("t");
  auto err = [](const std::string& text) {
    auto r = parse_auth_config(text, "auth.json");
    return r ? std::string("accepted") : r.error().message;
  };
  const std::string token = R"({"name":"a","sha256":")" + hash + R"("})";
  EXPECT_EQ(err("[]"), "auth.json: not a JSON object");
  EXPECT_EQ(err(R"({"staticTokens":[)" + token + "]}"),
            "auth.json: resource is required: this server's URI, e.g. https://mcp.example.com/mcp");
  EXPECT_EQ(err(R"({"resource":"ftp://x","staticTokens":[)" + token + "]}"),
            "auth.json: resource must be an http(s) URI");
  EXPECT_EQ(err(R"({"resource":"https://x/mcp","staticTokens":[]})"),
            "auth.json: staticTokens is empty: no token could ever be accepted");
  EXPECT_EQ(err(R"({"resource":"https://x/mcp","staticToken":[]})"),
            "auth.json: staticToken is not a setting (misspelt?)");
  EXPECT_EQ(err(R"({"resource":"https://x/mcp","staticTokens":[)" + token + "," + token + "]}"),
            "auth.json: staticTokens[1].name repeats another token's name");
  EXPECT_EQ(
      err(R"({"resource":"https://x/mcp","staticTokens":[{"name":"a","sha256":")" + hash + R"(","scope":["x"]}]})"),
      "auth.json: staticTokens[0].scope is not a setting of a token");
  EXPECT_EQ(err(R"({"resource":"https://x/mcp","toolScopes":{"query_fp_store":""},"staticTokens":[)" + token + "]}"),
            "auth.json: toolScopes.query_fp_store must be a scope (a non-empty string)");
  EXPECT_EQ(err(R"({"resource":"https://x/mcp","staticTokens":[)" + token + "]}"), "accepted");
}

}  // namespace
}  // namespace pm::auth
