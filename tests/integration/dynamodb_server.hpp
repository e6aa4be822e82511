#pragma once
// Runs dynalite (tests/e2e/node_modules) on 127.0.0.1 for the DynamoDB
// integration tests. A missing installation is a test failure with the fix in
// the message, never a silent skip.
#include <sys/types.h>

#include <memory>
#include <string>

#include "aws/dynamodb.hpp"

namespace pm::test {

class Dynalite {
 public:
  Dynalite();  // starts it; check ok()
  ~Dynalite();
  Dynalite(const Dynalite&) = delete;
  Dynalite& operator=(const Dynalite&) = delete;

  bool ok() const { return port_ > 0; }
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void stop();

  // One server shared by the tests of this process (started on first use).
  static Dynalite& shared();

 private:
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int port_ = 0;
  std::string error_;
};

// A DynamoDB client for `endpoint` with static test credentials and short
// timeouts (no retries slower than a few milliseconds).
std::shared_ptr<aws::DynamoDb> dynamodb_client(const std::string& endpoint,
                                               std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

// A table name no other test uses.
std::string unique_table(const std::string& prefix);

}  // namespace pm::test
