#include "aws/client.hpp"

#include <algorithm>
#include <cctype>
#include <random>
#include <thread>

#include "util/log.hpp"
#include "util/secrets.hpp"

namespace pm::aws {

namespace {

std::optional<long long> env_ms(const EnvLookup& env, const char* name) {
  auto v = env(name);
  if (!v) return std::nullopt;
  try {
    long long n = std::stoll(*v);
    if (n >= 0) return n;
  } catch (...) {
  }
  log::warn("ignoring invalid numeric environment variable", Json{{"name", name}});
  return std::nullopt;
}

// Attempt outcome before it becomes a pm::Error.
struct Failure {
  std::string reason;
  std::string type;  // AWS error type, when the service named one
  std::string message;
  long status = 0;
  bool retryable = false;
};

Failure classify_http(long status, const std::string& body, const HttpResponse& resp) {
  Failure f;
  f.status = status;
  Json j = parse_or_discard(body);
  if (j.is_object()) {
    if (j.contains("__type") && j["__type"].is_string()) f.type = j["__type"].get<std::string>();
    for (const char* k : {"message", "Message"}) {
      if (j.contains(k) && j[k].is_string()) f.message = j[k].get<std::string>();
    }
  }
  if (f.type.empty()) f.type = resp.header("x-amzn-ErrorType");
  if (auto hash = f.type.rfind('#'); hash != std::string::npos) f.type = f.type.substr(hash + 1);
  if (auto colon = f.type.find(':'); colon != std::string::npos) f.type = f.type.substr(0, colon);
  // An error type is a short identifier; anything else in that field (a
  // reflected credential, a document) is not repeated.
  const bool identifier = f.type.size() <= 128 && std::all_of(f.type.begin(), f.type.end(), [](unsigned char c) {
                            return std::isalnum(c) != 0 || c == '_' || c == '.' || c == '-';
                          });
  if (!identifier) f.type = "UnreadableErrorType";

  if (is_throttling_error(f.type, status)) {
    f.reason = reason::kThrottled;
    f.retryable = true;
  } else if (is_transient_error(f.type, status)) {
    f.reason = reason::kUnavailable;
    f.retryable = true;
  } else if (f.type == "ConditionalCheckFailedException") {
    f.reason = reason::kConditionFailed;
  } else if (f.type == "ResourceNotFoundException" || f.type == "ParameterNotFound" || status == 404) {
    f.reason = reason::kNotFound;
  } else if (status == 401 || status == 403 || f.type == "AccessDeniedException" ||
             f.type == "UnrecognizedClientException" || f.type == "InvalidSignatureException" ||
             f.type == "MissingAuthenticationTokenException" || f.type == "ExpiredTokenException" ||
             f.type == "IncompleteSignatureException" || f.type == "KMSAccessDeniedException" ||
             f.type == "AccessDenied") {
    f.reason = reason::kAccessDenied;
  } else if (status >= 400 && status < 500) {
    f.reason = reason::kValidation;
  } else {
    // A status we do not expect from a JSON service (1xx/3xx): treat as garbage.
    f.reason = reason::kBadResponse;
  }
  if (f.type.empty() && f.reason != reason::kThrottled) {
    if (!j.is_object() && !body.empty()) f.message = "unreadable error body";
  }
  return f;
}

Error to_error(const ServiceSpec& svc, std::string_view action, const Failure& f, int attempts,
               std::chrono::milliseconds timeout, std::chrono::milliseconds backoff_cap) {
  std::string what = svc.display + " " + std::string(action);
  std::string msg;
  if (f.reason == reason::kThrottled) {
    msg = what + " was throttled";
  } else if (f.reason == reason::kTimeout) {
    msg = what + " timed out (limit " + std::to_string(timeout.count()) + " ms)";
  } else if (f.reason == reason::kAccessDenied) {
    msg = what + " was denied: check the credentials and the IAM policy";
  } else if (f.reason == reason::kNotFound) {
    msg = what + ": resource not found";
  } else if (f.reason == reason::kConditionFailed) {
    msg = what + ": condition not met";
  } else if (f.reason == reason::kValidation) {
    msg = what + " was rejected as invalid";
  } else if (f.reason == reason::kBadResponse) {
    msg = what + " returned an unreadable response";
  } else {
    msg = what + " is unavailable";
  }
  if (!f.type.empty()) msg += " (" + f.type + ")";
  if (!f.message.empty()) msg += ": " + sanitize_aws_message(f.message);
  if (f.status > 0 && f.type.empty()) msg += " [HTTP " + std::to_string(f.status) + "]";
  if (attempts > 1) msg += " after " + std::to_string(attempts) + " attempts";
  // An endpoint may reflect the request's credentials in its error text.
  msg = secrets::redact(msg);

  Error e;
  if (f.reason == reason::kThrottled) {
    e = Error{code::kRateLimited, msg, Severity::kMedium, true};
    e.retry_after_ms = std::min<long long>(backoff_cap.count(), 1000);
    e.suggestions = {"Retry after the indicated delay", "Raise the table's capacity or use on-demand billing"};
  } else {
    bool retryable =
        f.reason == reason::kUnavailable || f.reason == reason::kTimeout || f.reason == reason::kBadResponse;
    e = Error::store_unavailable(msg, retryable);
    if (f.reason == reason::kNotFound && svc.signing_name == "dynamodb") {
      e.suggestions = {"Create the tables: phase-mirror-mcp store init", "Check FP_TABLE_NAME / CONSENT_TABLE_NAME"};
    } else if (f.reason == reason::kAccessDenied) {
      e.suggestions = {"Check the AWS credentials and the IAM policy (deploy/ holds a least-privilege example)"};
    }
  }
  e.details = Json{{"service", svc.display}, {"operation", std::string(action)}, {"reason", f.reason}};
  if (!f.type.empty()) e.details["awsErrorType"] = secrets::redact(f.type);
  if (f.status > 0) e.details["httpStatus"] = f.status;
  e.details["attempts"] = attempts;
  return e;
}

}  // namespace

const ServiceSpec& dynamodb_service() {
  static const ServiceSpec s{"DynamoDB",          "dynamodb",
                             "dynamodb",          "AWS_ENDPOINT_URL_DYNAMODB",
                             "DynamoDB_20120810", "application/x-amz-json-1.0"};
  return s;
}

const ServiceSpec& ssm_service() {
  static const ServiceSpec s{"SSM", "ssm", "ssm", "AWS_ENDPOINT_URL_SSM", "AmazonSSM", "application/x-amz-json-1.1"};
  return s;
}

std::string resolve_endpoint(const ServiceSpec& service, const std::string& region, const EnvLookup& env) {
  if (auto v = env(service.endpoint_env.c_str())) return *v;
  if (auto v = env("AWS_ENDPOINT_URL")) return *v;
  return "https://" + service.endpoint_prefix + "." + region + ".amazonaws.com";
}

ClientOptions ClientOptions::from_env(const ServiceSpec& service, const std::string& region, const EnvLookup& env) {
  ClientOptions o;
  o.region = region;
  o.endpoint = resolve_endpoint(service, region, env);
  if (auto v = env_ms(env, "AWS_MAX_ATTEMPTS"); v && *v >= 1) o.max_attempts = static_cast<int>(std::min(*v, 10LL));
  if (auto v = env_ms(env, "PHASE_MIRROR_AWS_TIMEOUT_MS"); v && *v > 0) o.timeout = std::chrono::milliseconds(*v);
  if (auto v = env_ms(env, "PHASE_MIRROR_AWS_CONNECT_TIMEOUT_MS"); v && *v > 0) {
    o.connect_timeout = std::chrono::milliseconds(*v);
  }
  if (auto v = env_ms(env, "PHASE_MIRROR_AWS_BACKOFF_BASE_MS")) o.backoff_base = std::chrono::milliseconds(*v);
  return o;
}

std::string aws_error_type(const Error& e) {
  if (e.details.is_object() && e.details.contains("awsErrorType") && e.details["awsErrorType"].is_string()) {
    return e.details["awsErrorType"].get<std::string>();
  }
  return {};
}

std::string failure_reason(const Error& e) {
  if (e.details.is_object() && e.details.contains("reason") && e.details["reason"].is_string()) {
    return e.details["reason"].get<std::string>();
  }
  return {};
}

std::string sanitize_aws_message(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  auto is_stop = [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'' || c == ',' || c == ')' || c == ']';
  };
  while (i < text.size()) {
    if (text.compare(i, 4, "arn:") == 0) {
      while (i < text.size() && !is_stop(text[i])) ++i;
      out += "<arn>";
      continue;
    }
    if ((text.compare(i, 4, "AKIA") == 0 || text.compare(i, 4, "ASIA") == 0) && i + 20 <= text.size()) {
      bool key = true;
      for (std::size_t k = i + 4; k < i + 20; ++k) {
        key = key &&
              (std::isupper(static_cast<unsigned char>(text[k])) || std::isdigit(static_cast<unsigned char>(text[k])));
      }
      if (key) {
        out += "<access-key>";
        i += 20;
        continue;
      }
    }
    if (std::isdigit(static_cast<unsigned char>(text[i])) &&
        (i == 0 || !std::isdigit(static_cast<unsigned char>(text[i - 1])))) {
      std::size_t j = i;
      while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
      if (j - i == 12) {
        out += "<account>";
        i = j;
        continue;
      }
      out.append(text.substr(i, j - i));
      i = j;
      continue;
    }
    out.push_back(text[i++]);
  }
  if (out.size() > 300) out.replace(300, std::string::npos, "...");
  return out;
}

std::chrono::milliseconds backoff_delay(int attempt, std::chrono::milliseconds base, std::chrono::milliseconds cap) {
  double ceiling = static_cast<double>(base.count());
  for (int i = 0; i < attempt && ceiling < static_cast<double>(cap.count()); ++i) ceiling *= 2;
  ceiling = std::min(ceiling, static_cast<double>(cap.count()));
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> dist(0.0, 1.0);
  return std::chrono::milliseconds(static_cast<long long>(dist(rng) * ceiling));
}

bool is_throttling_error(std::string_view type, long http_status) {
  static constexpr std::string_view kTypes[] = {"Throttling",
                                                "ThrottlingException",
                                                "ThrottledException",
                                                "RequestThrottledException",
                                                "TooManyRequestsException",
                                                "ProvisionedThroughputExceededException",
                                                "TransactionInProgressException",
                                                "RequestLimitExceeded",
                                                "BandwidthLimitExceeded",
                                                "LimitExceededException",
                                                "RequestThrottled",
                                                "SlowDown",
                                                "PriorRequestNotComplete",
                                                "EC2ThrottledException",
                                                "ThrottlingError"};
  if (http_status == 429) return true;
  return std::find(std::begin(kTypes), std::end(kTypes), type) != std::end(kTypes);
}

bool is_transient_error(std::string_view type, long http_status) {
  static constexpr std::string_view kTypes[] = {"RequestTimeout",      "RequestTimeoutException", "InternalError",
                                                "InternalServerError", "InternalFailure",         "ServiceUnavailable"};
  if (http_status == 500 || http_status == 502 || http_status == 503 || http_status == 504) return true;
  return std::find(std::begin(kTypes), std::end(kTypes), type) != std::end(kTypes);
}

JsonClient::JsonClient(ServiceSpec service, ClientOptions options, std::shared_ptr<CredentialsChain> credentials,
                       std::shared_ptr<HttpClient> http)
    : service_(std::move(service)),
      options_(std::move(options)),
      credentials_(std::move(credentials)),
      http_(std::move(http)) {
  endpoint_ =
      options_.endpoint.empty() ? resolve_endpoint(service_, options_.region, process_env()) : options_.endpoint;
  if (!http_) http_ = curl_http_client();  // the object only: libcurl loads on the first send
  if (!options_.sleep) options_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  if (options_.max_attempts < 1) options_.max_attempts = 1;
}

Result<Json> JsonClient::call(std::string_view action, const Json& request) {
  auto url = parse_url(endpoint_);
  if (!url) {
    Failure f{reason::kValidation, "", "the endpoint URL is not a valid http(s) URL", 0, false};
    return to_error(service_, action, f, 0, options_.timeout, options_.backoff_cap);
  }
  const std::string body = dump_line(request);
  const std::string target = service_.target_prefix + "." + std::string(action);
  bool refreshed_credentials = false;
  int retry_cost_spent = 0;

  for (int attempt = 1;; ++attempt) {
    auto creds = credentials_->get();
    if (!creds) {
      Error e = creds.take_error();
      e.details["service"] = service_.display;
      e.details["operation"] = std::string(action);
      return e;
    }
    SignableRequest sreq;
    sreq.method = "POST";
    sreq.host = url->authority();
    sreq.path = url->path;
    sreq.headers = {{"Content-Type", service_.content_type}, {"X-Amz-Target", target}};
    sreq.payload = body;
    sign(sreq, options_.region, service_.signing_name, *creds, std::chrono::system_clock::now());

    HttpRequest hreq;
    hreq.method = "POST";
    hreq.url = url->origin() + url->path;
    hreq.headers = std::move(sreq.headers);
    hreq.body = body;
    hreq.connect_timeout = options_.connect_timeout;
    hreq.total_timeout = options_.timeout;
    HttpResult r = http_->send(hreq);

    Failure f;
    if (!r.ok()) {
      switch (r.error) {
        case TransportError::kTimeout: f = {reason::kTimeout, "", "", 0, true}; break;
        case TransportError::kSetup: f = {reason::kUnavailable, "", r.error_detail, 0, false}; break;
        default: f = {reason::kUnavailable, "", "", 0, true}; break;
      }
      if (r.error != TransportError::kSetup) f.message.clear();
    } else if (r.response.status == 200) {
      Json j = parse_or_discard(r.response.body);
      if (j.is_object()) {
        std::lock_guard<std::mutex> lock(quota_mu_);
        quota_ = std::min(500, quota_ + (retry_cost_spent > 0 ? retry_cost_spent : 1));
        return j;
      }
      f = {reason::kBadResponse, "", "", 200, false};
    } else {
      f = classify_http(r.response.status, r.response.body, r.response);
      // Temporary credentials that expired between the cache check and the call.
      if (f.type == "ExpiredTokenException" && !refreshed_credentials) {
        refreshed_credentials = true;
        credentials_->invalidate();
        f.retryable = true;
      }
    }

    bool may_retry = f.retryable && attempt < options_.max_attempts;
    if (may_retry) {
      int cost = f.reason == reason::kTimeout ? 10 : 5;
      std::lock_guard<std::mutex> lock(quota_mu_);
      if (quota_ < cost) {
        may_retry = false;
      } else {
        quota_ -= cost;
        retry_cost_spent = cost;
      }
    }
    if (!may_retry) {
      Error e = to_error(service_, action, f, attempt, options_.timeout, options_.backoff_cap);
      log::warn("AWS call failed", Json{{"service", service_.display},
                                        {"operation", std::string(action)},
                                        {"reason", f.reason},
                                        {"type", f.type},
                                        {"attempts", attempt}});
      return e;
    }
    auto delay = backoff_delay(attempt - 1, options_.backoff_base, options_.backoff_cap);
    log::debug("AWS call retried", Json{{"service", service_.display},
                                        {"operation", std::string(action)},
                                        {"reason", f.reason},
                                        {"delayMs", delay.count()}});
    options_.sleep(delay);
  }
}

}  // namespace pm::aws
