#pragma once
// A client for AWS JSON-protocol services (DynamoDB, SSM): endpoint
// resolution, SigV4 signing, the "standard" retry mode and typed errors.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "aws/credentials.hpp"
#include "aws/http.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

namespace pm::aws {

struct ServiceSpec {
  std::string display;          // "DynamoDB"
  std::string signing_name;     // "dynamodb"
  std::string endpoint_prefix;  // "dynamodb" -> https://dynamodb.<region>.amazonaws.com
  std::string endpoint_env;     // "AWS_ENDPOINT_URL_DYNAMODB"
  std::string target_prefix;    // "DynamoDB_20120810"
  std::string content_type;     // "application/x-amz-json-1.0"
};
const ServiceSpec& dynamodb_service();
const ServiceSpec& ssm_service();

struct ClientOptions {
  std::string region = "us-east-1";
  std::string endpoint;  // empty: resolved from the environment, then the regional default
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds timeout{3000};
  int max_attempts = 3;
  std::chrono::milliseconds backoff_base{100};
  std::chrono::milliseconds backoff_cap{20000};
  std::function<void(std::chrono::milliseconds)> sleep;  // default: std::this_thread::sleep_for

  // Region, endpoint, AWS_MAX_ATTEMPTS, and PHASE_MIRROR_AWS_TIMEOUT_MS /
  // PHASE_MIRROR_AWS_CONNECT_TIMEOUT_MS / PHASE_MIRROR_AWS_BACKOFF_BASE_MS.
  static ClientOptions from_env(const ServiceSpec& service, const std::string& region, const EnvLookup& env);
};

// Endpoint for a service: AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL,
// else https://<prefix>.<region>.amazonaws.com.
std::string resolve_endpoint(const ServiceSpec& service, const std::string& region, const EnvLookup& env);

// Why a call failed, as recorded in Error::details["reason"].
namespace reason {
inline constexpr const char* kThrottled = "throttled";
inline constexpr const char* kUnavailable = "unavailable";
inline constexpr const char* kTimeout = "timeout";
inline constexpr const char* kAccessDenied = "access_denied";
inline constexpr const char* kValidation = "validation";
inline constexpr const char* kNotFound = "not_found";
inline constexpr const char* kConditionFailed = "condition_failed";
inline constexpr const char* kBadResponse = "bad_response";
inline constexpr const char* kCredentials = "credentials";
}  // namespace reason

// The AWS error type ("ConditionalCheckFailedException") of an error returned
// by JsonClient::call, or empty.
std::string aws_error_type(const Error& e);
std::string failure_reason(const Error& e);

// Removes ARNs, account ids and access key ids from text that came from AWS.
// (Credential values are removed from every error message by secrets::redact.)
std::string sanitize_aws_message(std::string_view text);

// Exponential backoff with full jitter: uniform in [0, min(cap, base * 2^attempt)].
std::chrono::milliseconds backoff_delay(int attempt, std::chrono::milliseconds base, std::chrono::milliseconds cap);

bool is_throttling_error(std::string_view type, long http_status);
bool is_transient_error(std::string_view type, long http_status);

class JsonClient {
 public:
  JsonClient(ServiceSpec service, ClientOptions options, std::shared_ptr<CredentialsChain> credentials,
             std::shared_ptr<HttpClient> http = nullptr);

  // One API call ("GetItem") with retries. Returns the parsed response body.
  Result<Json> call(std::string_view action, const Json& request);

  const ClientOptions& options() const { return options_; }
  const std::string& endpoint() const { return endpoint_; }

 private:
  ServiceSpec service_;
  ClientOptions options_;
  std::string endpoint_;
  std::shared_ptr<CredentialsChain> credentials_;
  std::shared_ptr<HttpClient> http_;
  // Standard mode's retry quota: retries spend tokens, successes refill them,
  // so that a failing service is not hammered by every caller at once.
  std::mutex quota_mu_;
  int quota_ = 500;
};

}  // namespace pm::aws
