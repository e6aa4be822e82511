// `serve --http ADDR`: the same protocol core and tools as stdio, behind the Streamable HTTP
// transport, for a team. The network layer is a shared object opened here and nowhere else.
#include <signal.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <future>
#include <optional>
#include <thread>

#include "auth/resource_server.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "http/module.hpp"
#include "http/streamable.hpp"
#include "mcp/core.hpp"
#include "mcp/executor.hpp"
#include "mcp/recorder.hpp"
#include "tools/registry.hpp"
#include "util/log.hpp"
#include "util/memory.hpp"

namespace pm::cli {
namespace {

struct Address {
  std::string host;
  std::string port;
};

// "127.0.0.1:8080", "[::1]:8080", "localhost:8080", "8080" (loopback).
std::optional<Address> parse_address(const std::string& text) {
  Address a;
  if (text.find_first_not_of("0123456789") == std::string::npos) {
    a = {"127.0.0.1", text};
  } else if (!text.empty() && text.front() == '[') {
    const auto close = text.find("]:");
    if (close == std::string::npos) return std::nullopt;
    a = {text.substr(1, close - 1), text.substr(close + 2)};
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || text.find(':') != colon) return std::nullopt;
    a = {text.substr(0, colon), text.substr(colon + 1)};
  }
  if (a.host == "localhost") a.host = "127.0.0.1";
  if (a.host.empty() || a.port.empty() || a.port.find_first_not_of("0123456789") != std::string::npos ||
      a.port.size() > 5 || std::stoul(a.port) > 65535)
    return std::nullopt;
  return a;
}

}  // namespace

int run_serve_http(const Config& config, const HttpServeOptions& options) {
  const auto address = parse_address(options.address);
  if (!address) {
    print_err("phase-mirror-mcp serve: --http '" + options.address +
              "' is not an address (expected HOST:PORT, [IPv6]:PORT or PORT)");
    return kExitUsage;
  }
  std::shared_ptr<auth::ResourceServer> resource_server;
  if (!options.auth_config.empty()) {
    auto auth_config = auth::load_auth_config(options.auth_config);
    if (!auth_config) {
      print_err("phase-mirror-mcp serve: " + auth_config.error().message);
      return kExitUsage;
    }
    const auth::SignatureChecker* checker = nullptr;
    if (auth_config->jwt) {
      auto loaded = http::signature_checker();
      if (!loaded) {
        print_err("phase-mirror-mcp serve: " + loaded.error().message);
        return kExitFailure;
      }
      checker = *loaded;
    }
    resource_server = std::make_shared<auth::ResourceServer>(std::move(*auth_config), checker);
  }
  if (!http::is_loopback_host(address->host) && !options.allow_unauthenticated && !resource_server) {
    print_err("phase-mirror-mcp serve: refusing to listen on " + options.address +
              " without authentication: anyone who can reach it could use the server. Listen on loopback "
              "(127.0.0.1), configure tokens with --auth-config, or pass --allow-unauthenticated when a proxy in "
              "front of it authenticates clients");
    return kExitUsage;
  }
  // An arena per worker and one for the event loop: one shared arena's lock halved the
  // throughput of 32 clients' small calls (docs/PERFORMANCE.md).
  configure_allocator(static_cast<int>(config.workers) + 1);

  // Signals are taken by this thread alone (sigwait below): every thread started from here
  // on inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  (void)std::signal(SIGPIPE, SIG_IGN);  // cannot fail: SIG_ERR is only for an invalid signal
  if (resource_server) {
    // After the mask: the JWKS refresher thread must not take SIGTERM.
    if (auto started = resource_server->start(); !started) {
      print_err("phase-mirror-mcp serve: " + started.error().message);
      return kExitUsage;
    }
  }

  mcp::Metrics metrics;
  store::Services stores(config);
  tools::Runtime runtime{config, metrics, {}};
  runtime.stores = &stores;
  mcp::CallLog recorder(metrics, config.metrics_emf);
  mcp::Executor executor(config.workers);
  mcp::Core core(config, tools::build_surface(runtime), executor, recorder);

  http::TransportOptions topts;
  topts.allowed_hosts = http::default_allowed_hosts(address->host);
  for (const auto& h : options.allowed_hosts) topts.allowed_hosts.push_back(h);
  topts.allowed_origins = http::default_allowed_origins();
  for (const auto& o : options.allowed_origins) topts.allowed_origins.push_back(o);
  for (auto* list : {&topts.allowed_hosts, &topts.allowed_origins}) {
    for (auto& v : *list) {
      for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  topts.max_sessions = options.max_sessions;
  topts.session_idle = std::chrono::milliseconds(static_cast<long long>(options.session_idle_seconds * 1000));
  topts.session_rate = options.session_rate;
  topts.session_burst = options.session_rate * 2;
  topts.auth = resource_server;
  http::StreamableHttp transport(core, topts, [&stores, &resource_server]() -> std::optional<std::string> {
    // Ready once the stores the tools need can be opened, and tokens can be checked.
    if (resource_server) {
      if (auto why = resource_server->not_ready()) return why;
    }
    if (auto fp = stores.fp_store(); !fp) return "false-positive store: " + fp.error().message;
    if (auto consent = stores.consent_store(); !consent) return "consent store: " + consent.error().message;
    return std::nullopt;
  });

  http::ListenOptions lopts;
  lopts.host = address->host;
  lopts.port = address->port;
  lopts.max_body_bytes = options.max_body_bytes;
  lopts.too_large_body = dump_line(
      mcp::make_error(nullptr, mcp::rpc::kInvalidRequest,
                      "Request body exceeds the limit of " + std::to_string(options.max_body_bytes) + " bytes"));
  lopts.bad_request_body = dump_line(mcp::make_error(nullptr, mcp::rpc::kInvalidRequest, "Malformed HTTP request"));
  lopts.overloaded_body =
      dump_line(mcp::make_error(nullptr, mcp::rpc::kInvalidRequest, "Service unavailable: too many connections"));
  auto listener = http::open_listener(lopts, transport);
  if (!listener) {
    print_err("phase-mirror-mcp serve: " + listener.error().message);
    return kExitFailure;
  }
  auto done = std::make_shared<std::promise<void>>();
  auto finished = done->get_future();
  std::thread io([&l = **listener, done] {
    l.run();
    done->set_value();
  });
  log::raw_line("Phase Mirror MCP Server listening on http://" + (*listener)->local_address() + topts.endpoint);

  int sig = 0;
  while (sigwait(&signals, &sig) != 0) {
  }
  // Drain: no new sessions or calls (readiness fails, so a load balancer moves traffic away),
  // the running calls finish or are cancelled after the drain timeout, then the streams end.
  log::info("signal received; draining", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
  transport.start_draining();
  (*listener)->stop_accepting();
  const auto drain = std::chrono::milliseconds(static_cast<long long>(options.drain_seconds * 1000));
  bool stopped = true;
  if (!executor.wait_idle(drain)) {
    log::warn("drain timeout over; cancelling the calls still running");
    core.stop();
    stopped = executor.stop(std::chrono::milliseconds(config.shutdown_grace_ms));
  }
  transport.close_all();
  (*listener)->stop();
  if (finished.wait_for(std::chrono::seconds(5)) != std::future_status::ready || !stopped) {
    // A call ignored its cancellation, or a connection would not close: the threads still
    // use what this frame owns, so end the process here. Answers already written are sent;
    // stores commit per write.
    log::warn("exiting without waiting for a call or connection that did not stop");
    (void)std::fflush(stderr);
    ::_exit(0);
  }
  io.join();
  core.stop();
  (void)executor.stop(std::chrono::milliseconds(config.shutdown_grace_ms));
  log::info("drained; exiting");
  return 0;
}

}  // namespace pm::cli
