#include "http/session_token.hpp"

#include <cctype>
#include <fstream>
#include <sstream>

#include "auth/jwt.hpp"
#include "util/config.hpp"
#include "util/crypto.hpp"
#include "util/json.hpp"
#include "util/secrets.hpp"

namespace pm::http {

namespace {

// The format's version, also bound into the MAC: a later format cannot be mistaken for this one.
constexpr std::string_view kPrefix = "s1.";
// An id longer than this was not issued here; refused before any decoding.
constexpr std::size_t kMaxIdBytes = 2048;
constexpr std::size_t kMaxKeyFileBytes = 16384;

bool same_bytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::vector<std::string> split_space(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

}  // namespace

Result<SessionSigner> SessionSigner::create(std::vector<std::string> keys) {
  if (keys.empty()) return Error{code::kInvalidInput, "no session key given"};
  for (const auto& k : keys) {
    if (k.size() < kMinKeyBytes) {
      return Error{code::kInvalidInput, "a session key is shorter than " + std::to_string(kMinKeyBytes) +
                                            " characters (make one with: openssl rand -hex 32)"};
    }
  }
  return SessionSigner(std::move(keys));
}

Result<SessionSigner> SessionSigner::load(const std::string& file, const char* env_name) {
  std::string text;
  if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Error{code::kFileNotFound, "cannot read the session key file " + file};
    text.resize(kMaxKeyFileBytes + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxKeyFileBytes) {
      return Error{code::kInvalidInput, "the session key file " + file + " is over 16 KiB"};
    }
  } else if (auto value = env_var_exact(env_name)) {
    text = std::move(*value);
  } else {
    return Error{
        code::kInvalidInput,
        std::string("stateless mode needs the replicas' shared session key: --session-key-file FILE or ") + env_name};
  }
  std::vector<std::string> keys = split_space(text);
  for (const auto& k : keys) secrets::remember(k);
  auto signer = create(std::move(keys));
  if (signer) return signer;
  Error e = signer.take_error();
  e.message = (file.empty() ? std::string(env_name) : "the session key file " + file) + ": " + e.message;
  return e;
}

std::string SessionSigner::issue(const SessionClaims& c) const {
  const Json payload = {{"v", c.protocol_version}, {"own", c.owner}, {"org", c.org}, {"exp", c.expires}};
  std::string signed_part = std::string(kPrefix) + auth::base64url_encode(dump_line(payload));
  const std::string mac = auth::base64url_encode(hmac_sha256_raw(keys_.front(), signed_part));
  return signed_part + "." + mac;
}

std::optional<SessionClaims> SessionSigner::verify(std::string_view id, long long now) const {
  if (id.size() > kMaxIdBytes || id.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  const auto dot = id.rfind('.');
  if (dot < kPrefix.size()) return std::nullopt;
  const std::string_view signed_part = id.substr(0, dot);
  const auto mac = auth::base64url_decode(id.substr(dot + 1));
  if (!mac) return std::nullopt;
  bool valid = false;
  for (const auto& k : keys_) valid = same_bytes(hmac_sha256_raw(k, signed_part), *mac) || valid;
  if (!valid) return std::nullopt;
  // Signed by us: the payload is ours, but is still read defensively.
  const auto text = auth::base64url_decode(signed_part.substr(kPrefix.size()));
  if (!text) return std::nullopt;
  const Json payload = Json::parse(*text, nullptr, false);
  if (!payload.is_object()) return std::nullopt;
  const auto v = payload.find("v");
  const auto own = payload.find("own");
  const auto org = payload.find("org");
  const auto exp = payload.find("exp");
  if (v == payload.end() || !v->is_string() || own == payload.end() || !own->is_string() || org == payload.end() ||
      !org->is_string() || exp == payload.end() || !exp->is_number_integer())
    return std::nullopt;
  SessionClaims c{v->get<std::string>(), own->get<std::string>(), org->get<std::string>(), exp->get<long long>()};
  if (now >= c.expires) return std::nullopt;
  return c;
}

}  // namespace pm::http
