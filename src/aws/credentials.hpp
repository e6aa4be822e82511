#pragma once
// The standard AWS credential chain, in the order the AWS SDKs use:
// environment, web identity (STS AssumeRoleWithWebIdentity), shared
// config/credentials files (AWS_PROFILE), ECS container endpoint, EC2 IMDSv2.
// Temporary credentials are cached until five minutes before they expire.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "aws/http.hpp"
#include "aws/sigv4.hpp"
#include "util/error.hpp"

namespace pm::aws {

// Reads an environment variable; empty counts as unset. Injectable for tests.
using EnvLookup = std::function<std::optional<std::string>(const char*)>;
EnvLookup process_env();

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // nullopt: this source is not configured here (the chain moves on).
  // Error: configured but failed (the chain stops and reports it).
  virtual Result<std::optional<Credentials>> load() = 0;
  virtual const char* name() const = 0;
};

struct ChainOptions {
  EnvLookup env = process_env();
  std::shared_ptr<HttpClient> http;  // defaults to the libcurl client
  std::string region = "us-east-1";  // for the STS endpoint
  // Metadata endpoints (IMDS, ECS) must answer fast or not at all.
  std::chrono::milliseconds metadata_timeout{1000};
  std::function<SysTime()> clock = [] { return std::chrono::system_clock::now(); };
};

std::unique_ptr<CredentialsProvider> environment_provider(const ChainOptions& o);
std::unique_ptr<CredentialsProvider> web_identity_provider(const ChainOptions& o);
std::unique_ptr<CredentialsProvider> profile_provider(const ChainOptions& o);
std::unique_ptr<CredentialsProvider> container_provider(const ChainOptions& o);
std::unique_ptr<CredentialsProvider> imds_provider(const ChainOptions& o);

// The chain with caching. get() is thread-safe.
class CredentialsChain {
 public:
  explicit CredentialsChain(ChainOptions options);
  CredentialsChain(std::vector<std::unique_ptr<CredentialsProvider>> providers, ChainOptions options);
  Result<Credentials> get();
  // Drops the cache (after the service rejected the credentials as expired).
  void invalidate();

 private:
  ChainOptions options_;
  std::vector<std::unique_ptr<CredentialsProvider>> providers_;
  std::mutex mu_;
  std::optional<Credentials> cached_;
};

// Parses an INI-style AWS shared file into section -> key -> value.
// Section names are kept as written ("default", "profile dev").
std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> parse_ini(
    const std::string& text);

}  // namespace pm::aws
