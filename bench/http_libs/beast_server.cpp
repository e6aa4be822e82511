// HTTP library candidate: Boost.Beast on Asio, one io_context thread, every connection
// asynchronous. POST answers a small JSON-RPC result; GET opens an SSE stream that stays
// idle. Prints its port on stdout once listening. Used by ADR-007's measurements only.
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <cstdio>
#include <memory>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr const char* kBody = R"({"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"ok"}]}})";

class Conn : public std::enable_shared_from_this<Conn> {
 public:
  explicit Conn(tcp::socket s) : stream_(std::move(s)) {}
  void start() { read(); }

 private:
  void read() {
    req_ = {};
    http::async_read(stream_, buf_, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec) self->handle();
    });
  }
  void handle() {
    if (req_.method() == http::verb::get) {
      // SSE: headers now, then nothing until the server has something to say.
      auto res = std::make_shared<http::response<http::empty_body>>(http::status::ok, 11);
      res->set(http::field::content_type, "text/event-stream");
      res->set(http::field::cache_control, "no-cache");
      auto sr = std::make_shared<http::response_serializer<http::empty_body>>(*res);
      http::async_write_header(stream_, *sr, [self = shared_from_this(), res, sr](beast::error_code ec, std::size_t) {
        if (ec) return;
        // Park a read so that a closed peer is noticed; the stream holds no thread.
        self->stream_.async_read_some(asio::buffer(self->park_), [self](beast::error_code, std::size_t) {});
      });
      return;
    }
    auto res = std::make_shared<http::response<http::string_body>>(http::status::ok, 11);
    res->set(http::field::content_type, "application/json");
    res->body() = kBody;
    res->keep_alive(req_.keep_alive());
    res->prepare_payload();
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
      if (!ec && res->keep_alive()) self->read();
    });
  }

  tcp::socket stream_;
  beast::flat_buffer buf_;
  http::request<http::string_body> req_;
  char park_[1];
};

void accept(tcp::acceptor& a) {
  a.async_accept([&a](beast::error_code ec, tcp::socket s) {
    if (!ec) std::make_shared<Conn>(std::move(s))->start();
    accept(a);
  });
}

}  // namespace

int main() {
  asio::io_context io(1);
  tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  a.listen(4096);
  std::printf("%u\n", static_cast<unsigned>(a.local_endpoint().port()));
  std::fflush(stdout);
  accept(a);
  io.run();
}
