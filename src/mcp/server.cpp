#include "mcp/server.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>

#include "mcp/schema.hpp"
#include "util/json.hpp"
#include "util/log.hpp"
#include "util/memory.hpp"
#include "util/time.hpp"
#include "version.hpp"

namespace pm::mcp {

const std::vector<std::string>& supported_protocol_versions() {
  static const std::vector<std::string> v = {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};
  return v;
}

namespace {
constexpr double kTrimAfterMs = 10.0;
constexpr auto kIdleTrimDelay = std::chrono::seconds(1);
}  // namespace

struct Server::CallState {
  std::atomic<bool> cancelled{false};
  std::atomic<bool> done{false};
  // Whoever flips this first (the worker with the result, or the watchdog with
  // TIMEOUT) sends the response; the other stays silent.
  std::atomic<bool> answered{false};
  Json id;
  const ToolDef* tool = nullptr;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  Json progress_token;  // null when absent
  std::mutex progress_mu;
  double last_progress = -1;
};

class Server::Context final : public ToolContext {
 public:
  Context(Server& s, std::shared_ptr<CallState> state)
      : server_(s),
        state_(std::move(state)),
        request_id_(governance::make_request_id()),
        timestamp_(now_iso8601_ms()) {}

  const Config& config() const override { return server_.config_; }
  const std::string& request_id() const override { return request_id_; }
  const std::string& timestamp() const override { return timestamp_; }
  bool cancelled() const override { return state_ && (state_->cancelled || server_.stopping_); }
  void progress(double progress, std::optional<double> total, const std::string& message) override {
    if (!state_ || state_->progress_token.is_null() || state_->done) return;
    std::lock_guard lock(state_->progress_mu);
    if (progress <= state_->last_progress) return;  // MUST increase
    state_->last_progress = progress;
    Json p = {{"progressToken", state_->progress_token}, {"progress", progress}};
    if (total) p["total"] = *total;
    if (!message.empty()) p["message"] = message;
    server_.notify("notifications/progress", std::move(p));
  }
  std::vector<std::string> workspace_roots() override { return server_.roots(); }

 private:
  Server& server_;
  std::shared_ptr<CallState> state_;
  std::string request_id_;
  std::string timestamp_;
};

namespace {

Json sanitize_args(const Json& args) {
  if (args.is_string()) {
    const auto& s = args.get_ref<const std::string&>();
    if (s.size() > 256) return "<" + std::to_string(s.size()) + " chars>";
    return args;
  }
  if (args.is_array()) {
    Json out = Json::array();
    for (const auto& a : args) out.push_back(sanitize_args(a));
    return out;
  }
  if (args.is_object()) {
    Json out = Json::object();
    for (auto it = args.begin(); it != args.end(); ++it) {
      // Free text (PR descriptions) is content, not a parameter: log its size only.
      if (it.key() == "context" && it->is_string()) {
        out[it.key()] = "<" + std::to_string(it->get_ref<const std::string&>().size()) + " chars>";
      } else {
        out[it.key()] = sanitize_args(*it);
      }
    }
    return out;
  }
  return args;
}

bool valid_id(const Json& id) {
  return id.is_string() || id.is_number_integer() || id.is_number_unsigned();
}

// file:///a%20b -> /a b
std::optional<std::string> uri_to_path(const std::string& uri) {
  const std::string prefix = "file://";
  if (uri.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  std::string rest = uri.substr(prefix.size());
  if (!rest.empty() && rest[0] != '/') {
    auto slash = rest.find('/');  // file://host/path
    if (slash == std::string::npos) return std::nullopt;
    rest = rest.substr(slash);
  }
  std::string out;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() && std::isxdigit(static_cast<unsigned char>(rest[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(rest[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(rest.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(rest[i]);
    }
  }
  if (out.find('\0') != std::string::npos) return std::nullopt;
  return out;
}

Json error_payload(const Error& e, const std::string& request_id) {
  Json data = Json::object();
  data["error"] = e.message;
  data["severity"] = to_string(e.severity);
  data["retryable"] = e.retryable;
  if (e.retry_after_ms) data["retryAfterMs"] = *e.retry_after_ms;
  data["suggestions"] = e.suggestions;
  if (!e.details.is_null() && !(e.details.is_object() && e.details.empty())) data["details"] = e.details;
  data["requestId"] = request_id;
  return data;
}

}  // namespace

Server::Server(const Config& config, Metrics& metrics, std::vector<ToolDef> tools, Sender sender, unsigned workers)
    : config_(config),
      metrics_(metrics),
      tools_(std::move(tools)),
      send_(std::move(sender)),
      rate_limiter_(config.rate_limit_per_sec, config.rate_burst) {
  for (unsigned i = 0; i < std::max(1u, workers); ++i) workers_.emplace_back([this] { worker_loop(); });
  if (config_.call_timeout_ms > 0) watchdog_ = std::thread([this] { watchdog_loop(); });
}

Server::~Server() {
  cancel_all_and_stop();
}

void Server::worker_loop() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(queue_mu_);
      // A large call (a 1 MB workflow, 200 ADRs) leaves its peak working set in
      // the allocator's free lists. Once the server has been idle for a second,
      // hand it back to the system: a server waiting in the background stays
      // small, and no call pays for the page faults of a trim right before it.
      while (!queue_cv_.wait_for(lock, kIdleTrimDelay, [this] { return stopping_ || !queue_.empty(); })) {
        if (busy_ == 0 && trim_pending_.exchange(false)) {
          lock.unlock();
          release_free_memory();
          lock.lock();
        }
      }
      if (queue_.empty()) return;  // stopping and nothing left
      job = std::move(queue_.front());
      queue_.pop_front();
      ++busy_;
    }
    job();
    {
      std::lock_guard lock(queue_mu_);
      --busy_;
    }
    idle_cv_.notify_all();
  }
}

void Server::watchdog_loop() {
  std::unique_lock lock(calls_mu_);
  while (!stopping_) {
    auto next = std::chrono::steady_clock::time_point::max();
    const auto now = std::chrono::steady_clock::now();
    for (auto& [key, state] : calls_) {
      if (state->deadline <= now && !state->answered.exchange(true)) {
        state->cancelled = true;  // the handler stops at its next check; its result is dropped
        const Error e = Error::timeout(state->tool->name, config_.call_timeout_ms);
        const std::string request_id = governance::make_request_id();
        record_call({request_id, state->tool->name, nullptr, static_cast<double>(config_.call_timeout_ms), "timeout",
                     e.code, nullptr});
        send_result(state->id, error_result(*state->tool, e, request_id, now_iso8601_ms()));
      } else if (!state->answered) {
        next = std::min(next, state->deadline);
      }
    }
    if (next == std::chrono::steady_clock::time_point::max()) {
      calls_cv_.wait(lock);
    } else {
      calls_cv_.wait_until(lock, next);
    }
  }
}

void Server::drain(std::chrono::milliseconds grace) {
  std::unique_lock lock(queue_mu_);
  if (!idle_cv_.wait_for(lock, grace, [this] { return queue_.empty() && busy_ == 0; })) {
    lock.unlock();
    log::warn("shutdown grace period over; cancelling in-flight calls");
    cancel_all_and_stop();
  }
}

void Server::cancel_all_and_stop() {
  {
    std::lock_guard lock(calls_mu_);
    for (auto& [id, state] : calls_) state->cancelled = true;
  }
  {
    std::lock_guard lock(queue_mu_);
    std::lock_guard calls_lock(calls_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  roots_cv_.notify_all();
  calls_cv_.notify_all();
  if (watchdog_.joinable()) watchdog_.join();
  for (auto& t : workers_) {
    if (t.joinable()) t.join();
  }
  workers_.clear();
}

void Server::send_result(const Json& id, Json result) {
  send_(Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
}

void Server::send_error(const Json& id, int code, const std::string& message, Json data) {
  Json err = {{"code", code}, {"message", message}};
  if (!data.is_null()) err["data"] = std::move(data);
  send_(Json{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(err)}});
}

void Server::notify(const std::string& method, Json params) {
  send_(Json{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
}

void Server::reject_oversized_line() {
  send_error(nullptr, rpc::kInvalidRequest,
             "Message exceeds the maximum size of " + std::to_string(64) + " MiB and was discarded");
}

void Server::handle_line(const std::string& line) {
  try {
    if (line.find_first_not_of(" \t\r") == std::string::npos) return;  // blank line
    Json msg = parse_or_discard(line);
    if (msg.is_discarded()) {
      send_error(nullptr, rpc::kParseError,
                 is_valid_utf8(line) ? "Parse error: the line is not valid JSON"
                                     : "Parse error: the line is not valid UTF-8 (JSON-RPC messages must be UTF-8)");
      return;
    }
    handle_message(msg);
  } catch (const std::exception& e) {
    log::error("unexpected error handling a message", {{"error", e.what()}});
    send_error(nullptr, rpc::kInternalError, "Internal error");
  }
}

void Server::handle_message(const Json& msg) {
  if (msg.is_array()) {
    send_error(nullptr, rpc::kInvalidRequest, "Batch requests (JSON arrays) are not supported");
    return;
  }
  if (!msg.is_object()) {
    send_error(nullptr, rpc::kInvalidRequest, "Invalid request: a JSON-RPC message must be an object");
    return;
  }
  const auto id_it = msg.find("id");
  const bool has_id = id_it != msg.end();
  const Json id = has_id && valid_id(*id_it) ? *id_it : Json(nullptr);
  if (msg.value("jsonrpc", Json()) != "2.0") {
    send_error(id, rpc::kInvalidRequest, "Invalid request: \"jsonrpc\" must be \"2.0\"");
    return;
  }
  const auto method_it = msg.find("method");
  if (method_it == msg.end()) {
    if (has_id && (msg.contains("result") || msg.contains("error"))) {
      handle_response(msg);
      return;
    }
    send_error(id, rpc::kInvalidRequest, "Invalid request: missing \"method\"");
    return;
  }
  if (!method_it->is_string()) {
    send_error(id, rpc::kInvalidRequest, "Invalid request: \"method\" must be a string");
    return;
  }
  const std::string& method = method_it->get_ref<const std::string&>();
  Json params = msg.value("params", Json::object());
  if (!params.is_object() && !params.is_array()) {
    if (has_id) send_error(id, rpc::kInvalidParams, "Invalid params: must be an object");
    return;
  }
  if (!has_id) {
    handle_notification(method, params);
    return;
  }
  if (!valid_id(*id_it)) {
    send_error(nullptr, rpc::kInvalidRequest, "Invalid request: \"id\" must be a string or an integer");
    return;
  }
  handle_request(id, method, params);
}

void Server::handle_request(const Json& id, const std::string& method, const Json& params) {
  if (method == "initialize") {
    if (initialized_) {
      send_error(id, rpc::kInvalidRequest, "Already initialized: 'initialize' may be sent once per session");
      return;
    }
    send_result(id, on_initialize(params));
    return;
  }
  if (method == "ping") {
    send_result(id, Json::object());
    return;
  }
  if (!initialized_) {
    send_error(id, rpc::kServerNotInitialized, "Server not initialized: send 'initialize' before '" + method + "'");
    return;
  }
  if (method == "tools/list") {
    if (params.is_object() && params.contains("cursor")) {
      send_error(id, rpc::kInvalidParams, "Invalid cursor: tools/list has a single page");
      return;
    }
    Json list = Json::array();
    for (const auto& t : tools_) list.push_back(describe(t));
    send_result(id, Json{{"tools", std::move(list)}});
    return;
  }
  if (method == "tools/call") {
    on_tools_call(id, params);
    return;
  }
  if (method == "logging/setLevel") {
    const Json level = params.is_object() ? params.value("level", Json()) : Json();
    std::optional<log::Level> l;
    if (level.is_string() && level != "warn") l = log::parse_level(level.get<std::string>());
    if (!l) {
      send_error(id, rpc::kInvalidParams,
                 "Invalid log level: expected one of debug, info, notice, warning, error, critical, alert, "
                 "emergency");
      return;
    }
    log::set_client_level(*l);
    send_result(id, Json::object());
    return;
  }
  send_error(id, rpc::kMethodNotFound, "Method not found: " + method);
}

void Server::handle_notification(const std::string& method, const Json& params) {
  if (method == "notifications/initialized") return;
  if (method == "notifications/cancelled") {
    if (!params.is_object() || !params.contains("requestId")) return;
    std::lock_guard lock(calls_mu_);
    if (auto it = calls_.find(dump_line(params["requestId"])); it != calls_.end()) {
      it->second->cancelled = true;
      log::debug("call cancelled by client", {{"id", params["requestId"]}});
    }
    return;
  }
  if (method == "notifications/roots/list_changed") {
    std::lock_guard lock(roots_mu_);
    roots_.reset();
    return;
  }
  // Other notifications need no action.
}

void Server::handle_response(const Json& msg) {
  const Json& id = msg["id"];
  std::lock_guard lock(roots_mu_);
  if (!id.is_string() || id.get<std::string>() != roots_request_id_ || !roots_pending_) return;
  std::vector<std::string> paths;
  if (auto r = msg.find("result");
      r != msg.end() && r->is_object() && r->contains("roots") && (*r)["roots"].is_array()) {
    for (const auto& root : (*r)["roots"]) {
      if (root.is_object() && root.contains("uri") && root["uri"].is_string()) {
        if (auto p = uri_to_path(root["uri"].get<std::string>())) paths.push_back(*p);
      }
    }
  }
  roots_ = std::move(paths);
  roots_pending_ = false;
  roots_cv_.notify_all();
}

std::vector<std::string> Server::roots() {
  std::vector<std::string> fallback;
  if (config_.workspace) fallback.push_back(*config_.workspace);
  if (!client_has_roots_) return fallback;
  std::unique_lock lock(roots_mu_);
  if (!roots_ && !roots_pending_) {
    roots_pending_ = true;
    roots_request_id_ = "pm-roots-" + std::to_string(next_outgoing_id_++);
    lock.unlock();
    send_(Json{{"jsonrpc", "2.0"}, {"id", roots_request_id_}, {"method", "roots/list"}});
    lock.lock();
  }
  roots_cv_.wait_for(lock, std::chrono::seconds(5), [this] { return !roots_pending_ || stopping_; });
  if (roots_pending_) {
    // The client never answered: fall back, and ask again next time.
    roots_pending_ = false;
    log::warn("client did not answer roots/list; using the configured workspace");
    return fallback;
  }
  if (roots_ && !roots_->empty()) return *roots_;
  return fallback;
}

Json Server::on_initialize(const Json& params) {
  std::string requested = params.is_object() ? params.value("protocolVersion", std::string()) : std::string();
  const auto& versions = supported_protocol_versions();
  const std::string version =
      std::find(versions.begin(), versions.end(), requested) != versions.end() ? requested : kLatestProtocolVersion;
  if (params.is_object() && params.contains("capabilities") && params["capabilities"].is_object()) {
    client_has_roots_ = params["capabilities"].contains("roots");
  }
  initialized_ = true;
  log::info("session initialized", {{"protocolVersion", version}, {"clientProtocolVersion", requested}});
  return Json{{"protocolVersion", version},
              {"capabilities", {{"tools", {{"listChanged", false}}}, {"logging", Json::object()}}},
              {"serverInfo",
               {{"name", kServerName},
                {"title", "Phase Mirror"},
                {"version", kVersion},
                {"description",
                 "Code-governance checks: workflow dissonance, L0 invariants, ADR compliance, "
                 "false-positive analytics and consent"}}},
              {"instructions",
               "Call analyze_dissonance with workflow/config/source paths (relative to the workspace root) before "
               "changing them; check_adr_compliance to test files against the ADRs in docs/adr; "
               "validate_l0_invariants for schema hash, workflow permissions, drift, nonce and FPR contraction "
               "checks. Decisions are pass/warn/block; findings cite file:line."}};
}

Json Server::describe(const ToolDef& tool) {
  Json d = Json::object();
  d["name"] = tool.name;
  d["title"] = tool.title;
  d["description"] = tool.description;
  d["inputSchema"] = tool.input_schema;
  d["outputSchema"] =
      tool.output_schema.is_null() || tool.output_schema.empty() ? envelope_output_schema() : tool.output_schema;
  Json ann = tool.annotations.is_object() ? tool.annotations : Json::object();
  ann["title"] = tool.title;
  d["annotations"] = std::move(ann);
  return d;
}

const Json& Server::envelope_output_schema() {
  static const Json schema = Json::parse(R"({
    "type": "object",
    "properties": {
      "success": {"type": "boolean"},
      "code": {"type": "string"},
      "message": {"type": "string"},
      "isError": {"type": "boolean"},
      "tier": {"type": "string", "enum": ["authoritative", "experimental"]},
      "environment": {"type": "string", "enum": ["local", "cloud"]},
      "decision": {"type": "string", "enum": ["block", "warn", "pass"]},
      "degradedMode": {"type": "boolean"},
      "tierBadge": {"type": "string"},
      "environmentBadge": {"type": "string"},
      "decisionBadge": {"type": "string"},
      "requestId": {"type": "string"},
      "timestamp": {"type": "string", "format": "date-time"},
      "data": {"type": "object"}
    },
    "required": ["success", "tier", "environment", "tierBadge", "environmentBadge", "requestId", "timestamp", "data"]
  })");
  return schema;
}

void Server::on_tools_call(const Json& id, const Json& params) {
  if (!params.is_object() || !params.contains("name") || !params["name"].is_string()) {
    send_error(id, rpc::kInvalidParams, "Invalid params: tools/call needs \"name\" (string)");
    return;
  }
  const std::string name = params["name"].get<std::string>();
  auto tool = std::find_if(tools_.begin(), tools_.end(), [&](const ToolDef& t) { return t.name == name; });
  if (tool == tools_.end()) {
    send_error(id, rpc::kInvalidParams, "Unknown tool: " + name);
    return;
  }
  if (auto retry_after = rate_limiter_.acquire(name)) {
    Error e{code::kRateLimited, "Rate limit exceeded for " + name, Severity::kMedium, true};
    e.retry_after_ms = *retry_after;
    e.details = Json{{"tool", name}, {"retryAfterMs", *retry_after}};
    e.suggestions = {"Retry after " + std::to_string(*retry_after) + " ms"};
    const std::string request_id = governance::make_request_id();
    record_call({request_id, name, params.value("arguments", Json::object()), 0, "rate_limited", e.code, nullptr});
    send_result(id, error_result(*tool, e, request_id, now_iso8601_ms()));
    return;
  }
  const std::string key = dump_line(id);
  auto state = std::make_shared<CallState>();
  state->id = id;
  state->tool = &*tool;
  if (config_.call_timeout_ms > 0) {
    state->deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.call_timeout_ms);
  }
  if (auto meta = params.find("_meta"); meta != params.end() && meta->is_object()) {
    if (auto tok = meta->find("progressToken"); tok != meta->end() && (tok->is_string() || tok->is_number_integer()))
      state->progress_token = *tok;
  }
  {
    std::lock_guard lock(calls_mu_);
    if (calls_.count(key)) {
      send_error(id, rpc::kInvalidRequest, "Duplicate request id: a call with this id is still running");
      return;
    }
    calls_[key] = state;
  }
  calls_cv_.notify_all();
  Json args = params.contains("arguments") ? params["arguments"] : Json::object();
  const ToolDef* def = &*tool;
  auto job = [this, id, key, state, def, args = std::move(args)]() {
    Context ctx(*this, state);
    Json result;
    CallRecord rec{ctx.request_id(), def->name, args, 0, "cancelled", std::nullopt, nullptr};
    if (!state->cancelled) result = run_tool(*def, args, ctx, rec);
    state->done = true;
    {
      std::lock_guard lock(calls_mu_);
      calls_.erase(key);
    }
    if (state->answered.exchange(true)) return;  // the watchdog answered TIMEOUT and recorded it
    if (state->cancelled) {                      // cancelled calls get no response
      rec.outcome = "cancelled";
      rec.error_code.reset();
      record_call(rec);
      return;
    }
    record_call(rec);
    send_result(id, std::move(result));
    if (rec.duration_ms >= kTrimAfterMs) trim_pending_ = true;
  };
  {
    std::lock_guard lock(queue_mu_);
    if (stopping_) return;
    queue_.push_back(std::move(job));
  }
  queue_cv_.notify_one();
}

Json Server::call_tool_now(const std::string& name, const Json& arguments, std::string* verdict) {
  auto tool = std::find_if(tools_.begin(), tools_.end(), [&](const ToolDef& t) { return t.name == name; });
  if (tool == tools_.end()) return nullptr;
  Context ctx(*this, std::make_shared<CallState>());
  CallRecord rec{ctx.request_id(), tool->name, arguments, 0, "ok", std::nullopt, nullptr};
  Json result = run_tool(*tool, arguments, ctx, rec);
  record_call(rec);
  if (verdict != nullptr) *verdict = rec.verdict;
  return result;
}

Json Server::error_result(const ToolDef& tool, const Error& e, const std::string& request_id,
                          const std::string& timestamp) {
  Json structured;
  if (tool.tier == ToolTier::kNone) {
    structured = Json{{"success", false}, {"code", e.code}, {"message", e.message}};
    structured["data"] = error_payload(e, request_id);
  } else {
    governance::RawResponse raw;
    raw.success = false;
    raw.code = e.code;
    raw.message = e.message;
    raw.is_error = true;
    raw.data = error_payload(e, request_id);
    structured = governance::normalize(
        std::move(raw),
        {tool.tier == ToolTier::kExperimental ? governance::Tier::kExperimental : governance::Tier::kAuthoritative,
         config_.environment, request_id, timestamp});
  }
  Json result = Json::object();
  result["content"] = Json::array({Json{{"type", "text"}, {"text", dump_pretty(structured)}}});
  result["structuredContent"] = std::move(structured);
  result["isError"] = true;
  return result;
}

void Server::record_call(const CallRecord& r) {
  const bool is_error = r.outcome == "error" || r.outcome == "timeout" || r.outcome == "rate_limited";
  metrics_.record(r.tool, r.duration_ms, is_error);
  const double ms = std::round(r.duration_ms * 1000) / 1000;
  Json fields = {{"requestId", r.request_id},
                 {"tool", r.tool},
                 {"args", sanitize_args(r.args)},
                 {"durationMs", ms},
                 {"outcome", r.outcome}};
  if (r.error_code) fields["errorCode"] = *r.error_code;
  if (!r.decision.is_null()) fields["decision"] = r.decision;
  if (is_error && r.outcome != "error") {
    log::warn("tool call", fields);
  } else {
    log::info("tool call", fields);
  }
  if (config_.metrics_emf) {
    // CloudWatch Embedded Metric Format: one record per call, with a ToolName
    // dimension and a dimensionless roll-up (so alarms without dimensions see it).
    Json emf = {{"_aws",
                 {{"Timestamp", to_epoch_ms(std::chrono::system_clock::now())},
                  {"CloudWatchMetrics",
                   Json::array({{{"Namespace", "MCP/Server"},
                                 {"Dimensions", Json::array({Json::array({"ToolName"}), Json::array()})},
                                 {"Metrics", Json::array({{{"Name", "Duration"}, {"Unit", "Milliseconds"}},
                                                          {{"Name", "ErrorCount"}, {"Unit", "Count"}}})}}})}}},
                {"ToolName", r.tool},
                {"Duration", ms},
                {"ErrorCount", is_error ? 1 : 0},
                {"requestId", r.request_id},
                {"outcome", r.outcome}};
    log::raw_line(dump_line(emf));
  }
}

Json Server::run_tool(const ToolDef& tool, const Json& args, Context& ctx, CallRecord& record) {
  const auto start = std::chrono::steady_clock::now();
  ToolResult outcome = Error::execution_failed("Tool produced no result");
  auto issues = validate(tool.input_schema, args);
  if (!issues.empty()) {
    std::string fields;
    for (const auto& i : issues) fields += (fields.empty() ? "" : ", ") + (i.path.empty() ? "(root)" : i.path);
    Error e = Error::invalid_input("Invalid input parameters: " + fields, Json{{"validationErrors", to_json(issues)}});
    e.suggestions = {"Fix the following fields: " + fields, "Refer to the tool's inputSchema for types and limits"};
    outcome = std::move(e);
  } else {
    try {
      outcome = tool.handler(args, ctx);
    } catch (const std::exception& ex) {
      log::error("tool raised an exception",
                 {{"requestId", ctx.request_id()}, {"tool", tool.name}, {"error", ex.what()}});
      outcome =
          Error::execution_failed("Internal error while running " + tool.name + " (request " + ctx.request_id() + ")");
    } catch (...) {
      log::error("tool raised an unknown exception", {{"requestId", ctx.request_id()}, {"tool", tool.name}});
      outcome =
          Error::execution_failed("Internal error while running " + tool.name + " (request " + ctx.request_id() + ")");
    }
  }
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

  // Assemble the CallToolResult.
  Json structured;
  bool is_error = false;
  std::optional<std::string> error_code;
  if (tool.tier == ToolTier::kNone) {
    if (outcome.ok()) {
      structured = std::move(outcome->payload);
    } else {
      const Error& e = outcome.error();
      structured = Json{{"success", false}, {"code", e.code}, {"message", e.message}};
      structured["data"] = error_payload(e, ctx.request_id());
      is_error = true;
      error_code = e.code;
    }
  } else {
    governance::RawResponse raw;
    if (outcome.ok() && !outcome->error) {
      raw.success = true;
      raw.decision = outcome->decision;
      if (outcome->degraded) raw.degraded_mode = true;
      raw.data = std::move(outcome->payload);
    } else {
      const Error& e = outcome.ok() ? *outcome->error : outcome.error();
      raw.success = false;
      raw.code = e.code;
      raw.message = e.message;
      raw.is_error = true;
      Json data = error_payload(e, ctx.request_id());
      if (outcome.ok()) {
        for (auto it = outcome->payload.begin(); it != outcome->payload.end(); ++it) data[it.key()] = it.value();
        raw.decision = outcome->decision;
        if (outcome->degraded) raw.degraded_mode = true;
      }
      raw.data = std::move(data);
      error_code = e.code;
    }
    governance::EnvelopeContext ectx{
        tool.tier == ToolTier::kExperimental ? governance::Tier::kExperimental : governance::Tier::kAuthoritative,
        config_.environment, ctx.request_id(), ctx.timestamp()};
    if (tool.tier == ToolTier::kAuthoritative) record.verdict = raw.decision.value_or("");
    structured = governance::normalize(std::move(raw), ectx);
    is_error = structured.value("isError", false);
  }

  record.duration_ms = ms;
  record.outcome = is_error ? "error" : "ok";
  record.error_code = error_code;
  if (structured.contains("decision")) record.decision = structured["decision"];
  if (tool.tier != ToolTier::kAuthoritative && record.decision.is_string()) record.verdict = record.decision;

  Json result = Json::object();
  result["content"] = Json::array({Json{{"type", "text"}, {"text", dump_pretty(structured)}}});
  result["structuredContent"] = std::move(structured);
  if (is_error || tool.tier != ToolTier::kNone) {
    if (is_error || result["structuredContent"].contains("isError")) result["isError"] = is_error;
  }
  return result;
}

}  // namespace pm::mcp
