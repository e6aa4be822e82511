// The server driven in-process through handle_line with a capturing sender.
#include "mcp/server.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace pm::mcp {
namespace {

class Capture {
 public:
  bool operator()(const Json& m) {
    std::lock_guard lock(mu_);
    messages_.push_back(m);
    cv_.notify_all();
    return true;
  }
  // Waits for a message matching pred.
  std::optional<Json> wait(const std::function<bool(const Json&)>& pred,
                           std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mu_);
    std::optional<Json> found;
    cv_.wait_for(lock, timeout, [&] {
      for (const auto& m : messages_) {
        if (pred(m)) {
          found = m;
          return true;
        }
      }
      return false;
    });
    return found;
  }
  std::optional<Json> response(const Json& id) {
    return wait([&](const Json& m) { return m.contains("id") && m["id"] == id && !m.contains("method"); });
  }
  std::size_t count(const std::function<bool(const Json&)>& pred) {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    for (const auto& m : messages_) n += pred(m);
    return n;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Json> messages_;
};

ToolDef echo_tool() {
  ToolDef t;
  t.name = "echo";
  t.title = "Echo";
  t.description = "Echoes";
  t.input_schema = Json::parse(R"({"type":"object","properties":{"text":{"type":"string"}},"required":["text"]})");
  t.tier = ToolTier::kAuthoritative;
  t.handler = [](const Json& a, ToolContext&) -> ToolResult {
    ToolOutput o;
    o.payload = Json{{"text", a["text"]}};
    o.decision = "pass";
    return o;
  };
  return t;
}

ToolDef throwing_tool() {
  ToolDef t = echo_tool();
  t.name = "boom";
  t.input_schema = Json{{"type", "object"}};
  t.handler = [](const Json&, ToolContext&) -> ToolResult { throw std::runtime_error("secret internal detail"); };
  return t;
}

ToolDef slow_tool(std::atomic<bool>& saw_cancel) {
  ToolDef t = echo_tool();
  t.name = "slow";
  t.input_schema = Json{{"type", "object"}};
  t.handler = [&saw_cancel](const Json&, ToolContext& ctx) -> ToolResult {
    for (int i = 1; i <= 300 && !ctx.cancelled(); ++i) {
      ctx.progress(i, 300, "");
      ctx.progress(i, 300, "");  // repeated values must be dropped
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    saw_cancel = ctx.cancelled();
    return ToolOutput{};
  };
  return t;
}

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() {
    config_.environment = Environment::kLocal;
    server_ = std::make_unique<Server>(config_, metrics_,
                                       std::vector<ToolDef>{echo_tool(), throwing_tool(), slow_tool(saw_cancel_)},
                                       [this](const Json& m) { return capture_(m); });
  }
  void send(const Json& m) { server_->handle_line(dump_line(m)); }
  void init() {
    send({{"jsonrpc", "2.0"}, {"id", 0}, {"method", "initialize"}, {"params", {{"protocolVersion", "2025-11-25"}}}});
    ASSERT_TRUE(capture_.response(0));
    send({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
  }
  Json call(const Json& id, const std::string& tool, const Json& args) {
    send({{"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/call"}, {"params", {{"name", tool}, {"arguments", args}}}});
    auto r = capture_.response(id);
    return r ? *r : Json();
  }

  Config config_;
  Metrics metrics_;
  Capture capture_;
  std::atomic<bool> saw_cancel_{false};
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, VersionNegotiation) {
  for (const std::string v : {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"}) {
    Config c;
    Metrics m;
    Capture cap;
    Server s(c, m, std::vector<ToolDef>{}, [&](const Json& j) { return cap(j); });
    s.handle_line(
        dump_line({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"}, {"params", {{"protocolVersion", v}}}}));
    EXPECT_EQ((*cap.response(1))["result"]["protocolVersion"], v);
  }
  send({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"}, {"params", {{"protocolVersion", "1999-01-01"}}}});
  auto r = capture_.response(1);
  EXPECT_EQ((*r)["result"]["protocolVersion"], "2025-11-25");
  EXPECT_TRUE((*r)["result"]["capabilities"].contains("tools"));
  EXPECT_TRUE((*r)["result"]["capabilities"].contains("logging"));
}

TEST_F(ServerTest, RequestsBeforeInitializeAreRejectedButPingIsAnswered) {
  send({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/list"}});
  auto r = capture_.response(1);
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["error"]["code"], rpc::kServerNotInitialized);
  EXPECT_NE((*r)["error"]["message"].get<std::string>().find("initialize"), std::string::npos);
  send({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "ping"}});
  EXPECT_EQ((*capture_.response(2))["result"], Json::object());
}

TEST_F(ServerTest, MalformedAndInvalidMessages) {
  server_->handle_line("{not json");
  auto parse = capture_.wait([](const Json& m) { return m.contains("error") && m["error"]["code"] == -32700; });
  ASSERT_TRUE(parse);
  EXPECT_TRUE((*parse)["id"].is_null());
  server_->handle_line("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]");
  EXPECT_TRUE(capture_.wait([](const Json& m) {
    return m.contains("error") && m["error"]["code"] == -32600 &&
           m["error"]["message"].get<std::string>().find("Batch") != std::string::npos;
  }));
  send({{"jsonrpc", "1.0"}, {"id", 7}, {"method", "ping"}});
  EXPECT_EQ((*capture_.response(7))["error"]["code"], -32600);
  init();
  send({{"jsonrpc", "2.0"}, {"id", 8}, {"method", "resources/list"}});
  EXPECT_EQ((*capture_.response(8))["error"]["code"], -32601);
  // Notifications are never answered, even unknown ones.
  const auto before = capture_.count([](const Json&) { return true; });
  send({{"jsonrpc", "2.0"}, {"method", "notifications/whatever"}});
  EXPECT_EQ(capture_.count([](const Json&) { return true; }), before);
}

TEST_F(ServerTest, ToolsListDescribesEveryTool) {
  init();
  send({{"jsonrpc", "2.0"}, {"id", "l"}, {"method", "tools/list"}});
  auto r = capture_.response("l");
  const Json& tools = (*r)["result"]["tools"];
  ASSERT_EQ(tools.size(), 3u);
  for (const auto& t : tools) {
    EXPECT_TRUE(t.contains("title"));
    EXPECT_EQ(t["inputSchema"]["type"], "object");
    EXPECT_EQ(t["outputSchema"]["type"], "object");
    EXPECT_TRUE(t["annotations"].is_object());
  }
  send({{"jsonrpc", "2.0"}, {"id", "c"}, {"method", "tools/list"}, {"params", {{"cursor", "zzz"}}}});
  EXPECT_EQ((*capture_.response("c"))["error"]["code"], -32602);
}

TEST_F(ServerTest, ResultCarriesEnvelopeAndTextCopy) {
  init();
  Json r = call(5, "echo", {{"text", "hi"}});
  const Json& result = r["result"];
  EXPECT_EQ(result["structuredContent"]["success"], true);
  EXPECT_EQ(result["structuredContent"]["data"]["text"], "hi");
  EXPECT_EQ(result["structuredContent"]["decision"], "pass");
  EXPECT_EQ(result["content"][0]["type"], "text");
  EXPECT_EQ(parse_or_discard(result["content"][0]["text"].get<std::string>()), result["structuredContent"]);
  EXPECT_EQ(result["isError"], false);  // local authoritative: floor sets false, MCP agrees
}

TEST_F(ServerTest, SchemaFailureIsAToolErrorWithPointers) {
  init();
  Json r = call(6, "echo", {{"text", 5}});
  const Json& sc = r["result"]["structuredContent"];
  EXPECT_EQ(r["result"]["isError"], true);
  EXPECT_EQ(sc["isError"], true);
  EXPECT_EQ(sc["code"], "INVALID_INPUT");
  EXPECT_EQ(sc["data"]["details"]["validationErrors"][0]["path"], "/text");
  EXPECT_EQ(sc["data"]["details"]["validationErrors"][0]["keyword"], "type");
  EXPECT_EQ(sc["data"]["retryable"], false);
  Json none = call(61, "echo", nullptr);
  EXPECT_EQ(none["result"]["structuredContent"]["data"]["details"]["validationErrors"][0]["path"], "");
}

TEST_F(ServerTest, UnknownToolIsAProtocolError) {
  init();
  Json r = call(9, "nope", Json::object());
  EXPECT_EQ(r["error"]["code"], -32602);
  EXPECT_EQ(r["error"]["message"], "Unknown tool: nope");
}

TEST_F(ServerTest, ExceptionsBecomeExecutionFailedWithoutInternals) {
  init();
  Json r = call(10, "boom", Json::object());
  const Json& sc = r["result"]["structuredContent"];
  EXPECT_EQ(sc["code"], "EXECUTION_FAILED");
  EXPECT_EQ(dump_line(r).find("secret internal detail"), std::string::npos);
  EXPECT_EQ(r["result"]["isError"], true);
}

TEST_F(ServerTest, PingIsAnsweredWhileAToolRunsAndCancelledCallsGetNoResponse) {
  init();
  send({{"jsonrpc", "2.0"},
        {"id", "slow"},
        {"method", "tools/call"},
        {"params", {{"name", "slow"}, {"arguments", Json::object()}, {"_meta", {{"progressToken", "tok"}}}}}});
  ASSERT_TRUE(capture_.wait([](const Json& m) { return m.value("method", "") == "notifications/progress"; }));
  send({{"jsonrpc", "2.0"}, {"id", "p"}, {"method", "ping"}});
  EXPECT_TRUE(capture_.response("p"));
  EXPECT_EQ(call("e", "echo", {{"text", "during"}})["result"]["structuredContent"]["data"]["text"], "during");
  send({{"jsonrpc", "2.0"},
        {"method", "notifications/cancelled"},
        {"params", {{"requestId", "slow"}, {"reason", "x"}}}});
  for (int i = 0; i < 200 && !saw_cancel_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(saw_cancel_);
  server_->drain(std::chrono::seconds(5));
  EXPECT_EQ(capture_.count([](const Json& m) { return m.contains("id") && m["id"] == "slow"; }), 0u);
  // Progress values strictly increase and carry the token.
  double last = 0;
  std::size_t n = 0;
  capture_.count([&](const Json& m) {
    if (m.value("method", "") != "notifications/progress") return false;
    EXPECT_EQ(m["params"]["progressToken"], "tok");
    EXPECT_GT(m["params"]["progress"].get<double>(), last);
    last = m["params"]["progress"].get<double>();
    ++n;
    return true;
  });
  EXPECT_GT(n, 0u);
}

TEST_F(ServerTest, LoggingSetLevel) {
  init();
  send({{"jsonrpc", "2.0"}, {"id", 11}, {"method", "logging/setLevel"}, {"params", {{"level", "debug"}}}});
  EXPECT_EQ((*capture_.response(11))["result"], Json::object());
  send({{"jsonrpc", "2.0"}, {"id", 12}, {"method", "logging/setLevel"}, {"params", {{"level", "loud"}}}});
  EXPECT_EQ((*capture_.response(12))["error"]["code"], -32602);
}

TEST_F(ServerTest, MetricsCountCallsAndErrors) {
  init();
  call(20, "echo", {{"text", "a"}});
  call(21, "echo", {{"text", 1}});
  Json snap = metrics_.snapshot();
  EXPECT_EQ(snap["tools"]["echo"]["calls"], 2);
  EXPECT_EQ(snap["tools"]["echo"]["errors"], 1);
  EXPECT_TRUE(snap["tools"]["echo"]["latencyMs"].contains("p99"));
}

TEST_F(ServerTest, DuplicateInFlightIdIsRejected) {
  init();
  send({{"jsonrpc", "2.0"},
        {"id", "d"},
        {"method", "tools/call"},
        {"params", {{"name", "slow"}, {"arguments", Json::object()}}}});
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  send({{"jsonrpc", "2.0"},
        {"id", "d"},
        {"method", "tools/call"},
        {"params", {{"name", "echo"}, {"arguments", {{"text", "x"}}}}}});
  EXPECT_TRUE(capture_.wait([](const Json& m) { return m.contains("error") && m["id"] == "d"; }));
  send({{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", "d"}}}});
}

}  // namespace
}  // namespace pm::mcp

namespace pm::mcp {
namespace {

TEST(RateLimiterTest, BurstThenRefill) {
  RateLimiter rl(2.0, 3.0);
  const auto t0 = RateLimiter::Clock::now();
  EXPECT_FALSE(rl.acquire("a", t0));
  EXPECT_FALSE(rl.acquire("a", t0));
  EXPECT_FALSE(rl.acquire("a", t0));
  auto wait = rl.acquire("a", t0);
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 500);              // one token at 2/s
  EXPECT_FALSE(rl.acquire("b", t0));  // buckets are per tool
  EXPECT_FALSE(rl.acquire("a", t0 + std::chrono::milliseconds(500)));
  EXPECT_TRUE(rl.acquire("a", t0 + std::chrono::milliseconds(500)));
  RateLimiter off(0, 1);
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(off.acquire("x", t0));
}

TEST(ServerLimits, OverTheLimitAnswersRateLimitedWithRetryAfter) {
  Config c;
  c.rate_limit_per_sec = 0.5;
  c.rate_burst = 2;
  Metrics m;
  Capture cap;
  Server s(c, m, {echo_tool()}, [&](const Json& j) { return cap(j); });
  s.handle_line(dump_line({{"jsonrpc", "2.0"}, {"id", 0}, {"method", "initialize"}, {"params", Json::object()}}));
  for (int i = 1; i <= 3; ++i) {
    s.handle_line(dump_line({{"jsonrpc", "2.0"},
                             {"id", i},
                             {"method", "tools/call"},
                             {"params", {{"name", "echo"}, {"arguments", {{"text", "x"}}}}}}));
  }
  EXPECT_EQ((*cap.response(1))["result"]["structuredContent"]["success"], true);
  EXPECT_EQ((*cap.response(2))["result"]["structuredContent"]["success"], true);
  Json limited = (*cap.response(3))["result"];
  EXPECT_EQ(limited["isError"], true);
  EXPECT_EQ(limited["structuredContent"]["code"], "RATE_LIMITED");
  EXPECT_EQ(limited["structuredContent"]["data"]["retryable"], true);
  EXPECT_GT(limited["structuredContent"]["data"]["retryAfterMs"].get<long long>(), 0);
  // ping and tools/list are never limited
  for (int i = 0; i < 10; ++i) {
    s.handle_line(dump_line({{"jsonrpc", "2.0"}, {"id", "p" + std::to_string(i)}, {"method", "ping"}}));
    EXPECT_TRUE(cap.response("p" + std::to_string(i)));
  }
}

TEST(ServerLimits, CallPastItsDeadlineAnswersTimeoutAndServerStaysResponsive) {
  Config c;
  c.call_timeout_ms = 100;
  Metrics m;
  Capture cap;
  std::atomic<bool> saw_cancel{false};
  Server s(c, m, {echo_tool(), slow_tool(saw_cancel)}, [&](const Json& j) { return cap(j); });
  s.handle_line(dump_line({{"jsonrpc", "2.0"}, {"id", 0}, {"method", "initialize"}, {"params", Json::object()}}));
  s.handle_line(dump_line({{"jsonrpc", "2.0"},
                           {"id", "t"},
                           {"method", "tools/call"},
                           {"params", {{"name", "slow"}, {"arguments", Json::object()}}}}));
  auto r = cap.response("t");
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["result"]["isError"], true);
  EXPECT_EQ((*r)["result"]["structuredContent"]["code"], "TIMEOUT");
  EXPECT_EQ((*r)["result"]["structuredContent"]["data"]["retryable"], true);
  s.handle_line(dump_line({{"jsonrpc", "2.0"}, {"id", "p"}, {"method", "ping"}}));
  EXPECT_TRUE(cap.response("p"));
  s.drain(std::chrono::seconds(5));
  EXPECT_TRUE(saw_cancel);
  EXPECT_EQ(cap.count([](const Json& j) { return j.contains("id") && j["id"] == "t"; }), 1u);  // answered once
}

}  // namespace
}  // namespace pm::mcp

namespace pm::mcp {
namespace {

// One token per call, set by whoever stops it, with the reason.
TEST(CancellationToken, TimeoutCancelAndShutdownEachSetTheCallsTokenWithTheirReason) {
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, StopReason> seen;
  ToolDef waiter = echo_tool();
  waiter.name = "waiter";
  waiter.input_schema = Json{{"type", "object"}};
  waiter.handler = [&](const Json& a, ToolContext& ctx) -> ToolResult {
    while (!ctx.cancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::lock_guard lock(mu);
    seen[a.value("tag", "")] = ctx.cancellation().reason();
    cv.notify_all();
    return ToolOutput{};
  };
  auto wait_seen = [&](const std::string& tag) {
    std::unique_lock lock(mu);
    cv.wait_for(lock, std::chrono::seconds(5), [&] { return seen.count(tag) != 0; });
    return seen.count(tag) ? seen[tag] : StopReason::kNone;
  };
  Config c;
  c.call_timeout_ms = 150;
  Metrics m;
  Capture cap;
  Server s(c, m, {waiter}, [&](const Json& j) { return cap(j); });
  auto call = [&](const std::string& id) {
    s.handle_line(dump_line({{"jsonrpc", "2.0"},
                             {"id", id},
                             {"method", "tools/call"},
                             {"params", {{"name", "waiter"}, {"arguments", {{"tag", id}}}}}}));
  };
  s.handle_line(dump_line({{"jsonrpc", "2.0"}, {"id", 0}, {"method", "initialize"}, {"params", Json::object()}}));
  call("timeout");
  EXPECT_EQ(wait_seen("timeout"), StopReason::kTimeout);
  EXPECT_EQ((*cap.response("timeout"))["result"]["structuredContent"]["code"], "TIMEOUT");

  c.call_timeout_ms = 0;  // read per call: the next two run without a deadline
  call("cancel");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  s.handle_line(
      dump_line({{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", "cancel"}}}}));
  EXPECT_EQ(wait_seen("cancel"), StopReason::kCancelled);

  call("shutdown");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(s.cancel_all_and_stop(std::chrono::seconds(5)));
  EXPECT_EQ(wait_seen("shutdown"), StopReason::kShutdown);
  EXPECT_EQ(cap.count([](const Json& j) { return j.contains("id") && (j["id"] == "cancel" || j["id"] == "shutdown"); }),
            0u);
}

}  // namespace
}  // namespace pm::mcp
