#pragma once
// The protocol core: MCP lifecycle, dispatch of requests and notifications, tool calls
// (validation, run on the executor, TIMEOUT, cancellation, progress), roots. It knows no
// transport (messages arrive with the Session and the Outbound they belong to) and no
// recorder but the Recorder interface.
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "mcp/executor.hpp"
#include "mcp/protocol.hpp"
#include "mcp/rate_limiter.hpp"
#include "mcp/recorder.hpp"
#include "mcp/session.hpp"
#include "mcp/surface.hpp"
#include "mcp/tool.hpp"
#include "util/cancellation.hpp"
#include "util/config.hpp"

namespace pm::mcp {

class Core {
 public:
  // How long a call waits for the client's first roots/list answer before it falls back
  // to the configured workspace (and every later call falls back without waiting).
  static constexpr std::chrono::milliseconds kRootsWait{1000};

  Core(const Config& config, Surface surface, Executor& executor, Recorder& recorder);
  Core(const Config& config, std::vector<ToolDef> tools, Executor& executor, Recorder& recorder)
      : Core(config, Surface{std::move(tools), {}, {}}, executor, recorder) {}
  ~Core();
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  // Handles one message's text from `session`. Answers, and messages tied to the request
  // (progress, roots/list), go to `out`. Never throws.
  void handle_text(const std::shared_ptr<Session>& session, std::string_view text,
                   const std::shared_ptr<Outbound>& out);
  void handle_message(const std::shared_ptr<Session>& session, const Json& msg, const std::shared_ptr<Outbound>& out);

  // Sets the cancellation token of every in-flight call (of `only`, or of all sessions).
  void cancel_calls(StopReason why, const Session* only = nullptr);
  // A session ended (HTTP: DELETE, idle expiry): cancels its calls and forgets its limits.
  void end_session(const Session& session);
  // Shutdown: cancels every call and wakes whatever waits on a client.
  void stop();

  const std::vector<ToolDef>& tools() const { return surface_.tools; }
  const Surface& surface() const { return surface_; }
  // Runs a tool call synchronously on this thread (CLI `call`). Null for an unknown tool.
  // `verdict`, when given, receives CallRecord::verdict.
  Json call_tool_now(const std::string& name, const Json& arguments, std::string* verdict = nullptr);

 private:
  struct Call;
  class Context;

  void handle_request(const std::shared_ptr<Session>& s, const Json& id, const std::string& method, const Json& params,
                      const std::shared_ptr<Outbound>& out);
  void handle_notification(const std::shared_ptr<Session>& s, const std::string& method, const Json& params);
  void handle_response(Session& s, const Json& msg);

  Json on_initialize(Session& s, const Json& params);
  void on_tools_call(const std::shared_ptr<Session>& s, const Json& id, const Json& params,
                     const std::shared_ptr<Outbound>& out);
  void run_call(const std::shared_ptr<Call>& call);
  void on_timeout(const std::shared_ptr<Call>& call);
  std::vector<std::string> roots(Session& s, Outbound& out, const CancellationToken& token);
  // prompts/get, resources/read and completion/complete: read files, so they run on the
  // executor like tool calls; `work` returns the result or the JSON-RPC error to send.
  void run_async(const std::shared_ptr<Session>& s, const Json& id, const std::shared_ptr<Outbound>& out,
                 std::function<Json(ToolContext&)> work);
  Json get_prompt(const Json& id, const Json& params, ToolContext& ctx);
  Json read_resource(const Json& id, const Json& params, ToolContext& ctx);
  Json complete(const Json& id, const Json& params, ToolContext& ctx);
  Json list_resources(ToolContext& ctx);

  static std::string call_key(const Session& s, const Json& id);

  const Config& config_;
  Surface surface_;
  Executor& executor_;
  Recorder& recorder_;
  RateLimiter rate_limiter_;  // per session and tool
  std::atomic<bool> stopping_{false};

  std::mutex calls_mu_;
  std::map<std::string, std::shared_ptr<Call>> calls_;  // in flight, by session and request id
};

}  // namespace pm::mcp
