#include "aws/credentials.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "util/config.hpp"
#include "util/json.hpp"
#include "util/log.hpp"
#include "util/secrets.hpp"

namespace pm::aws {

namespace {

constexpr auto kRefreshMargin = std::chrono::minutes(5);

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Error credentials_error(const std::string& provider, const std::string& message, bool retryable) {
  // The message may quote an endpoint's answer: no token or key it reflected.
  Error e = Error::store_unavailable("AWS credentials (" + provider + "): " + secrets::redact(message), retryable);
  e.details = Json{{"reason", "credentials"}, {"provider", provider}};
  e.suggestions = {"Check the AWS credential configuration of this process (see docs/stores.md)"};
  return e;
}

// Parses the JSON document ECS and IMDS both return.
Result<Credentials> parse_json_credentials(const std::string& body, const std::string& provider) {
  Json j = parse_or_discard(body);
  if (!j.is_object())
    return credentials_error(provider, "the credentials endpoint returned a malformed document", true);
  if (j.contains("Code") && j["Code"].is_string() && j["Code"] != "Success") {
    return credentials_error(provider, "the credentials endpoint reported an error", true);
  }
  auto str = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
  Credentials c;
  c.access_key_id = str("AccessKeyId");
  c.secret_access_key = str("SecretAccessKey");
  c.session_token = str("Token");
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    return credentials_error(provider, "the credentials endpoint returned no access key", true);
  }
  if (auto exp = str("Expiration"); !exp.empty()) {
    auto t = parse_iso8601(exp);
    if (!t) return credentials_error(provider, "the credentials endpoint returned an unreadable expiration", true);
    c.expiration = *t;
  }
  c.source = provider;
  return c;
}

std::string xml_unescape(std::string s) {
  static const std::pair<const char*, const char*> kEntities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : kEntities) {
    std::string::size_type pos = 0;
    std::string f(from);
    while ((pos = s.find(f, pos)) != std::string::npos) {
      s.replace(pos, f.size(), to);
      pos += std::string(to).size();
    }
  }
  return s;
}

// Text of the first <tag>...</tag>; the STS answers are flat enough for this.
std::string xml_text(const std::string& xml, const std::string& tag) {
  auto open = xml.find("<" + tag + ">");
  if (open == std::string::npos) return {};
  open += tag.size() + 2;
  auto close = xml.find("</" + tag + ">", open);
  if (close == std::string::npos) return {};
  return xml_unescape(trim(xml.substr(open, close - open)));
}

bool is_true(const std::optional<std::string>& v) {
  if (!v) return false;
  std::string s = *v;
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s == "true";
}

std::shared_ptr<HttpClient> http_of(const ChainOptions& o) {
  return o.http ? o.http : curl_http_client();
}

class EnvironmentProvider final : public CredentialsProvider {
 public:
  explicit EnvironmentProvider(ChainOptions o) : o_(std::move(o)) {}
  const char* name() const override { return "environment"; }
  Result<std::optional<Credentials>> load() override {
    auto id = o_.env("AWS_ACCESS_KEY_ID");
    auto secret = o_.env("AWS_SECRET_ACCESS_KEY");
    if (!id && !secret) return std::optional<Credentials>{};
    if (!id || !secret) {
      return credentials_error(name(), "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together", false);
    }
    Credentials c{*id, *secret, o_.env("AWS_SESSION_TOKEN").value_or(""), std::nullopt, name()};
    return std::optional<Credentials>{std::move(c)};
  }

 private:
  ChainOptions o_;
};

class WebIdentityProvider final : public CredentialsProvider {
 public:
  explicit WebIdentityProvider(ChainOptions o) : o_(std::move(o)) {}
  const char* name() const override { return "web-identity"; }
  Result<std::optional<Credentials>> load() override {
    auto token_file = o_.env("AWS_WEB_IDENTITY_TOKEN_FILE");
    auto role = o_.env("AWS_ROLE_ARN");
    if (!token_file || !role) return std::optional<Credentials>{};
    auto token = read_file(*token_file);
    if (!token) return credentials_error(name(), "the file named by AWS_WEB_IDENTITY_TOKEN_FILE cannot be read", false);
    secrets::remember(trim(*token));
    std::string session =
        o_.env("AWS_ROLE_SESSION_NAME").value_or("phase-mirror-mcp-" + std::to_string(to_epoch_ms(o_.clock()) / 1000));
    std::string endpoint =
        o_.env("AWS_ENDPOINT_URL_STS")
            .value_or(o_.env("AWS_ENDPOINT_URL").value_or("https://sts." + o_.region + ".amazonaws.com"));
    auto url = parse_url(endpoint);
    if (!url) return credentials_error(name(), "the STS endpoint URL is not a valid http(s) URL", false);

    HttpRequest req;
    req.method = "POST";
    req.url = url->origin() + (url->path == "/" ? "/" : url->path);
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}, {"Accept", "text/xml"}};
    req.body = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=" + uri_encode(*role, false) +
               "&RoleSessionName=" + uri_encode(session, false) +
               "&WebIdentityToken=" + uri_encode(trim(*token), false);
    req.connect_timeout = o_.metadata_timeout;
    req.total_timeout = o_.metadata_timeout * 5;
    HttpResult r = http_of(o_)->send(req);
    if (!r.ok()) return credentials_error(name(), "STS is unreachable (" + r.error_detail + ")", true);
    if (r.response.status != 200) {
      std::string code = xml_text(r.response.body, "Code");
      bool transient = r.response.status >= 500 || code == "IDPCommunicationError" || code == "Throttling";
      return credentials_error(name(),
                               "STS AssumeRoleWithWebIdentity failed with HTTP " + std::to_string(r.response.status) +
                                   (code.empty() ? "" : " (" + code + ")"),
                               transient);
    }
    Credentials c;
    c.access_key_id = xml_text(r.response.body, "AccessKeyId");
    c.secret_access_key = xml_text(r.response.body, "SecretAccessKey");
    c.session_token = xml_text(r.response.body, "SessionToken");
    if (c.access_key_id.empty() || c.secret_access_key.empty()) {
      return credentials_error(name(), "STS returned no credentials", true);
    }
    if (auto exp = xml_text(r.response.body, "Expiration"); !exp.empty()) c.expiration = parse_iso8601(exp);
    c.source = name();
    return std::optional<Credentials>{std::move(c)};
  }

 private:
  ChainOptions o_;
};

class ProfileProvider final : public CredentialsProvider {
 public:
  explicit ProfileProvider(ChainOptions o) : o_(std::move(o)) {}
  const char* name() const override { return "shared-files"; }
  Result<std::optional<Credentials>> load() override {
    std::string home = o_.env("HOME").value_or("");
    std::string profile = o_.env("AWS_PROFILE").value_or("default");
    std::string creds_path = o_.env("AWS_SHARED_CREDENTIALS_FILE").value_or(home + "/.aws/credentials");
    std::string config_path = o_.env("AWS_CONFIG_FILE").value_or(home + "/.aws/config");
    // The credentials file wins over the config file, key by key.
    std::optional<Credentials> found;
    auto take = [&](const std::string& path, const std::string& section) {
      auto text = read_file(path);
      if (!text) return;
      for (const auto& [sec, kv] : parse_ini(*text)) {
        if (sec != section) continue;
        Credentials c;
        for (const auto& [k, v] : kv) {
          if (k == "aws_access_key_id") c.access_key_id = v;
          if (k == "aws_secret_access_key") c.secret_access_key = v;
          if (k == "aws_session_token") c.session_token = v;
        }
        if (!found) found = Credentials{};
        if (found->access_key_id.empty()) found->access_key_id = c.access_key_id;
        if (found->secret_access_key.empty()) found->secret_access_key = c.secret_access_key;
        if (found->session_token.empty()) found->session_token = c.session_token;
      }
    };
    take(creds_path, profile);
    take(config_path, profile == "default" ? "default" : "profile " + profile);
    if (!found || (found->access_key_id.empty() && found->secret_access_key.empty())) {
      return std::optional<Credentials>{};
    }
    if (found->access_key_id.empty() || found->secret_access_key.empty()) {
      return credentials_error(name(), "profile '" + profile + "' has only half of its access key pair", false);
    }
    found->source = name();
    return found;
  }

 private:
  ChainOptions o_;
};

bool trusted_container_host(const Url& u) {
  if (u.scheme == "https") return true;
  const std::string& h = u.host;
  return h == "localhost" || h.rfind("127.", 0) == 0 || h == "[::1]" || h == "169.254.170.2" || h == "169.254.170.23" ||
         h == "[fd00:ec2::23]";
}

class ContainerProvider final : public CredentialsProvider {
 public:
  explicit ContainerProvider(ChainOptions o) : o_(std::move(o)) {}
  const char* name() const override { return "container"; }
  Result<std::optional<Credentials>> load() override {
    std::string url;
    if (auto rel = o_.env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
      url = "http://169.254.170.2" + *rel;
    } else if (auto full = o_.env("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
      auto u = parse_url(*full);
      if (!u) return credentials_error(name(), "AWS_CONTAINER_CREDENTIALS_FULL_URI is not a valid URL", false);
      if (!trusted_container_host(*u)) {
        return credentials_error(
            name(), "AWS_CONTAINER_CREDENTIALS_FULL_URI must use https or a loopback/ECS/EKS address", false);
      }
      url = *full;
    } else {
      return std::optional<Credentials>{};
    }
    HttpRequest req;
    req.url = url;
    std::optional<std::string> token;
    if (auto file = o_.env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
      token = read_file(*file);
      if (!token) return credentials_error(name(), "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE cannot be read", false);
      token = trim(*token);
    } else {
      token = o_.env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    }
    if (token) {
      secrets::remember(*token);
      req.headers.emplace_back("Authorization", *token);
    }
    req.headers.emplace_back("Accept", "application/json");
    req.connect_timeout = o_.metadata_timeout;
    req.total_timeout = o_.metadata_timeout * 2;
    HttpResult r = http_of(o_)->send(req);
    if (!r.ok()) return credentials_error(name(), "the container credentials endpoint is unreachable", true);
    if (r.response.status != 200) {
      return credentials_error(name(),
                               "the container credentials endpoint answered HTTP " + std::to_string(r.response.status),
                               r.response.status >= 500);
    }
    auto c = parse_json_credentials(r.response.body, name());
    if (!c) return c.take_error();
    return std::optional<Credentials>{std::move(c.value())};
  }

 private:
  ChainOptions o_;
};

class ImdsProvider final : public CredentialsProvider {
 public:
  explicit ImdsProvider(ChainOptions o) : o_(std::move(o)) {}
  const char* name() const override { return "instance-metadata"; }
  Result<std::optional<Credentials>> load() override {
    if (is_true(o_.env("AWS_EC2_METADATA_DISABLED"))) return std::optional<Credentials>{};
    std::string base = o_.env("AWS_EC2_METADATA_SERVICE_ENDPOINT").value_or("http://169.254.169.254");
    while (!base.empty() && base.back() == '/') base.pop_back();
    auto http = http_of(o_);
    auto request = [&](const std::string& method, const std::string& path, Headers headers) {
      HttpRequest req;
      req.method = method;
      req.url = base + path;
      req.headers = std::move(headers);
      req.connect_timeout = o_.metadata_timeout;
      req.total_timeout = o_.metadata_timeout;
      return http->send(req);
    };
    // IMDSv2: a session token first. No answer means "not on EC2": the chain ends quietly.
    // Off EC2 the probe costs a connect timeout: remember a failed one for a while.
    auto now = std::chrono::steady_clock::now();
    if (now < unreachable_until_) return std::optional<Credentials>{};
    HttpResult tok = request("PUT", "/latest/api/token", {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}});
    if (!tok.ok()) unreachable_until_ = now + std::chrono::minutes(5);
    if (!tok.ok() || tok.response.status != 200 || tok.response.body.empty()) return std::optional<Credentials>{};
    secrets::remember(tok.response.body);
    Headers auth = {{"X-aws-ec2-metadata-token", tok.response.body}};
    HttpResult role = request("GET", "/latest/meta-data/iam/security-credentials/", auth);
    if (!role.ok() || role.response.status == 404) return std::optional<Credentials>{};  // no instance profile
    if (role.response.status != 200) {
      return credentials_error(name(), "instance metadata answered HTTP " + std::to_string(role.response.status), true);
    }
    std::string role_name = trim(role.response.body.substr(0, role.response.body.find('\n')));
    if (role_name.empty()) return std::optional<Credentials>{};
    HttpResult creds =
        request("GET", "/latest/meta-data/iam/security-credentials/" + uri_encode(role_name, false), auth);
    if (!creds.ok() || creds.response.status != 200) {
      return credentials_error(name(), "instance metadata did not return the role's credentials", true);
    }
    auto c = parse_json_credentials(creds.response.body, name());
    if (!c) return c.take_error();
    return std::optional<Credentials>{std::move(c.value())};
  }

 private:
  ChainOptions o_;
  std::chrono::steady_clock::time_point unreachable_until_{};
};

}  // namespace

EnvLookup process_env() {
  return [](const char* name) { return env_var_exact(name); };
}

std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> parse_ini(
    const std::string& text) {
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      std::string name = trim(line.substr(1, line.size() - 2));
      // "profile   dev" and "profile dev" name the same section.
      if (name.rfind("profile", 0) == 0 && name.size() > 7 && std::isspace(static_cast<unsigned char>(name[7]))) {
        name = "profile " + trim(name.substr(7));
      }
      out.emplace_back(name, std::vector<std::pair<std::string, std::string>>{});
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string::npos || out.empty()) continue;
    out.back().second.emplace_back(trim(line.substr(0, eq)), trim(line.substr(eq + 1)));
  }
  return out;
}

std::unique_ptr<CredentialsProvider> environment_provider(const ChainOptions& o) {
  return std::make_unique<EnvironmentProvider>(o);
}
std::unique_ptr<CredentialsProvider> web_identity_provider(const ChainOptions& o) {
  return std::make_unique<WebIdentityProvider>(o);
}
std::unique_ptr<CredentialsProvider> profile_provider(const ChainOptions& o) {
  return std::make_unique<ProfileProvider>(o);
}
std::unique_ptr<CredentialsProvider> container_provider(const ChainOptions& o) {
  return std::make_unique<ContainerProvider>(o);
}
std::unique_ptr<CredentialsProvider> imds_provider(const ChainOptions& o) {
  return std::make_unique<ImdsProvider>(o);
}

CredentialsChain::CredentialsChain(ChainOptions options) : options_(std::move(options)) {
  providers_.push_back(environment_provider(options_));
  providers_.push_back(web_identity_provider(options_));
  providers_.push_back(profile_provider(options_));
  providers_.push_back(container_provider(options_));
  providers_.push_back(imds_provider(options_));
}

CredentialsChain::CredentialsChain(std::vector<std::unique_ptr<CredentialsProvider>> providers, ChainOptions options)
    : options_(std::move(options)), providers_(std::move(providers)) {}

Result<Credentials> CredentialsChain::get() {
  std::lock_guard<std::mutex> lock(mu_);
  if (cached_ && (!cached_->expiration || options_.clock() + kRefreshMargin < *cached_->expiration)) return *cached_;
  for (auto& p : providers_) {
    auto r = p->load();
    if (!r) {
      log::warn("AWS credentials provider failed", Json{{"provider", p->name()}, {"message", r.error().message}});
      return r.take_error();
    }
    if (r.value()) {
      cached_ = std::move(*r.value());
      // Whatever provider found them, their values never leave the process.
      secrets::remember(cached_->access_key_id);
      secrets::remember(cached_->secret_access_key);
      secrets::remember(cached_->session_token);
      log::debug("AWS credentials loaded", Json{{"provider", p->name()}});
      return *cached_;
    }
  }
  return credentials_error("chain",
                           "no credentials found (checked environment, web identity, shared files, container and "
                           "instance metadata)",
                           false);
}

void CredentialsChain::invalidate() {
  std::lock_guard<std::mutex> lock(mu_);
  cached_.reset();
}

}  // namespace pm::aws
