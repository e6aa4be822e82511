#pragma once
// One client, one process: the protocol core, its executor and the call log put together
// for a single session whose messages all go to one sender (stdio, the CLI's `call`, the
// in-process tests and benchmarks).
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mcp/core.hpp"
#include "mcp/executor.hpp"
#include "mcp/metrics.hpp"
#include "mcp/protocol.hpp"
#include "mcp/recorder.hpp"
#include "mcp/session.hpp"
#include "mcp/tool.hpp"
#include "mcp/tool_result.hpp"
#include "util/config.hpp"
#include "util/json.hpp"

namespace pm::mcp {

class Server {
 public:
  using Sender = std::function<bool(const Json&)>;

  Server(const Config& config, Metrics& metrics, Surface surface, Sender sender, unsigned workers = 4);
  Server(const Config& config, Metrics& metrics, std::vector<ToolDef> tools, Sender sender, unsigned workers = 4)
      : Server(config, metrics, Surface{std::move(tools), {}, {}}, std::move(sender), workers) {}
  ~Server();  // cancels and joins
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Handles one incoming line (one JSON-RPC message). Never throws.
  void handle_line(std::string_view line);
  // Sends an error for a line that exceeded the transport's size limit.
  void reject_oversized_line(std::size_t limit_bytes);

  // Waits for in-flight calls to finish (EOF), up to `grace`; then cancels the rest and
  // gives them `stop_grace` (false as cancel_all_and_stop).
  bool drain(std::chrono::milliseconds grace, std::chrono::milliseconds stop_grace = std::chrono::milliseconds::max());
  // Cancels every in-flight call (SIGTERM/SIGINT) and waits up to `grace` for the workers.
  // False when a call ignored the cancellation past the grace: its worker still runs, and
  // the process must end without destroying this object.
  bool cancel_all_and_stop(std::chrono::milliseconds grace = std::chrono::milliseconds::max());

  const std::vector<ToolDef>& tools() const { return core_.tools(); }
  // Runs a tool call synchronously, as tools/call would (CLI `call` uses it).
  // Returns the CallToolResult object, null for an unknown tool. `verdict`, when given,
  // receives an authoritative tool's decision before the local advisory downgrade (what a
  // CI gate acts on), else the envelope's decision; empty when there is none.
  Json call_tool_now(const std::string& name, const Json& arguments, std::string* verdict = nullptr) {
    return core_.call_tool_now(name, arguments, verdict);
  }

 private:
  class SenderOutbound;

  CallLog recorder_;
  Executor executor_;
  Core core_;
  std::shared_ptr<Session> session_;
  std::shared_ptr<Outbound> out_;
  bool stopped_ = false;
};

}  // namespace pm::mcp
