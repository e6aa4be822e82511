#pragma once
// What a tool is, what it receives, and what it returns. Tools live in
// src/tools/ (one file each); the dispatcher validates the arguments against
// input_schema before calling the handler, then wraps the result in the
// governance envelope.
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "governance/envelope.hpp"
#include "util/cancellation.hpp"
#include "util/config.hpp"
#include "util/error.hpp"
#include "util/json.hpp"
#include "util/log.hpp"

namespace pm::mcp {

// kNone: not enveloped (structuredContent is the payload). kPlain: the payload's "content"
// blocks (and "isError") are the CallToolResult as they are, with no structuredContent and no
// outputSchema; for tools whose answer is not JSON.
enum class ToolTier { kNone, kAuthoritative, kExperimental, kPlain };

// Per-call context handed to a handler.
class ToolContext {
 public:
  virtual ~ToolContext() = default;
  virtual const Config& config() const = 0;
  virtual const std::string& request_id() const = 0;
  virtual const std::string& timestamp() const = 0;  // ISO-8601 ms Z, taken when the call arrived
  // Set once the call must stop: the client cancelled it, it ran past its TIMEOUT, or the
  // server is shutting down. Stop work and return anything; the result is discarded.
  virtual const CancellationToken& cancellation() const = 0;
  bool cancelled() const { return cancellation().stop_requested(); }
  // Sends notifications/progress when the client asked for it (progressToken).
  // Values that do not increase are dropped. Cheap no-op otherwise.
  virtual void progress(double progress, std::optional<double> total, const std::string& message) = 0;
  // Workspace roots: the client's MCP roots (file:// URIs, as paths) when it
  // offers them, else PHASE_MIRROR_WORKSPACE, else the current directory.
  virtual std::vector<std::string> workspace_roots() = 0;
  // Sends notifications/message to the client, with the call, when its logging level
  // (logging/setLevel) lets `level` through. `data` must not carry secrets or file contents.
  virtual void log(log::Level level, const Json& data) = 0;
  // Over HTTP, ends the call's connection while the call goes on (the client resumes its
  // stream after `retry`); no effect on stdio.
  virtual void release_connection(std::chrono::milliseconds retry) = 0;
};

// Successful tool output. `payload` becomes the envelope's `data`.
struct ToolOutput {
  Json payload = Json::object();
  std::optional<std::string> decision;  // "pass" | "warn" | "block" (before the floors)
  bool degraded = false;                // sets envelope degradedMode; say why in the payload
  // A tool-level failure that still carries a payload (e.g. fileErrors only):
  // success=false with this code/message, isError=true.
  std::optional<Error> error;
  // The caller asked for everything (maxFindings or maxViolations 0): the
  // answer is not held to answer::kMaxAnswerBytes.
  bool complete = false;
};

using ToolResult = Result<ToolOutput>;
using ToolHandler = std::function<ToolResult(const Json& args, ToolContext& ctx)>;

struct ToolDef {
  std::string name;
  std::string title;
  std::string description;
  Json input_schema;   // advertised AND enforced (one source of truth)
  Json output_schema;  // empty -> the envelope schema is used
  Json annotations;    // readOnlyHint, destructiveHint, idempotentHint, openWorldHint
  ToolTier tier = ToolTier::kAuthoritative;
  ToolHandler handler;
};

}  // namespace pm::mcp
