#pragma once
// SSM Parameter Store JSON API: GetParameter (with decryption) and PutParameter.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "aws/client.hpp"

namespace pm::aws {

struct Parameter {
  std::string value;
  std::int64_t version = 0;
  std::int64_t last_modified_ms = 0;
};

class Ssm {
 public:
  explicit Ssm(std::shared_ptr<JsonClient> client) : client_(std::move(client)) {}
  static std::shared_ptr<Ssm> from_env(const std::string& region);

  // `name` may carry a version selector ("name:3"). A missing parameter is an
  // error whose failure_reason() is "not_found".
  Result<Parameter> get_parameter(const std::string& name, bool with_decryption = true);
  // Writes a new version (Overwrite) of a SecureString; returns its version.
  Result<std::int64_t> put_parameter(const std::string& name, const std::string& value, bool overwrite = true);

 private:
  std::shared_ptr<JsonClient> client_;
};

}  // namespace pm::aws
