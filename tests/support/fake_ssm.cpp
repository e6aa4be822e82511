#include "support/fake_ssm.hpp"

#include "util/json.hpp"

namespace pm::test {

namespace {

FakeResponse ssm_error(int status, const std::string& type, const std::string& message) {
  FakeResponse r;
  r.status = status;
  r.headers = {{"Content-Type", "application/x-amz-json-1.1"}};
  r.body = dump_line(Json{{"__type", type}, {"message", message}});
  return r;
}

}  // namespace

FakeSsm::FakeSsm() : server_(std::make_unique<FakeHttpServer>([this](const FakeRequest& r) { return handle(r); })) {}

void FakeSsm::put(const std::string& name, const std::string& value) {
  std::lock_guard<std::mutex> lock(mu_);
  params_[name].push_back(value);
}

std::vector<std::string> FakeSsm::versions(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = params_.find(name);
  return it == params_.end() ? std::vector<std::string>{} : it->second;
}

std::size_t FakeSsm::get_calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return gets_;
}

std::size_t FakeSsm::put_calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return puts_;
}

void FakeSsm::throttle_next(int n) {
  std::lock_guard<std::mutex> lock(mu_);
  throttle_ = n;
}

FakeResponse FakeSsm::handle(const FakeRequest& req) {
  std::lock_guard<std::mutex> lock(mu_);
  if (req.method != "POST" || req.header("content-type") != "application/x-amz-json-1.1") {
    return ssm_error(400, "SerializationException", "expected a POST with application/x-amz-json-1.1");
  }
  if (req.header("authorization").rfind("AWS4-HMAC-SHA256 Credential=", 0) != 0) {
    return ssm_error(400, "MissingAuthenticationTokenException", "request is not signed");
  }
  if (throttle_ > 0) {
    --throttle_;
    return ssm_error(400, "ThrottlingException", "Rate exceeded");
  }
  Json body = parse_or_discard(req.body);
  if (!body.is_object() || !body.contains("Name") || !body["Name"].is_string()) {
    return ssm_error(400, "ValidationException", "Name is required");
  }
  std::string name = body["Name"];
  std::string target = req.header("x-amz-target");
  if (target == "AmazonSSM.GetParameter") {
    ++gets_;
    std::size_t version = 0;
    if (auto colon = name.rfind(':'); colon != std::string::npos) {
      version = std::stoul(name.substr(colon + 1));
      name = name.substr(0, colon);
    }
    auto it = params_.find(name);
    if (it == params_.end() || version > it->second.size()) return ssm_error(400, "ParameterNotFound", "");
    if (version == 0) version = it->second.size();
    bool decrypt = body.value("WithDecryption", false);
    FakeResponse r;
    r.headers = {{"Content-Type", "application/x-amz-json-1.1"}};
    r.body = dump_line(Json{{"Parameter",
                             {{"Name", name},
                              {"Type", "SecureString"},
                              {"Value", decrypt ? it->second[version - 1] : std::string("AQICAHencrypted")},
                              {"Version", version},
                              {"LastModifiedDate", 1764000000.5},
                              {"DataType", "text"}}}});
    return r;
  }
  if (target == "AmazonSSM.PutParameter") {
    ++puts_;
    if (!body.contains("Value") || !body["Value"].is_string()) return ssm_error(400, "ValidationException", "Value");
    auto& versions = params_[name];
    if (!versions.empty() && !body.value("Overwrite", false)) {
      return ssm_error(400, "ParameterAlreadyExists", "The parameter already exists.");
    }
    versions.push_back(body["Value"]);
    FakeResponse r;
    r.headers = {{"Content-Type", "application/x-amz-json-1.1"}};
    r.body = dump_line(Json{{"Version", versions.size()}, {"Tier", "Standard"}});
    return r;
  }
  return ssm_error(400, "InvalidAction", "unsupported action");
}

}  // namespace pm::test
