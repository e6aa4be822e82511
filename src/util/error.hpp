#pragma once
// The one error type every tool, engine and store uses. Expected failures are
// values (Result<T>); exceptions are caught only at the dispatcher.
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "util/json.hpp"

namespace pm {

namespace code {
inline constexpr const char* kInvalidInput = "INVALID_INPUT";
inline constexpr const char* kMissingParameter = "MISSING_PARAMETER";
inline constexpr const char* kFileNotFound = "FILE_NOT_FOUND";
inline constexpr const char* kPathOutsideWorkspace = "PATH_OUTSIDE_WORKSPACE";
inline constexpr const char* kFileTooLarge = "FILE_TOO_LARGE";
inline constexpr const char* kNoAdrsFound = "NO_ADRS_FOUND";
inline constexpr const char* kConsentRequired = "CONSENT_REQUIRED";
inline constexpr const char* kRateLimited = "RATE_LIMITED";
inline constexpr const char* kStoreUnavailable = "STORE_UNAVAILABLE";
inline constexpr const char* kTimeout = "TIMEOUT";
inline constexpr const char* kExecutionFailed = "EXECUTION_FAILED";
inline constexpr const char* kInvariantViolation = "INVARIANT_VIOLATION";
}  // namespace code

enum class Severity { kLow, kMedium, kHigh, kCritical };
const char* to_string(Severity s);

struct Error {
  Error() = default;
  Error(std::string c, std::string m, Severity s = Severity::kMedium, bool r = false)
      : code(std::move(c)), message(std::move(m)), severity(s), retryable(r) {}

  std::string code;     // one of pm::code
  std::string message;  // safe for clients: no paths outside the workspace, no contents, no secrets
  Severity severity = Severity::kMedium;
  bool retryable = false;
  std::optional<long long> retry_after_ms;
  std::vector<std::string> suggestions;
  Json details = Json::object();

  static Error invalid_input(std::string message, Json details = Json::object());
  static Error missing_parameter(std::string message, std::vector<std::string> suggestions = {});
  static Error file_not_found(const std::string& path);
  static Error path_outside_workspace(const std::string& path);
  static Error file_too_large(const std::string& path, unsigned long long size, unsigned long long limit);
  static Error store_unavailable(std::string message, bool retryable = true);
  static Error timeout(const std::string& operation, long long ms);
  static Error execution_failed(std::string message);

  Error& with_suggestion(std::string s) {
    suggestions.push_back(std::move(s));
    return *this;
  }
};

// Minimal expected<T, Error>: libstdc++ 12 ships std::expected only in C++23
// and not usably for clang-tidy 14, so we keep our own.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const { return std::get<1>(v_); }
  Error&& take_error() { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

struct Unit {};
using Status = Result<Unit>;
inline Status ok_status() {
  return Unit{};
}

}  // namespace pm
