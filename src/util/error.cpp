#include "util/error.hpp"

#include "util/answer.hpp"

namespace pm {

namespace {

// A path as an error names it: cut like every echoed input, so that a path of
// megabytes does not come back whole in the message and again in the details.
std::string echoed(const std::string& path) {
  return answer::clip(path, answer::kMaxEchoBytes).text;
}

}  // namespace

const char* to_string(Severity s) {
  switch (s) {
    case Severity::kLow: return "low";
    case Severity::kMedium: return "medium";
    case Severity::kHigh: return "high";
    case Severity::kCritical: return "critical";
  }
  return "medium";
}

Error Error::invalid_input(std::string message, Json details) {
  Error e{code::kInvalidInput, std::move(message), Severity::kLow};
  e.details = std::move(details);
  e.suggestions = {"Check input parameters against the tool's inputSchema"};
  return e;
}

Error Error::missing_parameter(std::string message, std::vector<std::string> suggestions) {
  Error e{code::kMissingParameter, std::move(message), Severity::kLow};
  e.suggestions = std::move(suggestions);
  return e;
}

Error Error::file_not_found(const std::string& path) {
  Error e{code::kFileNotFound, "File not found: " + echoed(path), Severity::kLow};
  e.details = Json{{"path", echoed(path)}};
  e.suggestions = {"Verify the file path is correct", "Paths are resolved against the workspace root"};
  return e;
}

Error Error::path_outside_workspace(const std::string& path) {
  Error e{code::kPathOutsideWorkspace, "Path resolves outside the workspace: " + echoed(path), Severity::kHigh};
  e.details = Json{{"path", echoed(path)}};
  e.suggestions = {"Use a path inside the workspace root (MCP roots, PHASE_MIRROR_WORKSPACE or the current directory)"};
  return e;
}

Error Error::file_too_large(const std::string& path, unsigned long long size, unsigned long long limit) {
  Error e{code::kFileTooLarge, "File too large: " + echoed(path), Severity::kLow};
  e.details = Json{{"path", echoed(path)}, {"sizeBytes", size}, {"limitBytes", limit}};
  e.suggestions = {"Raise PHASE_MIRROR_MAX_FILE_BYTES or exclude the file"};
  return e;
}

Error Error::store_unavailable(std::string message, bool retryable) {
  Error e{code::kStoreUnavailable, std::move(message), Severity::kHigh, retryable};
  e.suggestions = {"Check the store's availability and configuration", "Retry the operation"};
  return e;
}

Error Error::timeout(const std::string& operation, long long ms) {
  Error e{code::kTimeout, "Operation timed out: " + operation, Severity::kMedium, true};
  e.details = Json{{"operation", operation}, {"timeoutMs", ms}};
  e.suggestions = {"Retry the operation", "Reduce the input size"};
  return e;
}

Error Error::execution_failed(std::string message) {
  Error e{code::kExecutionFailed, std::move(message), Severity::kHigh};
  e.suggestions = {"Retry the operation; if it persists, check the server log (stderr) for the request id"};
  return e;
}

}  // namespace pm
