// JWT access tokens against a JWKS, with keys and tokens the tests make with OpenSSL
// (support/jwt_issuer) and the HTTP module's OpenSSL signature checks.
#include "auth/jwt.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/jwt_issuer.hpp"
#include "util/json.hpp"

extern "C" const pm::auth::SignatureChecker* pm_http_signature_checker();

namespace pm::auth {
namespace {

using test::jwks_of;
using test::JwtIssuer;
using test::unix_now;

const std::string kIssuer = "https://login.example.test/tenant-7f3a";
const std::string kResource = "https://mcp.example.test/mcp";

const SignatureChecker& checker() {
  return *pm_http_signature_checker();
}

// Key generation takes a while (RSA): one pair of each for the whole file.
const JwtIssuer& rsa() {
  static const JwtIssuer i(JwtIssuer::Alg::kRS256, "rsa-1");
  return i;
}
const JwtIssuer& ec() {
  static const JwtIssuer i(JwtIssuer::Alg::kES256, "ec-1");
  return i;
}

KeySet keys() {
  std::vector<std::string> skipped;
  auto set = parse_jwks(jwks_of({&rsa(), &ec()}).dump(), checker(), &skipped);
  EXPECT_TRUE(set) << set.error().message;
  EXPECT_TRUE(skipped.empty());
  return std::move(*set);
}

TokenPolicy policy() {
  return TokenPolicy{kIssuer, kResource, std::chrono::seconds(60), "org"};
}

Json claims(long long exp_in = 300) {
  const long long now = unix_now();
  return {{"iss", kIssuer},      {"aud", kResource},    {"sub", "user-8d2c41"},
          {"iat", now},          {"exp", now + exp_in}, {"scope", "phase-mirror:analyze phase-mirror:fp"},
          {"org", "acme-org-51"}};
}

JwtVerdict check(const std::string& token) {
  return verify_jwt(token, keys(), policy(), std::chrono::system_clock::now());
}

std::string denial(const JwtVerdict& v) {
  const auto* d = std::get_if<Denial>(&v.outcome);
  if (d == nullptr) return "accepted";
  EXPECT_EQ(d->status, 401);
  EXPECT_EQ(d->error, "invalid_token");
  // No claim value in what a client (or a log) sees.
  for (const char* value : {"user-8d2c41", "acme-org-51", "tenant-7f3a", "mcp.example.test"}) {
    EXPECT_EQ(d->description.find(value), std::string::npos) << d->description;
  }
  return d->description;
}

TEST(Base64Url, DecodesWhatItEncodesAndRefusesOtherSpellings) {
  for (const std::string& s :
       std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\0\xff\xfe", 3)}) {
    EXPECT_EQ(base64url_decode(base64url_encode(s)), s);
  }
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64url_decode("Zm9vYg"), "foob");
  EXPECT_FALSE(base64url_decode("Zm9vYg=="));  // padding is not base64url in a JWS
  EXPECT_FALSE(base64url_decode("Zm9v+g"));    // base64, not base64url
  EXPECT_FALSE(base64url_decode("Zm9vY"));     // a length no encoding has
  EXPECT_FALSE(base64url_decode("Zm9vYh"));    // leftover bits set: another spelling of "foob"
}

TEST(Jwks, KeepsRsaAndP256SigningKeysAndSaysWhyOthersAreSkipped) {
  Json doc = jwks_of({&rsa(), &ec()});
  doc["keys"].push_back({{"kty", "oct"}, {"kid", "hmac"}, {"k", "c2VjcmV0"}});
  doc["keys"].push_back({{"kty", "EC"}, {"kid", "p384"}, {"crv", "P-384"}, {"x", "AA"}, {"y", "AA"}});
  Json enc = rsa().jwk();
  enc["kid"] = "enc";
  enc["use"] = "enc";
  doc["keys"].push_back(enc);
  Json ps = rsa().jwk();
  ps["kid"] = "ps";
  ps["alg"] = "PS256";
  doc["keys"].push_back(ps);
  Json small = rsa().jwk();
  small["kid"] = "small";
  small["n"] = base64url_encode(std::string(128, '\x9b'));  // 1024 bits
  doc["keys"].push_back(small);
  Json off = ec().jwk();
  off["kid"] = "off-curve";
  off["y"] = base64url_encode(std::string(32, '\x01'));
  doc["keys"].push_back(off);

  std::vector<std::string> skipped;
  auto set = parse_jwks(doc.dump(), checker(), &skipped);
  ASSERT_TRUE(set) << set.error().message;
  ASSERT_EQ(set->keys.size(), 2U);
  EXPECT_EQ(set->keys[0].kid, "rsa-1");
  EXPECT_EQ(set->keys[0].alg, "RS256");
  EXPECT_EQ(set->keys[1].kid, "ec-1");
  EXPECT_EQ(set->keys[1].alg, "ES256");
  EXPECT_EQ(skipped, (std::vector<std::string>{
                         "keys[2] (kid hmac): key type not used here (RSA and EC P-256 are)",
                         "keys[3] (kid p384): key type not used here (RSA and EC P-256 are)",
                         "keys[4] (kid enc): not a signing key (use)",
                         "keys[5] (kid ps): alg is not RS256",
                         "keys[6] (kid small): an RSA modulus under 2048 bits",
                         "keys[7] (kid off-curve): not a point on P-256",
                     }));
}

TEST(Jwks, ADocumentWithoutAUsableKeyIsAnError) {
  EXPECT_EQ(parse_jwks("[]", checker(), nullptr).error().message,
            "not a JSON Web Key Set (an object with a \"keys\" array)");
  EXPECT_EQ(parse_jwks(R"({"keys":[{"kty":"oct","k":"AA"}]})", checker(), nullptr).error().message,
            "no RS256 or ES256 signing key in the key set");
  // A key set URL answers what it likes: two million levels of arrays would overflow the stack
  // of a recursive parse or destruction; the nesting limit refuses them.
  const std::string deep = std::string(2'000'000, '[') + std::string(2'000'000, ']');
  EXPECT_EQ(parse_jwks(deep, checker(), nullptr).error().message,
            "not a JSON Web Key Set (an object with a \"keys\" array)");
}

TEST(Jwt, RS256AndES256TokensGiveTheirSubjectScopesAndOrganisation) {
  for (const JwtIssuer* issuer : {&rsa(), &ec()}) {
    const JwtVerdict v = check(issuer->sign(claims()));
    ASSERT_TRUE(std::holds_alternative<Principal>(v.outcome)) << denial(v);
    const auto& p = std::get<Principal>(v.outcome);
    EXPECT_EQ(p.name, "user-8d2c41");
    EXPECT_EQ(p.subject, "jwt:user-8d2c41");
    EXPECT_EQ(p.scopes, (std::vector<std::string>{"phase-mirror:analyze", "phase-mirror:fp"}));
    EXPECT_EQ(p.org, "acme-org-51");
  }
  // `scp` as an array, `aud` as an array, no org claim: no organisation (any).
  Json c = claims();
  c.erase("scope");
  c.erase("org");
  c["scp"] = {"phase-mirror:analyze"};
  c["aud"] = {"https://other.example.test", kResource};
  const JwtVerdict v = check(rsa().sign(c));
  ASSERT_TRUE(std::holds_alternative<Principal>(v.outcome)) << denial(v);
  EXPECT_EQ(std::get<Principal>(v.outcome).scopes, std::vector<std::string>{"phase-mirror:analyze"});
  EXPECT_EQ(std::get<Principal>(v.outcome).org, "");
}

TEST(Jwt, TheClaimsAreCheckedWithASmallLeeway) {
  const long long now = unix_now();
  auto with = [](Json c, const char* key, Json value) {
    if (value.is_null()) {
      c.erase(key);
    } else {
      c[key] = std::move(value);
    }
    return c;
  };
  EXPECT_EQ(denial(check(rsa().sign(with(claims(), "iss", "https://login.example.test/other")))),
            "The access token was not issued by the trusted authorization server");
  EXPECT_EQ(denial(check(rsa().sign(with(claims(), "aud", "https://mcp.example.test/other")))),
            "The access token is not meant for this server (aud)");
  EXPECT_EQ(denial(check(rsa().sign(with(claims(), "aud", nullptr)))),
            "The access token is not meant for this server (aud)");
  EXPECT_EQ(denial(check(rsa().sign(with(claims(), "exp", nullptr)))), "The access token has no expiry (exp)");
  EXPECT_EQ(denial(check(rsa().sign(with(claims(), "exp", "tomorrow")))), "The access token has no expiry (exp)");
  EXPECT_EQ(denial(check(rsa().sign(with(claims(), "exp", now - 61)))), "The access token has expired");
  EXPECT_EQ(denial(check(rsa().sign(with(claims(), "exp", now - 30)))), "accepted");  // within the leeway
  EXPECT_EQ(denial(check(rsa().sign(with(claims(), "nbf", now + 90)))), "The access token is not valid yet (nbf)");
  EXPECT_EQ(denial(check(rsa().sign(with(claims(), "nbf", now + 30)))), "accepted");
  EXPECT_EQ(denial(check(rsa().sign(with(claims(), "sub", nullptr)))), "The access token names no subject (sub)");
  EXPECT_EQ(denial(check(rsa().sign(with(claims(), "org", Json::array({"a", "b"}))))),
            "The access token's organisation claim is not a name");
}

TEST(Jwt, OnlyASignatureOfAKnownKeyWithItsOwnAlgorithmCounts) {
  const std::string good = rsa().sign(claims());
  const auto dot = good.rfind('.');
  // Another key under the same kid.
  const JwtIssuer impostor(JwtIssuer::Alg::kES256, "ec-1");
  EXPECT_EQ(denial(check(impostor.sign(claims()))), "The access token's signature does not verify");
  // The claims changed after signing.
  Json more = claims();
  more["scope"] = "phase-mirror:analyze phase-mirror:fp phase-mirror:admin";
  const std::string payload = base64url_encode(more.dump());
  const auto dot1 = good.find('.');
  EXPECT_EQ(denial(check(good.substr(0, dot1 + 1) + payload + good.substr(dot))),
            "The access token's signature does not verify");
  // alg none, HS256 (the public key as an HMAC secret), PS256: refused before any key is tried.
  for (const char* alg : {"none", "HS256", "PS256"}) {
    EXPECT_EQ(denial(check(rsa().sign_with_header({{"alg", alg}, {"kid", "rsa-1"}}, claims()))),
              "The access token's algorithm is not accepted (RS256 and ES256 are)");
  }
  EXPECT_EQ(denial(check(base64url_encode(R"({"alg":"none"})") + "." + base64url_encode(claims().dump()) + ".")),
            "The access token's algorithm is not accepted (RS256 and ES256 are)");
  // ES256 named with the RSA key's id: no key of that id takes that algorithm.
  const JwtVerdict confused = check(ec().sign_with_header({{"alg", "ES256"}, {"kid", "rsa-1"}}, claims()));
  EXPECT_EQ(denial(confused), "No key of the authorization server matches the access token");
  EXPECT_TRUE(confused.unknown_key);
  // An unknown kid: the key set may be out of date.
  const JwtVerdict unknown = check(rsa().sign_with_header({{"alg", "RS256"}, {"kid", "rsa-2"}}, claims()));
  EXPECT_TRUE(unknown.unknown_key);
  // No kid: every key of the algorithm is tried.
  EXPECT_EQ(denial(check(rsa().sign_with_header({{"alg", "RS256"}}, claims()))), "accepted");
  EXPECT_FALSE(check(good).unknown_key);
}

TEST(Jwt, TheShapeAndHeaderAreChecked) {
  EXPECT_FALSE(looks_like_jwt("pm-static-token"));
  EXPECT_TRUE(looks_like_jwt("a.b.c"));
  EXPECT_EQ(denial(check("a.b.c")), "The access token is not a well-formed JWT");
  EXPECT_EQ(denial(check("a.b")), "The access token is not a JWT");
  EXPECT_EQ(denial(check(std::string(kMaxTokenBytes + 1, 'a'))), "The access token is too large");
  EXPECT_EQ(
      denial(check(rsa().sign_with_header({{"alg", "RS256"}, {"kid", "rsa-1"}, {"typ", "id_token+jwt"}}, claims()))),
      "The token is not an access token (typ)");
  EXPECT_EQ(denial(check(rsa().sign_with_header({{"alg", "RS256"}, {"kid", "rsa-1"}, {"typ", "JWT"}}, claims()))),
            "accepted");
  EXPECT_EQ(denial(check(rsa().sign_with_header({{"alg", "RS256"}, {"kid", "rsa-1"}, {"crit", {"exp"}}}, claims()))),
            "The access token has critical header parameters this server does not support");
}

}  // namespace
}  // namespace pm::auth
