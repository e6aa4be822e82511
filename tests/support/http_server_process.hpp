#pragma once
// The real binary as `serve --http 127.0.0.1:0 …` for the tests of the HTTP transport: started
// on a free loopback port (read from its listening banner), with the requests an MCP client
// sends over Streamable HTTP (headers, initialize, the session id).
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace pm::test {

class HttpServerProcess {
 public:
  // `serve --http 127.0.0.1:0` followed by `extra_args`; waits for the listening banner and
  // throws with the server's stderr when it does not come.
  HttpServerProcess(std::vector<std::string> extra_args, std::vector<std::string> env,
                    Binary binary = Binary::kRelease);

  int port() const { return port_; }
  ServerProcess& process() { return process_; }
  // The MCP-Protocol-Version sent with a session's requests and in initialize.
  void set_protocol_version(std::string version) { version_ = std::move(version); }

  // The headers of a POST: JSON, both accepted answer types, the bearer token (when given),
  // and with a session its id and the protocol version.
  Headers post_headers(const std::string& session = {}, const std::string& token = {}) const;
  HttpResponse post(const Json& msg, const std::string& session = {}, const std::string& token = {},
                    const Headers& extra = {}) const;
  HttpResponse initialize(const std::string& token = {}, Json capabilities = Json::object()) const;
  // initialize + notifications/initialized (both expected to succeed); the session id.
  std::string open_session(const std::string& token = {}) const;
  // GET /readyz answers 200.
  bool ready() const;

 private:
  ServerProcess process_;
  int port_ = 0;
  std::string version_ = "2025-11-25";
};

}  // namespace pm::test
