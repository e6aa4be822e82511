// SigV4 against the values AWS publishes: the signature-v4 test suite
// (credentials AKIDEXAMPLE, service "service", us-east-1, 20150830T123600Z) and
// the IAM ListUsers walk-through of the signing documentation.
#include "aws/sigv4.hpp"

#include <gtest/gtest.h>

#include "util/crypto.hpp"
#include "util/time.hpp"

namespace pm::aws {
namespace {

const Credentials kExample{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", std::nullopt, "test"};
constexpr const char* kDate = "20150830T123600Z";

SignableRequest suite_request(const std::string& method, const std::string& path, std::vector<Header> query = {}) {
  SignableRequest r;
  r.method = method;
  r.host = "example.amazonaws.com";
  r.path = path;
  r.query = std::move(query);
  r.headers = {{"X-Amz-Date", kDate}};
  return r;
}

TEST(SigV4, GetVanillaMatchesTheTestSuite) {
  auto s = compute_signature(suite_request("GET", "/"), kDate, "us-east-1", "service", kExample);
  EXPECT_EQ(s.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4, QueryParametersAreSortedByName) {
  auto s = compute_signature(suite_request("GET", "/", {{"Param2", "value2"}, {"Param1", "value1"}}), kDate,
                             "us-east-1", "service", kExample);
  EXPECT_NE(s.canonical_request.find("\nParam1=value1&Param2=value2\n"), std::string::npos);
  EXPECT_EQ(s.signature, "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(SigV4, PostVanillaMatchesTheTestSuite) {
  auto s = compute_signature(suite_request("POST", "/"), kDate, "us-east-1", "service", kExample);
  EXPECT_EQ(s.signature, "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
}

TEST(SigV4, Utf8PathIsSignedAsEncoded) {
  auto s = compute_signature(suite_request("GET", "/%E1%88%B4"), kDate, "us-east-1", "service", kExample);
  EXPECT_EQ(s.signature, "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85");
}

TEST(SigV4, IamListUsersExampleMatchesEveryPublishedStep) {
  SignableRequest r;
  r.method = "GET";
  r.host = "iam.amazonaws.com";
  r.path = "/";
  r.query = {{"Action", "ListUsers"}, {"Version", "2010-05-08"}};
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}, {"X-Amz-Date", kDate}};
  auto s = compute_signature(r, kDate, "us-east-1", "iam", kExample);
  EXPECT_EQ(sha256_hex(s.canonical_request), "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  EXPECT_EQ(to_hex(signing_key(kExample.secret_access_key, "20150830", "us-east-1", "iam")),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
  EXPECT_EQ(s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

TEST(SigV4, HeaderValuesAreTrimmedAndCollapsed) {
  SignableRequest r = suite_request("GET", "/");
  r.headers.emplace_back("My-Header1", "  value1   with   spaces ");
  auto s = compute_signature(r, kDate, "us-east-1", "service", kExample);
  EXPECT_NE(s.canonical_request.find("my-header1:value1 with spaces\n"), std::string::npos);
  EXPECT_EQ(s.signed_headers, "host;my-header1;x-amz-date");
}

TEST(SigV4, SignAddsDateTokenAndAuthorizationAndSignsTheToken) {
  SignableRequest r;
  r.method = "POST";
  r.host = "dynamodb.us-east-1.amazonaws.com";
  r.headers = {{"Content-Type", "application/x-amz-json-1.0"}, {"X-Amz-Target", "DynamoDB_20120810.GetItem"}};
  r.payload = "{}";
  Credentials temp = kExample;
  temp.session_token = "session-token-value";
  sign(r, "us-east-1", "dynamodb", temp, *parse_iso8601("2015-08-30T12:36:00Z"));
  std::map<std::string, std::string> h(r.headers.begin(), r.headers.end());
  EXPECT_EQ(h["X-Amz-Date"], kDate);
  EXPECT_EQ(h["X-Amz-Security-Token"], "session-token-value");
  EXPECT_NE(h["Authorization"].find("Credential=AKIDEXAMPLE/20150830/us-east-1/dynamodb/aws4_request"),
            std::string::npos);
  EXPECT_NE(h["Authorization"].find("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target"),
            std::string::npos);
  // The secret never appears in what is sent.
  for (const auto& [k, v] : r.headers) EXPECT_EQ(v.find(kExample.secret_access_key), std::string::npos) << k;
}

TEST(SigV4, UriEncodeKeepsUnreservedOnly) {
  EXPECT_EQ(uri_encode("a b/c~d*e", false), "a%20b%2Fc~d%2Ae");
  EXPECT_EQ(uri_encode("a b/c", true), "a%20b/c");
  EXPECT_EQ(uri_encode("\xC3\xA9", false), "%C3%A9");
}

}  // namespace
}  // namespace pm::aws
