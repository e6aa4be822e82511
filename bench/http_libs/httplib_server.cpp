// HTTP library candidate: cpp-httplib (blocking sockets, a fixed thread pool). POST
// answers a small JSON-RPC result; GET opens an SSE stream that stays idle, which in
// this design holds a pool thread. Prints its port once listening. ADR-007 only.
#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <thread>

int main() {
  httplib::Server svr;
  svr.Post("/mcp", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"ok"}]}})",
                    "application/json");
  });
  svr.Get("/mcp", [](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/event-stream", [](size_t, httplib::DataSink& sink) {
      while (sink.is_writable()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      return false;
    });
  });
  const int port = svr.bind_to_any_port("127.0.0.1");
  std::printf("%d\n", port);
  std::fflush(stdout);
  svr.listen_after_bind();
}
