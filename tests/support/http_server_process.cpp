#include "support/http_server_process.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <stdexcept>

namespace pm::test {

namespace {

std::vector<std::string> serve_args(std::vector<std::string> extra) {
  std::vector<std::string> a = {"serve", "--http", "127.0.0.1:0"};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

}  // namespace

HttpServerProcess::HttpServerProcess(std::vector<std::string> extra_args, std::vector<std::string> env, Binary binary)
    : process_(serve_args(std::move(extra_args)), std::move(env), "", binary) {
  const std::string err = process_.wait_stderr("/mcp\n");
  std::smatch m;
  if (!std::regex_search(err, m, std::regex(R"(listening on http://127\.0\.0\.1:(\d+)/mcp)")))
    throw std::runtime_error("no listening banner; stderr: " + err);
  port_ = std::stoi(m[1]);
}

Headers HttpServerProcess::post_headers(const std::string& session, const std::string& token) const {
  Headers h = {{"Content-Type", "application/json"}, {"Accept", "application/json, text/event-stream"}};
  if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
  if (!session.empty()) {
    h.emplace_back("Mcp-Session-Id", session);
    h.emplace_back("MCP-Protocol-Version", version_);
  }
  return h;
}

HttpResponse HttpServerProcess::post(const Json& msg, const std::string& session, const std::string& token,
                                     const Headers& extra) const {
  Headers h = post_headers(session, token);
  h.insert(h.end(), extra.begin(), extra.end());
  return http_request(port_, "POST", "/mcp", h, dump_line(msg));
}

HttpResponse HttpServerProcess::initialize(const std::string& token, Json capabilities) const {
  return post({{"jsonrpc", "2.0"},
               {"id", 1},
               {"method", "initialize"},
               {"params",
                {{"protocolVersion", version_},
                 {"capabilities", std::move(capabilities)},
                 {"clientInfo", {{"name", "http-test"}, {"version", "1"}}}}}},
              {}, token);
}

std::string HttpServerProcess::open_session(const std::string& token) const {
  const HttpResponse r = initialize(token);
  EXPECT_EQ(r.status, 200) << r.body;
  const std::string sid = r.header("mcp-session-id");
  EXPECT_EQ(post({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}, sid, token).status, 202);
  return sid;
}

bool HttpServerProcess::ready() const {
  return http_request(port_, "GET", "/readyz", {}).status == 200;
}

}  // namespace pm::test
