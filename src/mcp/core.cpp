#include "mcp/core.hpp"

#include <algorithm>
#include <cctype>

#include "mcp/tool_result.hpp"
#include "util/log.hpp"
#include "util/time.hpp"
#include "version.hpp"

namespace pm::mcp {

namespace {

constexpr double kTrimAfterMs = 10.0;
constexpr std::size_t kTrimAfterBytes = std::size_t{1} << 20;

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

bool has_completions(const Surface& s) {
  for (const auto& p : s.prompts) {
    if (p.complete) return true;
  }
  for (const auto& r : s.resources) {
    for (const auto& t : r.templates) {
      if (t.complete) return true;
    }
  }
  return false;
}

Json describe_prompt(const PromptDef& p) {
  Json d = {{"name", p.name}};
  if (!p.title.empty()) d["title"] = p.title;
  d["description"] = p.description;
  Json args = Json::array();
  for (const auto& a : p.arguments) {
    args.push_back(Json{{"name", a.name}, {"description", a.description}, {"required", a.required}});
  }
  d["arguments"] = std::move(args);
  return d;
}

Json describe_template(const ResourceTemplateDef& t) {
  Json d = {{"uriTemplate", t.uri_template}, {"name", t.name}};
  if (!t.title.empty()) d["title"] = t.title;
  if (!t.description.empty()) d["description"] = t.description;
  if (!t.mime_type.empty()) d["mimeType"] = t.mime_type;
  return d;
}

// An error of a prompt or resource handler as the JSON-RPC error a client sees: what the
// client asked for wrongly or does not exist is its error (-32602, -32002 for a resource),
// anything else the server's.
Json handler_error(const Json& id, const Error& e, const Json& data = nullptr) {
  if (e.code == kResourceNotFound) return make_error(id, rpc::kResourceNotFound, e.message, data);
  const bool clients = e.code == code::kInvalidInput || e.code == code::kMissingParameter ||
                       e.code == code::kFileNotFound || e.code == code::kPathOutsideWorkspace ||
                       e.code == code::kFileTooLarge || e.code == code::kNoAdrsFound;
  return make_error(id, clients ? rpc::kInvalidParams : rpc::kInternalError, e.message, data);
}

}  // namespace

struct Core::Call {
  CancellationToken token;
  std::atomic<bool> done{false};
  // Whoever flips this first (the worker with the result, or the watchdog with TIMEOUT)
  // answers; the other stays silent.
  std::atomic<bool> answered{false};
  Json id;
  std::string key;
  const ToolDef* tool = nullptr;
  Json args;
  std::shared_ptr<Session> session;  // null for call_tool_now
  std::shared_ptr<Outbound> out;     // null for call_tool_now
  Executor::TimerId timer = 0;
  std::string request_id = governance::make_request_id();
  std::string timestamp = now_iso8601_ms();  // when the call arrived
  Json progress_token;                       // null when absent
  std::mutex progress_mu;
  double last_progress = -1;
};

class Core::Context final : public ToolContext {
 public:
  Context(Core& core, Call& call) : core_(core), call_(call) {}

  const Config& config() const override { return core_.config_; }
  const std::string& request_id() const override { return call_.request_id; }
  const std::string& timestamp() const override { return call_.timestamp; }
  const CancellationToken& cancellation() const override { return call_.token; }
  void progress(double progress, std::optional<double> total, const std::string& message) override {
    if (call_.progress_token.is_null() || call_.done || !call_.out) return;
    std::lock_guard lock(call_.progress_mu);
    if (progress <= call_.last_progress) return;  // MUST increase
    call_.last_progress = progress;
    Json p = {{"progressToken", call_.progress_token}, {"progress", progress}};
    if (total) p["total"] = *total;
    if (!message.empty()) p["message"] = message;
    call_.out->send(make_notification("notifications/progress", std::move(p)));
  }
  std::vector<std::string> workspace_roots() override {
    if (!call_.session || !call_.out) {
      std::vector<std::string> fallback;
      if (core_.config_.workspace) fallback.push_back(*core_.config_.workspace);
      return fallback;
    }
    return core_.roots(*call_.session, *call_.out, call_.token);
  }
  void log(log::Level level, const Json& data) override {
    if (call_.done || !call_.out || !call_.session) return;
    {
      std::lock_guard lock(call_.session->mu_);
      if (static_cast<int>(level) < call_.session->log_level_) return;
    }
    call_.out->send(make_notification(
        "notifications/message", Json{{"level", log::level_name(level)}, {"logger", "phase-mirror"}, {"data", data}}));
  }
  void release_connection(std::chrono::milliseconds retry) override {
    if (call_.out && !call_.done) call_.out->release(retry);
  }

 private:
  Core& core_;
  Call& call_;
};

Core::Core(const Config& config, Surface surface, Executor& executor, Recorder& recorder)
    : config_(config),
      surface_(std::move(surface)),
      executor_(executor),
      recorder_(recorder),
      rate_limiter_(config.rate_limit_per_sec, config.rate_burst) {}

Core::~Core() {
  stop();
}

std::string Core::call_key(const Session& s, const Json& id) {
  return s.id() + '\n' + dump_line(id);
}

void Core::cancel_calls(StopReason why, const Session* only) {
  std::lock_guard lock(calls_mu_);
  for (auto& [key, call] : calls_) {
    if (only == nullptr || call->session.get() == only) call->token.cancel(why);
  }
}

void Core::end_session(const Session& session) {
  cancel_calls(StopReason::kCancelled, &session);
  if (!session.id().empty()) rate_limiter_.forget(session.id() + '\n');
}

void Core::stop() {
  stopping_ = true;
  cancel_calls(StopReason::kShutdown);
}

void Core::handle_text(const std::shared_ptr<Session>& session, std::string_view text,
                       const std::shared_ptr<Outbound>& out) {
  try {
    if (text.find_first_not_of(" \t\r") == std::string_view::npos) return;  // blank line
    ParsedMessage parsed = parse_message(text);
    if (parsed.error) {
      out->send(*parsed.error);
      return;
    }
    handle_message(session, parsed.message, out);
  } catch (const std::exception& e) {
    log::error("unexpected error handling a message", {{"error", e.what()}});
    out->send(make_error(nullptr, rpc::kInternalError, "Internal error"));
  }
  // Parsing a message of megabytes leaves its working set in the allocator's free lists
  // (buffers under the mmap threshold), whatever the call then does with it: a 50 MB
  // argument refused in a millisecond left 30-100 MB at rest until the next long call.
  if (text.size() >= kTrimAfterBytes) executor_.note_heavy_job();
}

void Core::handle_message(const std::shared_ptr<Session>& session, const Json& msg,
                          const std::shared_ptr<Outbound>& out) {
  if (msg.is_array()) {
    out->send(make_error(nullptr, rpc::kInvalidRequest, "Batch requests (JSON arrays) are not supported"));
    return;
  }
  if (!msg.is_object()) {
    out->send(make_error(nullptr, rpc::kInvalidRequest, "Invalid request: a JSON-RPC message must be an object"));
    return;
  }
  const auto id_it = msg.find("id");
  const bool has_id = id_it != msg.end();
  const Json id = has_id && valid_id(*id_it) ? *id_it : Json(nullptr);
  if (msg.value("jsonrpc", Json()) != "2.0") {
    out->send(make_error(id, rpc::kInvalidRequest, "Invalid request: \"jsonrpc\" must be \"2.0\""));
    return;
  }
  const auto method_it = msg.find("method");
  if (method_it == msg.end()) {
    if (has_id && (msg.contains("result") || msg.contains("error"))) {
      handle_response(*session, msg);
      return;
    }
    out->send(make_error(id, rpc::kInvalidRequest, "Invalid request: missing \"method\""));
    return;
  }
  if (!method_it->is_string()) {
    out->send(make_error(id, rpc::kInvalidRequest, "Invalid request: \"method\" must be a string"));
    return;
  }
  const std::string& method = method_it->get_ref<const std::string&>();
  Json params = msg.value("params", Json::object());
  if (!params.is_object() && !params.is_array()) {
    if (has_id) out->send(make_error(id, rpc::kInvalidParams, "Invalid params: must be an object"));
    return;
  }
  if (!has_id) {
    handle_notification(session, method, params);
    return;
  }
  if (!valid_id(*id_it)) {
    out->send(make_error(nullptr, rpc::kInvalidRequest, "Invalid request: \"id\" must be a string or an integer"));
    return;
  }
  handle_request(session, id, method, params, out);
}

void Core::handle_request(const std::shared_ptr<Session>& s, const Json& id, const std::string& method,
                          const Json& params, const std::shared_ptr<Outbound>& out) {
  if (method == "initialize") {
    if (s->initialized()) {
      out->send(make_error(id, rpc::kInvalidRequest, "Already initialized: 'initialize' may be sent once per session"));
      return;
    }
    out->send(make_result(id, on_initialize(*s, params)));
    return;
  }
  if (method == "ping") {
    out->send(make_result(id, Json::object()));
    return;
  }
  if (!s->initialized()) {
    out->send(make_error(id, rpc::kServerNotInitialized,
                         "Server not initialized: send 'initialize' before '" + method + "'"));
    return;
  }
  if (method == "tools/list") {
    if (params.is_object() && params.contains("cursor")) {
      out->send(make_error(id, rpc::kInvalidParams, "Invalid cursor: tools/list has a single page"));
      return;
    }
    Json list = Json::array();
    for (const auto& t : surface_.tools) list.push_back(describe_tool(t));
    out->send(make_result(id, Json{{"tools", std::move(list)}}));
    return;
  }
  if (method == "tools/call") {
    on_tools_call(s, id, params, out);
    return;
  }
  const bool has_prompts = !surface_.prompts.empty();
  const bool has_resources = !surface_.resources.empty();
  if ((method == "prompts/list" && has_prompts) || (method == "resources/templates/list" && has_resources)) {
    if (params.is_object() && params.contains("cursor")) {
      out->send(make_error(id, rpc::kInvalidParams, "Invalid cursor: " + method + " has a single page"));
      return;
    }
    Json list = Json::array();
    if (method == "prompts/list") {
      for (const auto& p : surface_.prompts) list.push_back(describe_prompt(p));
      out->send(make_result(id, Json{{"prompts", std::move(list)}}));
    } else {
      for (const auto& r : surface_.resources) {
        for (const auto& t : r.templates) list.push_back(describe_template(t));
      }
      out->send(make_result(id, Json{{"resourceTemplates", std::move(list)}}));
    }
    return;
  }
  if (method == "resources/list" && has_resources) {
    if (params.is_object() && params.contains("cursor")) {
      out->send(make_error(id, rpc::kInvalidParams, "Invalid cursor: resources/list has a single page"));
      return;
    }
    run_async(s, id, out, [this, id](ToolContext& ctx) { return make_result(id, list_resources(ctx)); });
    return;
  }
  if (method == "prompts/get" && has_prompts) {
    run_async(s, id, out, [this, id, params](ToolContext& ctx) { return get_prompt(id, params, ctx); });
    return;
  }
  if (method == "resources/read" && has_resources) {
    run_async(s, id, out, [this, id, params](ToolContext& ctx) { return read_resource(id, params, ctx); });
    return;
  }
  if (method == "completion/complete" && has_completions(surface_)) {
    run_async(s, id, out, [this, id, params](ToolContext& ctx) { return complete(id, params, ctx); });
    return;
  }
  if (method == "logging/setLevel") {
    const Json level = params.is_object() ? params.value("level", Json()) : Json();
    std::optional<log::Level> l;
    if (level.is_string() && level != "warn") l = log::parse_level(level.get<std::string>());
    if (!l) {
      out->send(make_error(id, rpc::kInvalidParams,
                           "Invalid log level: expected one of debug, info, notice, warning, error, critical, alert, "
                           "emergency"));
      return;
    }
    log::set_client_level(*l);
    {
      std::lock_guard lock(s->mu_);
      s->log_level_ = static_cast<int>(*l);
    }
    out->send(make_result(id, Json::object()));
    return;
  }
  out->send(make_error(id, rpc::kMethodNotFound, "Method not found: " + method));
}

void Core::handle_notification(const std::shared_ptr<Session>& s, const std::string& method, const Json& params) {
  if (method == "notifications/initialized") return;
  if (method == "notifications/cancelled") {
    if (!params.is_object() || !params.contains("requestId")) return;
    std::lock_guard lock(calls_mu_);
    if (auto it = calls_.find(call_key(*s, params["requestId"])); it != calls_.end()) {
      it->second->token.cancel(StopReason::kCancelled);
      log::debug("call cancelled by client", {{"id", params["requestId"]}});
    }
    return;
  }
  if (method == "notifications/roots/list_changed") {
    std::lock_guard lock(s->mu_);
    if (s->roots_state_ != Session::Roots::kAsking) s->roots_state_ = Session::Roots::kNotAsked;
    s->roots_.clear();
    return;
  }
  // Other notifications need no action.
}

void Core::handle_response(Session& s, const Json& msg) {
  const Json& id = msg["id"];
  std::lock_guard lock(s.mu_);
  // A late answer (after the wait gave up) still counts: later calls use it.
  if (!id.is_string() || id.get<std::string>() != s.roots_request_id_ ||
      (s.roots_state_ != Session::Roots::kAsking && s.roots_state_ != Session::Roots::kUnanswered))
    return;
  std::vector<std::string> paths;
  if (auto r = msg.find("result");
      r != msg.end() && r->is_object() && r->contains("roots") && (*r)["roots"].is_array()) {
    for (const auto& root : (*r)["roots"]) {
      if (root.is_object() && root.contains("uri") && root["uri"].is_string()) {
        if (auto p = uri_to_path(root["uri"].get<std::string>())) paths.push_back(*p);
      }
    }
  }
  s.roots_ = std::move(paths);
  s.roots_state_ = Session::Roots::kAnswered;
  s.roots_cv_.notify_all();
}

std::vector<std::string> Core::roots(Session& s, Outbound& out, const CancellationToken& token) {
  std::vector<std::string> fallback;
  if (config_.workspace) fallback.push_back(*config_.workspace);
  std::unique_lock lock(s.mu_);
  if (!s.client_has_roots_) return fallback;
  if (s.roots_state_ == Session::Roots::kNotAsked) {
    s.roots_state_ = Session::Roots::kAsking;
    s.roots_request_id_ = "pm-roots-" + std::to_string(s.next_outgoing_id_++);
    // Waited once: past the deadline the client is remembered as one that does not answer.
    s.roots_deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.roots_wait_ms);
    const Json request = {{"jsonrpc", "2.0"}, {"id", s.roots_request_id_}, {"method", "roots/list"}};
    lock.unlock();
    out.send(request);
    lock.lock();
  }
  // Calls that arrive while the question is open share its deadline; the wait wakes in
  // short slices so that a cancelled call or a shutdown does not sit it out.
  while (s.roots_state_ == Session::Roots::kAsking && !token.stop_requested() && !stopping_) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= s.roots_deadline_) {
      s.roots_state_ = Session::Roots::kUnanswered;
      log::warn(
          "client did not answer roots/list; using the configured workspace until it sends "
          "notifications/roots/list_changed");
      break;
    }
    s.roots_cv_.wait_until(lock, std::min(s.roots_deadline_, now + std::chrono::milliseconds(20)));
  }
  if (s.roots_state_ == Session::Roots::kAnswered && !s.roots_.empty()) return s.roots_;
  return fallback;
}

Json Core::on_initialize(Session& s, const Json& params) {
  std::string requested = params.is_object() ? params.value("protocolVersion", std::string()) : std::string();
  const std::string version = negotiate_protocol_version(requested);
  {
    std::lock_guard lock(s.mu_);
    if (params.is_object() && params.contains("capabilities") && params["capabilities"].is_object()) {
      s.client_has_roots_ = params["capabilities"].contains("roots");
    }
    s.protocol_version_ = version;
    s.initialized_ = true;
  }
  log::info("session initialized", {{"protocolVersion", version}, {"clientProtocolVersion", requested}});
  Json capabilities = {{"tools", {{"listChanged", false}}}, {"logging", Json::object()}};
  if (!surface_.prompts.empty()) capabilities["prompts"] = {{"listChanged", false}};
  if (!surface_.resources.empty()) capabilities["resources"] = {{"subscribe", false}, {"listChanged", false}};
  if (has_completions(surface_)) capabilities["completions"] = Json::object();
  return Json{{"protocolVersion", version},
              {"capabilities", std::move(capabilities)},
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

void Core::on_tools_call(const std::shared_ptr<Session>& s, const Json& id, const Json& params,
                         const std::shared_ptr<Outbound>& out) {
  if (!params.is_object() || !params.contains("name") || !params["name"].is_string()) {
    out->send(make_error(id, rpc::kInvalidParams, "Invalid params: tools/call needs \"name\" (string)"));
    return;
  }
  const std::string name = params["name"].get<std::string>();
  auto tool =
      std::find_if(surface_.tools.begin(), surface_.tools.end(), [&](const ToolDef& t) { return t.name == name; });
  if (tool == surface_.tools.end()) {
    out->send(make_error(id, rpc::kInvalidParams, "Unknown tool: " + name));
    return;
  }
  Json args = params.contains("arguments") ? params["arguments"] : Json::object();
  // One bucket per tool, per session when the transport has several (HTTP), so that one
  // client's burst does not limit the others.
  if (auto retry_after = rate_limiter_.acquire(s->id().empty() ? name : s->id() + '\n' + name)) {
    Error e{code::kRateLimited, "Rate limit exceeded for " + name, Severity::kMedium, true};
    e.retry_after_ms = *retry_after;
    e.details = Json{{"tool", name}, {"retryAfterMs", *retry_after}};
    e.suggestions = {"Retry after " + std::to_string(*retry_after) + " ms"};
    const std::string request_id = governance::make_request_id();
    recorder_.record({request_id, name, args, 0, "rate_limited", e.code, nullptr, {}});
    out->send(make_result(id, tool_error_result(*tool, e, request_id, now_iso8601_ms(), config_.environment)));
    return;
  }
  auto call = std::make_shared<Call>();
  call->id = id;
  call->key = call_key(*s, id);
  call->tool = &*tool;
  call->args = std::move(args);
  call->session = s;
  call->out = out;
  if (auto meta = params.find("_meta"); meta != params.end() && meta->is_object()) {
    if (auto tok = meta->find("progressToken"); tok != meta->end() && (tok->is_string() || tok->is_number_integer()))
      call->progress_token = *tok;
  }
  {
    std::lock_guard lock(calls_mu_);
    if (calls_.count(call->key)) {
      out->send(make_error(id, rpc::kInvalidRequest, "Duplicate request id: a call with this id is still running"));
      return;
    }
    if (stopping_) call->token.cancel(StopReason::kShutdown);
    calls_[call->key] = call;
  }
  if (config_.call_timeout_ms > 0) {
    call->timer = executor_.arm(std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.call_timeout_ms),
                                [this, call] { on_timeout(call); });
  }
  if (!executor_.submit([this, call] { run_call(call); })) {
    {
      std::lock_guard lock(calls_mu_);
      calls_.erase(call->key);  // shutting down: the call never runs and is not answered
    }
    out->no_answer(id);
  }
}

void Core::run_call(const std::shared_ptr<Call>& call) {
  Context ctx(*this, *call);
  Json result;
  CallRecord rec{call->request_id, call->tool->name, call->args, 0, "cancelled", std::nullopt, nullptr, {}};
  if (!call->token.stop_requested()) result = run_tool(*call->tool, call->args, ctx, config_.environment, rec);
  call->done = true;
  if (call->timer != 0) executor_.disarm(call->timer);
  {
    std::lock_guard lock(calls_mu_);
    calls_.erase(call->key);
  }
  if (call->answered.exchange(true)) return;  // the watchdog answered TIMEOUT and recorded it
  if (call->token.stop_requested()) {         // cancelled calls get no response
    rec.outcome = "cancelled";
    rec.error_code.reset();
    recorder_.record(rec);
    call->out->no_answer(call->id);
    return;
  }
  recorder_.count(rec);
  call->out->send(make_result(call->id, std::move(result)));
  recorder_.log(rec);
  if (rec.duration_ms >= kTrimAfterMs) executor_.note_heavy_job();
}

void Core::on_timeout(const std::shared_ptr<Call>& call) {
  if (call->answered.exchange(true)) return;
  call->token.cancel(StopReason::kTimeout);  // the handler stops at its next check; its result is dropped
  const Error e = Error::timeout(call->tool->name, config_.call_timeout_ms);
  recorder_.record({call->request_id,
                    call->tool->name,
                    call->args,
                    static_cast<double>(config_.call_timeout_ms),
                    "timeout",
                    e.code,
                    nullptr,
                    {}});
  call->out->send(make_result(
      call->id, tool_error_result(*call->tool, e, call->request_id, now_iso8601_ms(), config_.environment)));
}

Json Core::call_tool_now(const std::string& name, const Json& arguments, std::string* verdict) {
  auto tool =
      std::find_if(surface_.tools.begin(), surface_.tools.end(), [&](const ToolDef& t) { return t.name == name; });
  if (tool == surface_.tools.end()) return nullptr;
  Call call;
  call.tool = &*tool;
  Context ctx(*this, call);
  CallRecord rec{call.request_id, tool->name, arguments, 0, "ok", std::nullopt, nullptr, {}};
  Json result = run_tool(*tool, arguments, ctx, config_.environment, rec);
  recorder_.record(rec);
  if (verdict != nullptr) *verdict = rec.verdict;
  return result;
}

void Core::run_async(const std::shared_ptr<Session>& s, const Json& id, const std::shared_ptr<Outbound>& out,
                     std::function<Json(ToolContext&)> work) {
  auto call = std::make_shared<Call>();
  call->id = id;
  call->session = s;
  call->out = out;
  auto job = [this, call, work = std::move(work)] {
    Context ctx(*this, *call);
    Json answer;
    try {
      answer = work(ctx);
    } catch (const std::exception& e) {
      log::error("unexpected error answering a request", {{"error", e.what()}});
      answer = make_error(call->id, rpc::kInternalError, "Internal error");
    }
    call->done = true;
    call->out->send(answer);
  };
  if (!executor_.submit(std::move(job))) out->no_answer(id);
}

Json Core::get_prompt(const Json& id, const Json& params, ToolContext& ctx) {
  if (!params.is_object() || !params.contains("name") || !params["name"].is_string()) {
    return make_error(id, rpc::kInvalidParams, "Invalid params: prompts/get needs \"name\" (string)");
  }
  const std::string name = params["name"].get<std::string>();
  auto p = std::find_if(surface_.prompts.begin(), surface_.prompts.end(),
                        [&](const PromptDef& d) { return d.name == name; });
  if (p == surface_.prompts.end()) return make_error(id, rpc::kInvalidParams, "Unknown prompt: " + name);
  std::map<std::string, std::string> args;
  if (auto a = params.find("arguments"); a != params.end() && !a->is_null()) {
    if (!a->is_object()) return make_error(id, rpc::kInvalidParams, "Invalid params: \"arguments\" must be an object");
    for (auto it = a->begin(); it != a->end(); ++it) {
      if (!it.value().is_string()) {
        return make_error(id, rpc::kInvalidParams, "Invalid argument '" + it.key() + "': prompt arguments are strings");
      }
      args[it.key()] = it.value().get<std::string>();
    }
  }
  for (const auto& a : p->arguments) {
    if (a.required && (args.count(a.name) == 0 || args[a.name].empty())) {
      return make_error(id, rpc::kInvalidParams, "Missing required argument '" + a.name + "' of prompt " + name);
    }
  }
  auto r = p->get(args, ctx);
  if (!r) return handler_error(id, r.error());
  return make_result(id, std::move(*r));
}

Json Core::list_resources(ToolContext& ctx) {
  Json list = Json::array();
  for (const auto& provider : surface_.resources) {
    if (!provider.list) continue;
    for (const auto& r : provider.list(ctx)) {
      Json d = {{"uri", r.uri}, {"name", r.name}};
      if (!r.title.empty()) d["title"] = r.title;
      if (!r.description.empty()) d["description"] = r.description;
      if (!r.mime_type.empty()) d["mimeType"] = r.mime_type;
      list.push_back(std::move(d));
    }
  }
  return Json{{"resources", std::move(list)}};
}

Json Core::read_resource(const Json& id, const Json& params, ToolContext& ctx) {
  if (!params.is_object() || !params.contains("uri") || !params["uri"].is_string()) {
    return make_error(id, rpc::kInvalidParams, "Invalid params: resources/read needs \"uri\" (string)");
  }
  const std::string uri = params["uri"].get<std::string>();
  for (const auto& provider : surface_.resources) {
    auto r = provider.read(uri, ctx);
    if (r) return make_result(id, Json{{"contents", std::move(*r)}});
    if (r.error().code != kResourceNotFound) return handler_error(id, r.error(), Json{{"uri", uri}});
  }
  return make_error(id, rpc::kResourceNotFound, "Resource not found: " + uri, Json{{"uri", uri}});
}

Json Core::complete(const Json& id, const Json& params, ToolContext& ctx) {
  const Json ref = params.is_object() ? params.value("ref", Json()) : Json();
  const Json argument = params.is_object() ? params.value("argument", Json()) : Json();
  if (!ref.is_object() || !ref.contains("type") || !argument.is_object() || !argument.contains("name") ||
      !argument["name"].is_string()) {
    return make_error(id, rpc::kInvalidParams,
                      "Invalid params: completion/complete needs \"ref\" and \"argument\" {name, value}");
  }
  const std::string arg = argument["name"].get<std::string>();
  const std::string typed = argument.contains("value") && argument["value"].is_string()
                                ? argument["value"].get<std::string>()
                                : std::string();
  const Completer* completer = nullptr;
  bool known = false;
  if (ref["type"] == "ref/prompt" && ref.contains("name") && ref["name"].is_string()) {
    for (const auto& p : surface_.prompts) {
      if (p.name != ref["name"]) continue;
      known =
          std::any_of(p.arguments.begin(), p.arguments.end(), [&](const PromptArgument& a) { return a.name == arg; });
      completer = &p.complete;
    }
    if (!known) return make_error(id, rpc::kInvalidParams, "Unknown prompt or argument: " + dump_line(ref) + " " + arg);
  } else if (ref["type"] == "ref/resource" && ref.contains("uri") && ref["uri"].is_string()) {
    for (const auto& provider : surface_.resources) {
      for (const auto& t : provider.templates) {
        if (t.uri_template != ref["uri"]) continue;
        known = t.uri_template.find("{" + arg + "}") != std::string::npos;
        completer = &t.complete;
      }
    }
    if (!known) return make_error(id, rpc::kInvalidParams, "Unknown resource template or variable: " + dump_line(ref));
  } else {
    return make_error(id, rpc::kInvalidParams, "Invalid params: ref.type must be ref/prompt or ref/resource");
  }
  std::vector<std::string> values;
  if (completer != nullptr && *completer) {
    auto lower = [](std::string v) {
      std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
      return v;
    };
    const std::string prefix = lower(typed);
    for (auto& v : (*completer)(arg, ctx)) {
      if (lower(v).compare(0, prefix.size(), prefix) == 0) values.push_back(std::move(v));
    }
  }
  constexpr std::size_t kMaxValues = 100;  // the specification's limit per answer
  const std::size_t total = values.size();
  if (values.size() > kMaxValues) values.resize(kMaxValues);
  return make_result(id, Json{{"completion", {{"values", values}, {"total", total}, {"hasMore", total > kMaxValues}}}});
}

}  // namespace pm::mcp
