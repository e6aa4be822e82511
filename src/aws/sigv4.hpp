#pragma once
// AWS Signature Version 4 (header-based), as described in the AWS General
// Reference "Signing AWS API requests". Pure functions: no clock, no I/O, so
// the published test vectors can pin every step.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/time.hpp"

namespace pm::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;          // empty for long-term keys
  std::optional<SysTime> expiration;  // nullopt: does not expire
  std::string source;                 // provider that produced them ("environment", "imds", ...)
};

using Header = std::pair<std::string, std::string>;

// What gets signed. `path` is the URI path as sent (already percent-encoded
// where needed, e.g. "/" or "/%E1%88%B4"); `query` holds decoded name/value pairs.
struct SignableRequest {
  std::string method;
  std::string host;  // value of the Host header (with ":port" when not default)
  std::string path = "/";
  std::vector<Header> query;
  std::vector<Header> headers;  // extra headers to sign (Content-Type, X-Amz-Target, ...)
  std::string payload;
};

// RFC 3986 unreserved characters are kept; everything else is %XX (uppercase).
// With keep_slash, '/' is kept (path segments).
std::string uri_encode(std::string_view s, bool keep_slash);

// "20150830T123600Z" for x-amz-date.
std::string amz_date(SysTime t);

struct SigningSteps {
  std::string canonical_request;
  std::string signed_headers;  // "host;x-amz-date"
  std::string string_to_sign;
  std::string signature;      // lowercase hex
  std::string authorization;  // full Authorization header value
};

// Computes every step for a request that already carries its x-amz-date (and,
// for temporary credentials, x-amz-security-token) among `headers`.
SigningSteps compute_signature(const SignableRequest& req, std::string_view amz_date_value, std::string_view region,
                               std::string_view service, const Credentials& creds);

// Raw 32-byte signing key: HMAC chain over date, region, service, "aws4_request".
std::string signing_key(std::string_view secret, std::string_view date_stamp, std::string_view region,
                        std::string_view service);

// Adds X-Amz-Date, X-Amz-Security-Token (when present) and Authorization to
// req.headers, signing host, the given headers and the payload hash.
void sign(SignableRequest& req, std::string_view region, std::string_view service, const Credentials& creds,
          SysTime now);

}  // namespace pm::aws
