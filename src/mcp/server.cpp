#include "mcp/server.hpp"

#include "util/log.hpp"

namespace pm::mcp {

class Server::SenderOutbound final : public Outbound {
 public:
  explicit SenderOutbound(Sender s) : send_(std::move(s)) {}
  bool send(const Json& message) override { return send_(message); }

 private:
  Sender send_;
};

Server::Server(const Config& config, Metrics& metrics, Surface surface, Sender sender, unsigned workers)
    : recorder_(metrics, config.metrics_emf),
      executor_(workers),
      core_(config, std::move(surface), executor_, recorder_),
      session_(std::make_shared<Session>()),
      out_(std::make_shared<SenderOutbound>(std::move(sender))) {}

Server::~Server() {
  (void)cancel_all_and_stop();
}

void Server::handle_line(std::string_view line) {
  core_.handle_text(session_, line, out_);
}

void Server::reject_oversized_line(std::size_t limit_bytes) {
  out_->send(make_error(nullptr, rpc::kInvalidRequest,
                        "Message exceeds the maximum size of " +
                            std::to_string(limit_bytes / (std::size_t{1024} * 1024)) + " MiB and was discarded"));
}

bool Server::drain(std::chrono::milliseconds grace, std::chrono::milliseconds stop_grace) {
  if (executor_.wait_idle(grace)) return cancel_all_and_stop();
  log::warn("shutdown grace period over; cancelling in-flight calls");
  return cancel_all_and_stop(stop_grace);
}

bool Server::cancel_all_and_stop(std::chrono::milliseconds grace) {
  if (stopped_) return true;
  core_.stop();
  stopped_ = executor_.stop(grace);
  return stopped_;
}

}  // namespace pm::mcp
