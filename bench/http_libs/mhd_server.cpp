// HTTP library candidate: libmicrohttpd with its internal epoll thread. POST answers a
// small JSON-RPC result; GET opens an SSE stream that stays idle (the connection is
// suspended, holding no thread). Prints its port once listening. ADR-007's measurements only.
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace {

constexpr const char* kBody = R"({"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"ok"}]}})";

ssize_t idle_stream(void* cls, uint64_t, char*, size_t) {
  MHD_suspend_connection(static_cast<MHD_Connection*>(cls));  // nothing to say yet
  return 0;
}

MHD_Result handler(void*, MHD_Connection* c, const char*, const char* method, const char*, const char*,
                   size_t* upload_size, void** state) {
  if (*state == nullptr) {  // first call: headers only
    *state = c;
    return MHD_YES;
  }
  if (*upload_size != 0) {  // body bytes of a POST
    *upload_size = 0;
    return MHD_YES;
  }
  MHD_Response* r = nullptr;
  if (std::strcmp(method, "GET") == 0) {
    r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64, idle_stream, c, nullptr);
    MHD_add_response_header(r, "Content-Type", "text/event-stream");
  } else {
    r = MHD_create_response_from_buffer(std::strlen(kBody), const_cast<char*>(kBody), MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "application/json");
  }
  const MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
  MHD_destroy_response(r);
  return ok;
}

}  // namespace

int main() {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  MHD_Daemon* d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME, 0,
                                   nullptr, nullptr, &handler, nullptr, MHD_OPTION_CONNECTION_LIMIT, 8192u,
                                   MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_END);
  if (d == nullptr) return 1;
  const MHD_DaemonInfo* info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  std::printf("%u\n", static_cast<unsigned>(info->port));
  std::fflush(stdout);
  pause();
}
