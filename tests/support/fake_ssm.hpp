#pragma once
// A loopback fake of SSM Parameter Store speaking its JSON protocol
// (X-Amz-Target AmazonSSM.GetParameter / AmazonSSM.PutParameter). No SSM
// emulator exists here; this one keeps every version and honours "name:N"
// version selectors, ParameterNotFound, Overwrite and ParameterAlreadyExists.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "support/fake_http_server.hpp"

namespace pm::test {

class FakeSsm {
 public:
  FakeSsm();
  std::string url() const { return server_->url(); }
  // Adds a version directly (test set-up).
  void put(const std::string& name, const std::string& value);
  std::vector<std::string> versions(const std::string& name) const;
  std::size_t get_calls() const;
  std::size_t put_calls() const;
  // The next `n` calls answer ThrottlingException.
  void throttle_next(int n);
  std::vector<FakeRequest> requests() const { return server_->requests(); }

 private:
  FakeResponse handle(const FakeRequest& req);
  mutable std::mutex mu_;
  std::map<std::string, std::vector<std::string>> params_;
  std::size_t gets_ = 0, puts_ = 0;
  int throttle_ = 0;
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace pm::test
