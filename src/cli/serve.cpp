#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>

#include "cli/commands.hpp"
#include "mcp/server.hpp"
#include "mcp/transport.hpp"
#include "tools/registry.hpp"
#include "util/log.hpp"
#include "util/memory.hpp"

namespace pm::cli {
namespace {

mcp::StdioTransport* g_transport = nullptr;
volatile sig_atomic_t g_signalled = 0;

void on_signal(int) {
  g_signalled = 1;
  if (g_transport != nullptr) g_transport->interrupt();  // async-signal-safe (write to a pipe)
}

}  // namespace

int run_serve(const Config& config) {
  configure_allocator();  // one arena, large buffers kept while busy (util/memory.cpp)
  mcp::StdioTransport transport;
  g_transport = &transport;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  mcp::Metrics metrics;
  store::Services stores(config);
  tools::Runtime runtime{config, metrics, {}};
  runtime.stores = &stores;
  mcp::Server server(
      config, metrics, tools::build_surface(runtime), [&transport](const Json& m) { return transport.send(m); },
      config.workers);
  log::set_forwarder(
      [&transport](log::Level l, const Json& record) {
        transport.send(Json{{"jsonrpc", "2.0"},
                            {"method", "notifications/message"},
                            {"params", {{"level", log::level_name(l)}, {"logger", "phase-mirror"}, {"data", record}}}});
      },
      log::Level::kWarning);
  log::raw_line("Phase Mirror MCP Server running on stdio");

  const auto grace = std::chrono::milliseconds(config.shutdown_grace_ms);
  bool stopped = false;
  std::string line;
  for (;;) {
    auto status = transport.read_line(line);
    if (status == mcp::StdioTransport::ReadStatus::kLine) {
      server.handle_line(line);
      // The message is parsed and handed on: a huge one's bytes go back now, before the
      // idle trim that follows it, not when the next message arrives.
      if (line.capacity() > mcp::StdioTransport::kKeepCapacity) std::string().swap(line);
    } else if (status == mcp::StdioTransport::ReadStatus::kTooLong) {
      server.reject_oversized_line(mcp::StdioTransport::kMaxLineBytes);
    } else if (status == mcp::StdioTransport::ReadStatus::kInterrupted) {
      if (g_signalled) {
        log::info("signal received; cancelling in-flight calls and exiting");
        stopped = server.cancel_all_and_stop(grace);
        break;
      }
    } else {  // EOF: let in-flight work finish, then exit
      stopped = server.drain(std::chrono::seconds(30), grace);
      break;
    }
  }
  log::set_forwarder(nullptr, log::Level::kEmergency);
  if (!stopped) {
    // A call ignored its cancellation past the grace: its thread still uses the server,
    // so end the process here instead of destroying what it uses. Every answer written
    // so far is on the pipe; stores commit per write, so nothing acknowledged is lost.
    log::warn("a call did not stop within the shutdown grace; exiting without waiting for it",
              {{"graceMs", config.shutdown_grace_ms}});
    (void)std::fflush(stderr);
    ::_exit(0);
  }
  g_transport = nullptr;
  return 0;
}

void define_serve(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("serve",
                                 "Run the MCP server on stdio (the default; JSON-RPC on stdin/stdout, logs on stderr), "
                                 "or on Streamable HTTP with --http");
  auto json = std::make_shared<bool>(false);
  auto http = std::make_shared<HttpServeOptions>();
  cmd->add_flag("--json", *json, "Write the logs as JSON lines (as LOG_FORMAT=json)");
  auto* address = cmd->add_option("--http", http->address,
                                  "Serve MCP Streamable HTTP on ADDR (127.0.0.1:8080, [::1]:8080, or a port for "
                                  "loopback) at /mcp, with /healthz and /readyz, instead of stdio")
                      ->type_name("ADDR");
  cmd->add_flag("--allow-unauthenticated", http->allow_unauthenticated,
                "Listen on a non-loopback address although no authentication is configured")
      ->needs(address);
  cmd->add_option("--auth-config", http->auth_config,
                  "Require Bearer tokens as set in FILE (resource URI, tokens, scopes; docs/DEPLOYMENT.md)")
      ->type_name("FILE")
      ->needs(address);
  cmd->add_option("--allowed-origin", http->allowed_origins,
                  "A browser Origin allowed besides loopback ones (scheme://host[:port]; repeatable)")
      ->type_name("ORIGIN")
      ->needs(address);
  cmd->add_option("--allowed-host", http->allowed_hosts,
                  "A Host name the server answers to besides loopback names and the bound address (repeatable)")
      ->type_name("HOST")
      ->needs(address);
  cmd->add_option("--max-body-bytes", http->max_body_bytes, "Largest request body accepted (default 4194304)")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30))
      ->needs(address);
  cmd->add_option("--max-sessions", http->max_sessions, "Sessions open at once (default 10000)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}))
      ->needs(address);
  cmd->add_option("--session-idle-timeout", http->session_idle_seconds,
                  "Seconds without a request or an open stream after which a session ends (default 1800)")
      ->check(CLI::Range(0.1, 604800.0))
      ->needs(address);
  cmd->add_option("--session-rate-limit", http->session_rate,
                  "Requests per second per session, bursts of twice that (default 50; 0 turns it off)")
      ->check(CLI::Range(0.0, 1e6))
      ->needs(address);
  cmd->add_option("--token-rate-limit", http->token_rate,
                  "Requests per second per token of --auth-config across its sessions, bursts of twice that "
                  "(default 100; 0 turns it off)")
      ->check(CLI::Range(0.0, 1e6))
      ->needs(address);
  cmd->add_option("--drain-timeout", http->drain_seconds,
                  "On SIGTERM, seconds to let running calls finish before they are cancelled (default 30)")
      ->check(CLI::Range(0.0, 3600.0))
      ->needs(address);
  auto* stateless =
      cmd->add_flag("--stateless", http->stateless,
                    "Keep no session table: the session id is signed with the replicas' shared key, so that any "
                    "replica answers any request (no GET streams; docs/DEPLOYMENT.md)")
          ->needs(address);
  cmd->add_option("--session-key-file", http->session_key_file,
                  "The shared key(s) that sign stateless session ids, the first signing (default: "
                  "PHASE_MIRROR_SESSION_KEY)")
      ->type_name("FILE")
      ->needs(stateless);
  cmd->add_option("--session-lifetime", http->session_lifetime_seconds,
                  "Seconds a stateless session id is accepted after initialize (default 86400)")
      ->check(CLI::Range(1.0, 31536000.0))
      ->needs(stateless);
  cmd->callback([&action, json, http] {
    action = [json, http](const Config& config) {
      Config c = config;
      if (*json) {
        c.log_format = log::Format::kJson;
        log::configure(c.log_level_value, c.log_format);
      }
      return http->address.empty() ? run_serve(c) : run_serve_http(c, *http);
    };
  });
}

}  // namespace pm::cli
