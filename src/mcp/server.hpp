#pragma once
// MCP server: JSON-RPC 2.0 message handling, lifecycle, dispatch of tool calls
// onto worker threads, cancellation, progress, roots, logging. Transport-agnostic:
// lines come in through handle_line(), messages go out through the sender.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "mcp/metrics.hpp"
#include "mcp/rate_limiter.hpp"
#include "mcp/tool.hpp"
#include "util/config.hpp"
#include "util/json.hpp"

namespace pm::mcp {

inline constexpr const char* kLatestProtocolVersion = "2025-11-25";
const std::vector<std::string>& supported_protocol_versions();

// JSON-RPC error codes.
namespace rpc {
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
inline constexpr int kServerNotInitialized = -32002;
}  // namespace rpc

class Server {
 public:
  using Sender = std::function<bool(const Json&)>;

  Server(const Config& config, Metrics& metrics, std::vector<ToolDef> tools, Sender sender, unsigned workers = 4);
  ~Server();  // cancels and joins
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Handles one incoming line (one JSON-RPC message). Never throws.
  void handle_line(const std::string& line);
  // Sends an error for a line that exceeded the transport's size limit.
  void reject_oversized_line();

  // Waits for in-flight calls to finish (EOF), up to `grace`; cancels the rest.
  void drain(std::chrono::milliseconds grace);
  // Cancels every in-flight call (SIGTERM/SIGINT) and waits for workers to return.
  void cancel_all_and_stop();

  const std::vector<ToolDef>& tools() const { return tools_; }
  // tools/list entry for a tool (name, title, description, schemas, annotations).
  static Json describe(const ToolDef& tool);
  // The envelope outputSchema shared by the enveloped tools.
  static const Json& envelope_output_schema();

  // Runs a tool call synchronously, as tools/call would (CLI `call` uses it).
  // Returns the CallToolResult object. `verdict`, when given, receives an
  // authoritative tool's decision before the local advisory downgrade (what a
  // CI gate acts on), else the envelope's decision; empty when there is none.
  Json call_tool_now(const std::string& name, const Json& arguments, std::string* verdict = nullptr);

 private:
  struct CallState;
  class Context;

  void handle_message(const Json& msg);
  void handle_request(const Json& id, const std::string& method, const Json& params);
  void handle_notification(const std::string& method, const Json& params);
  void handle_response(const Json& msg);

  Json on_initialize(const Json& params);
  void on_tools_call(const Json& id, const Json& params);
  // What one call did, for metrics, the per-call log line and EMF records.
  struct CallRecord {
    std::string request_id;
    std::string tool;
    Json args;
    double duration_ms = 0;
    std::string outcome;  // ok | error | cancelled | timeout | rate_limited
    std::optional<std::string> error_code;
    Json decision;        // null when none
    std::string verdict;  // see call_tool_now
  };
  Json run_tool(const ToolDef& tool, const Json& args, Context& ctx, CallRecord& record);
  void record_call(const CallRecord& r);

  void send_result(const Json& id, Json result);
  void send_error(const Json& id, int code, const std::string& message, Json data = nullptr);
  void notify(const std::string& method, Json params);

  std::vector<std::string> roots();  // for Context::workspace_roots
  void worker_loop();
  void watchdog_loop();  // answers TIMEOUT for calls past their deadline
  // Builds the CallToolResult for an error raised before or around the handler.
  Json error_result(const ToolDef& tool, const Error& e, const std::string& request_id, const std::string& timestamp);

  const Config& config_;
  Metrics& metrics_;
  std::vector<ToolDef> tools_;
  Sender send_;

  std::atomic<bool> initialized_{false};
  std::atomic<bool> client_has_roots_{false};
  std::atomic<bool> stopping_{false};

  // Worker pool for tools/call.
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::condition_variable idle_cv_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::thread> workers_;
  std::size_t busy_ = 0;
  std::atomic<bool> trim_pending_{false};  // a heavy call ran; trim when idle

  // In-flight calls by JSON-RPC id (dumped).
  std::mutex calls_mu_;
  std::condition_variable calls_cv_;  // wakes the watchdog
  std::map<std::string, std::shared_ptr<CallState>> calls_;
  std::thread watchdog_;

  RateLimiter rate_limiter_;

  // Server-to-client requests (roots/list) awaiting a response.
  std::mutex roots_mu_;
  std::condition_variable roots_cv_;
  std::optional<std::vector<std::string>> roots_;  // cached client roots
  bool roots_pending_ = false;
  long long next_outgoing_id_ = 1;
  std::string roots_request_id_;
};

}  // namespace pm::mcp
