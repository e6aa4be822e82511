// The HTTP network layer on Boost.Beast/Asio (ADR-007), built as its own shared object: one
// event-loop thread holds every connection, so an idle stream costs memory, not a thread.
// Beast parses requests; answers are serialised here (a complete answer with Content-Length,
// or a chunked stream) and written in order from a per-connection queue.
#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "http/net.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace pm::http {
namespace {

const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

std::string head(int status, const std::vector<Header>& headers, bool keep_alive) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + ' ' + reason_phrase(status) + "\r\n";
  for (const auto& h : headers) out += h.name + ": " + h.value + "\r\n";
  if (!keep_alive) out += "Connection: close\r\n";
  return out;
}

std::string json_response(int status, const std::string& body) {
  std::string out = head(status, {{"Content-Type", "application/json"}}, false);
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return out;
}

class ListenerImpl;
class ExchangeImpl;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(ListenerImpl& owner, tcp::socket socket);
  void start();
  void close();  // on the loop
  void close_when_written();

  // Exchange operations, on the loop.
  void respond(std::uint64_t exchange, const Response& r);
  void open_stream(std::uint64_t exchange, int status, const std::vector<Header>& headers);
  void write_chunk(std::uint64_t exchange, const std::string& bytes);
  void end_stream(std::uint64_t exchange);
  void close_after_writes(std::uint64_t exchange);
  void on_disconnect(std::uint64_t exchange, std::function<void()> cb);

  asio::io_context& io();

 private:
  void read_request();
  void on_read(beast::error_code ec);
  void dispatch();
  void finish_exchange();
  void queue(std::string bytes);
  void write_next();
  void arm_idle();
  void gone();

  ListenerImpl& owner_;
  tcp::socket socket_;
  asio::steady_timer idle_timer_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bool reading_ = false;
  // A request read while the previous exchange is still open (pipelining), served after it.
  std::optional<Request> next_;
  bool next_keep_alive_ = true;

  std::uint64_t exchange_ = 0;  // the open exchange's number; 0 when none
  bool exchange_keep_alive_ = true;
  bool streaming_ = false;
  std::function<void()> disconnect_cb_;
  std::weak_ptr<ExchangeImpl> exchange_obj_;

  std::deque<std::string> out_;
  bool writing_ = false;
  bool close_when_written_ = false;
  bool closed_ = false;
  std::uint64_t next_exchange_ = 1;
};

class ExchangeImpl final : public Exchange {
 public:
  ExchangeImpl(std::shared_ptr<Connection> c, std::uint64_t n) : conn_(std::move(c)), n_(n) {}
  void respond(Response r) override {
    if (done_.exchange(true)) return;
    post([r = std::move(r)](Connection& c, std::uint64_t n) { c.respond(n, r); });
  }
  void open_stream(int status, std::vector<Header> headers) override {
    post([status, h = std::move(headers)](Connection& c, std::uint64_t n) { c.open_stream(n, status, h); });
  }
  void write(std::string bytes) override {
    post([b = std::move(bytes)](Connection& c, std::uint64_t n) { c.write_chunk(n, b); });
  }
  void end_stream() override {
    if (done_.exchange(true)) return;
    post([](Connection& c, std::uint64_t n) { c.end_stream(n); });
  }
  void close_connection() override {
    done_ = true;
    post([](Connection& c, std::uint64_t n) { c.close_after_writes(n); });
  }
  void on_disconnect(std::function<void()> cb) override {
    post([cb = std::move(cb)](Connection& c, std::uint64_t n) mutable { c.on_disconnect(n, std::move(cb)); });
  }
  bool connected() const override { return !gone_; }
  void mark_gone() { gone_ = true; }

 private:
  template <class F>
  void post(F&& f) {
    if (gone_) return;
    asio::post(conn_->io(), [c = conn_, n = n_, f = std::forward<F>(f)]() mutable { f(*c, n); });
  }
  std::shared_ptr<Connection> conn_;
  std::uint64_t n_;
  std::atomic<bool> done_{false};
  std::atomic<bool> gone_{false};
};

class ListenerImpl final : public Listener {
 public:
  ListenerImpl(const ListenOptions& o, Handler& h) : options_(o), handler_(h), io_(1), acceptor_(io_), force_(io_) {}

  bool bind(std::string* error) {
    beast::error_code ec;
    const auto address = asio::ip::make_address(options_.host, ec);
    if (ec) {
      *error = "not an IP address: " + options_.host;
      return false;
    }
    unsigned long port = 0;
    try {
      port = std::stoul(options_.port);
    } catch (const std::exception&) {
      port = 65536;
    }
    if (port > 65535) {
      *error = "not a port number: " + options_.port;
      return false;
    }
    const tcp::endpoint ep(address, static_cast<unsigned short>(port));
    (void)acceptor_.open(ep.protocol(), ec);
    if (!ec) (void)acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) (void)acceptor_.bind(ep, ec);
    if (!ec) (void)acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      *error = "cannot listen on " + options_.host + ":" + options_.port + ": " + ec.message();
      return false;
    }
    accept();
    return true;
  }

  std::string local_address() const override {
    beast::error_code ec;
    const auto ep = acceptor_.local_endpoint(ec);
    if (ec) return {};
    const std::string host = ep.address().to_string();
    return (ep.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(ep.port());
  }

  void run() override {
    // A handler that throws must not take the other connections down: log and go on.
    for (;;) {
      try {
        io_.run();
        return;
      } catch (const std::exception& e) {
        (void)std::fprintf(stderr, "http: unexpected error on the event loop: %s\n", e.what());
      }
    }
  }

  void stop_accepting() override {
    asio::post(io_, [this] {
      beast::error_code ec;
      (void)acceptor_.close(ec);
    });
  }

  // Each connection closes once what is queued for it is written; run() returns when the
  // last one has, or after two seconds whatever still writes.
  void stop() override {
    asio::post(io_, [this] {
      beast::error_code ec;
      (void)acceptor_.close(ec);
      stopping_ = true;
      const auto open = connections_;  // closing removes from the set
      for (const auto& c : open) c->close_when_written();
      if (connections_.empty()) return;
      force_.expires_after(std::chrono::seconds(2));
      force_.async_wait([this](beast::error_code e) {
        if (e) return;
        const auto rest = connections_;
        for (const auto& c : rest) c->close();
        io_.stop();
      });
    });
  }

  asio::io_context& io() { return io_; }
  const ListenOptions& options() const { return options_; }
  Handler& handler() { return handler_; }
  void forget(const std::shared_ptr<Connection>& c) {
    connections_.erase(c);
    if (stopping_ && connections_.empty()) force_.cancel();
  }

 private:
  void accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (!ec) {
        if (connections_.size() >= options_.max_connections) {
          auto sock = std::make_shared<tcp::socket>(std::move(s));
          auto text = std::make_shared<std::string>(json_response(503, options_.overloaded_body));
          asio::async_write(*sock, asio::buffer(*text), [sock, text](beast::error_code, std::size_t) {
            beast::error_code ignored;
            (void)sock->shutdown(tcp::socket::shutdown_both, ignored);
          });
        } else {
          (void)s.set_option(tcp::no_delay(true), ec);
          auto c = std::make_shared<Connection>(*this, std::move(s));
          connections_.insert(c);
          c->start();
        }
      }
      accept();
    });
  }

  ListenOptions options_;
  Handler& handler_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  asio::steady_timer force_;
  bool stopping_ = false;
  std::set<std::shared_ptr<Connection>> connections_;
};

Connection::Connection(ListenerImpl& owner, tcp::socket socket)
    : owner_(owner), socket_(std::move(socket)), idle_timer_(owner.io()) {}

asio::io_context& Connection::io() {
  return owner_.io();
}

void Connection::start() {
  arm_idle();
  read_request();
}

void Connection::arm_idle() {
  idle_timer_.expires_after(owner_.options().idle_timeout);
  idle_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec) return;  // re-armed or cancelled
    if (self->exchange_ == 0) self->close();
  });
}

void Connection::read_request() {
  if (reading_ || closed_ || next_) return;
  reading_ = true;
  parser_.emplace();
  parser_->body_limit(owner_.options().max_body_bytes);
  parser_->header_limit(static_cast<std::uint32_t>(owner_.options().max_header_bytes));
  bhttp::async_read(socket_, buffer_, *parser_,
                    [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
}

void Connection::on_read(beast::error_code ec) {
  reading_ = false;
  if (closed_) return;
  if (ec == bhttp::error::body_limit && exchange_ == 0) {
    queue(json_response(413, owner_.options().too_large_body));
    close_when_written_ = true;
    return;
  }
  if (ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
      ec == asio::error::operation_aborted) {
    gone();
    return;
  }
  if (ec) {
    if (exchange_ == 0 && !writing_) {
      queue(json_response(400, owner_.options().bad_request_body));
      close_when_written_ = true;
    } else {
      gone();
    }
    return;
  }
  auto msg = parser_->release();
  Request r;
  r.method = std::string(msg.method_string());
  r.target = std::string(msg.target());
  for (const auto& f : msg) {
    std::string name(f.name_string());
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
    r.headers.push_back({std::move(name), std::string(f.value())});
  }
  r.body = std::move(msg.body());
  next_ = std::move(r);
  next_keep_alive_ = msg.keep_alive();
  dispatch();
}

void Connection::dispatch() {
  if (exchange_ != 0 || !next_ || closed_) return;
  idle_timer_.cancel();
  exchange_ = next_exchange_++;
  exchange_keep_alive_ = next_keep_alive_;
  streaming_ = false;
  disconnect_cb_ = nullptr;
  Request r = std::move(*next_);
  next_.reset();
  auto ex = std::make_shared<ExchangeImpl>(shared_from_this(), exchange_);
  exchange_obj_ = ex;
  // Keep reading: the next request (pipelined) waits in next_, and a closed peer is noticed
  // while a stream is open.
  if (exchange_keep_alive_) read_request();
  owner_.handler().on_request(std::move(r), std::move(ex));
}

void Connection::finish_exchange() {
  exchange_ = 0;
  streaming_ = false;
  disconnect_cb_ = nullptr;
  exchange_obj_.reset();
  if (!exchange_keep_alive_) {
    close_when_written_ = true;
    if (!writing_) close();
    return;
  }
  arm_idle();
  if (next_) {
    dispatch();
  } else {
    read_request();
  }
}

void Connection::respond(std::uint64_t exchange, const Response& r) {
  if (exchange != exchange_ || closed_ || streaming_) return;
  std::string out = head(r.status, r.headers, exchange_keep_alive_);
  out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n\r\n";
  out += r.body;
  queue(std::move(out));
  finish_exchange();
}

void Connection::open_stream(std::uint64_t exchange, int status, const std::vector<Header>& headers) {
  if (exchange != exchange_ || closed_ || streaming_) return;
  streaming_ = true;
  std::string out = head(status, headers, exchange_keep_alive_);
  out += "Transfer-Encoding: chunked\r\n\r\n";
  queue(std::move(out));
}

void Connection::write_chunk(std::uint64_t exchange, const std::string& bytes) {
  if (exchange != exchange_ || closed_ || !streaming_ || bytes.empty()) return;
  char size[24];
  const int n = std::snprintf(size, sizeof size, "%zx\r\n", bytes.size());
  std::string out(size, static_cast<std::size_t>(n));
  out += bytes;
  out += "\r\n";
  queue(std::move(out));
}

void Connection::end_stream(std::uint64_t exchange) {
  if (exchange != exchange_ || closed_ || !streaming_) return;
  queue("0\r\n\r\n");
  finish_exchange();
}

void Connection::close_after_writes(std::uint64_t exchange) {
  if (exchange != exchange_ || closed_) return;
  if (streaming_) queue("0\r\n\r\n");
  close_when_written_ = true;
  if (!writing_) close();
}

void Connection::on_disconnect(std::uint64_t exchange, std::function<void()> cb) {
  if (closed_ || exchange != exchange_) {
    cb();
    return;
  }
  disconnect_cb_ = std::move(cb);
}

void Connection::queue(std::string bytes) {
  out_.push_back(std::move(bytes));
  if (!writing_) write_next();
}

void Connection::write_next() {
  if (out_.empty()) {
    writing_ = false;
    if (close_when_written_) close();
    return;
  }
  writing_ = true;
  // out_.front() is the write's buffer until this handler runs, even when the connection was
  // closed meanwhile (the write may still complete successfully): close() leaves the queue to
  // this handler then.
  asio::async_write(socket_, asio::buffer(out_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      if (self->closed_) {
                        self->writing_ = false;
                        self->out_.clear();
                        return;
                      }
                      if (ec) {
                        self->gone();
                        return;
                      }
                      self->out_.pop_front();
                      self->write_next();
                    });
}

void Connection::close_when_written() {
  close_when_written_ = true;
  if (!writing_) close();
}

void Connection::gone() {
  close();
}

void Connection::close() {
  if (closed_) return;
  closed_ = true;
  idle_timer_.cancel();
  beast::error_code ec;
  (void)socket_.shutdown(tcp::socket::shutdown_both, ec);
  (void)socket_.close(ec);
  if (auto ex = exchange_obj_.lock()) ex->mark_gone();
  if (auto cb = std::move(disconnect_cb_)) cb();
  disconnect_cb_ = nullptr;
  if (!writing_) out_.clear();  // else the pending write's handler clears it
  owner_.forget(shared_from_this());
}

}  // namespace
}  // namespace pm::http

extern "C" __attribute__((visibility("default"))) pm::http::Listener* pm_http_create_listener(
    const pm::http::ListenOptions* options, pm::http::Handler* handler, std::string* error) {
  try {
    auto l = std::make_unique<pm::http::ListenerImpl>(*options, *handler);
    if (!l->bind(error)) return nullptr;
    return l.release();
  } catch (const std::exception& e) {
    *error = e.what();
    return nullptr;
  }
}
