#include "auth/jwt.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <set>

#include "util/json.hpp"

namespace pm::auth {

namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// The value of each base64url character, 64 for any other byte.
constexpr std::array<unsigned char, 256> decode_table() {
  std::array<unsigned char, 256> t{};
  for (auto& v : t) v = 64;
  for (std::size_t i = 0; i < kAlphabet.size(); ++i)
    t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<unsigned char>(i);
  return t;
}
constexpr auto kDecode = decode_table();

Denial invalid_token(std::string why) {
  return Denial{401, "invalid_token", std::move(why), ""};
}

std::optional<Json> json_part(std::string_view b64) {
  auto text = base64url_decode(b64);
  if (!text) return std::nullopt;
  Json j = parse_or_discard(*text);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

// A NumericDate (RFC 7519 §2): seconds since the epoch, possibly fractional.
std::optional<double> numeric_date(const Json& claims, const char* name) {
  if (!claims.contains(name)) return std::nullopt;
  const Json& v = claims[name];
  if (!v.is_number()) return std::nullopt;
  const double d = v.get<double>();
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

std::vector<std::string> split_spaces(const std::string& s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto end = s.find(' ', i);
    const auto stop = end == std::string::npos ? s.size() : end;
    if (stop > i) out.push_back(s.substr(i, stop - i));
    i = stop + 1;
  }
  return out;
}

std::vector<std::string> scopes_of(const Json& claims) {
  if (claims.contains("scope") && claims["scope"].is_string()) return split_spaces(claims["scope"].get<std::string>());
  if (claims.contains("scp")) {
    const Json& scp = claims["scp"];
    if (scp.is_string()) return split_spaces(scp.get<std::string>());
    std::vector<std::string> out;
    if (scp.is_array()) {
      for (const auto& s : scp) {
        if (s.is_string()) out.push_back(s.get<std::string>());
      }
    }
    return out;
  }
  return {};
}

bool audience_matches(const Json& claims, const std::string& audience) {
  if (!claims.contains("aud")) return false;
  const Json& aud = claims["aud"];
  if (aud.is_string()) return aud.get<std::string>() == audience;
  if (!aud.is_array()) return false;
  return std::any_of(aud.begin(), aud.end(),
                     [&](const Json& a) { return a.is_string() && a.get<std::string>() == audience; });
}

// RFC 9068 §2.1 names at+jwt; many servers write JWT or nothing.
bool acceptable_type(const Json& header) {
  if (!header.contains("typ")) return true;
  if (!header["typ"].is_string()) return false;
  std::string typ = header["typ"].get<std::string>();
  std::transform(typ.begin(), typ.end(), typ.begin(), [](unsigned char c) { return std::tolower(c); });
  return typ == "jwt" || typ == "at+jwt" || typ == "application/at+jwt";
}

std::string member(const Json& j, const char* name) {
  return j.contains(name) && j[name].is_string() ? j[name].get<std::string>() : std::string();
}

}  // namespace

std::optional<std::string> base64url_decode(std::string_view in) {
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(in.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const unsigned char v = kDecode[static_cast<unsigned char>(c)];
    if (v == 64) return std::nullopt;
    acc = (acc << 6U) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> static_cast<unsigned>(bits)) & 0xFFU));
    }
  }
  // Leftover bits must be zero: another encoding of the same bytes is not the same token.
  if ((acc & ((1U << static_cast<unsigned>(bits)) - 1U)) != 0) return std::nullopt;
  return out;
}

std::string base64url_encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    acc = (acc << 8U) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> static_cast<unsigned>(bits)) & 0x3FU]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << static_cast<unsigned>(6 - bits)) & 0x3FU]);
  return out;
}

bool looks_like_jwt(std::string_view token) {
  return std::count(token.begin(), token.end(), '.') == 2;
}

Result<KeySet> parse_jwks(std::string_view text, const SignatureChecker& checker, std::vector<std::string>* skipped) {
  const Json doc = parse_or_discard(text);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array()) {
    return Error::invalid_input("not a JSON Web Key Set (an object with a \"keys\" array)");
  }
  KeySet set;
  for (std::size_t i = 0; i < doc["keys"].size(); ++i) {
    const Json& k = doc["keys"][i];
    const std::string at = "keys[" + std::to_string(i) + "]";
    auto skip = [&](const std::string& why) {
      if (skipped == nullptr) return;
      std::string line = at;
      if (k.is_object() && k.contains("kid")) line += " (kid " + member(k, "kid") + ")";
      line += ": ";
      line += why;
      skipped->push_back(std::move(line));
    };
    if (!k.is_object()) {
      skip("not an object");
      continue;
    }
    const std::string kty = member(k, "kty");
    const std::string use = member(k, "use");
    const std::string alg = member(k, "alg");
    if (k.contains("use") && use != "sig") {
      skip("not a signing key (use)");
      continue;
    }
    std::string error;
    std::unique_ptr<PublicKey> key;
    std::string key_alg;
    auto decoded = [&](const char* name) { return base64url_decode(member(k, name)); };
    if (kty == "RSA") {
      key_alg = "RS256";
      auto n = decoded("n");
      auto e = decoded("e");
      if (!n || !e || n->empty() || e->empty()) {
        skip("RSA key without base64url n and e");
        continue;
      }
      key = checker.rsa_key(*n, *e, &error);
    } else if (kty == "EC" && member(k, "crv") == "P-256") {
      key_alg = "ES256";
      auto x = decoded("x");
      auto y = decoded("y");
      if (!x || !y) {
        skip("EC key without base64url x and y");
        continue;
      }
      key = checker.p256_key(*x, *y, &error);
    } else {
      skip("key type not used here (RSA and EC P-256 are)");
      continue;
    }
    if (k.contains("alg") && alg != key_alg) {
      skip("alg is not " + key_alg);
      continue;
    }
    if (!key) {
      skip(error);
      continue;
    }
    set.keys.push_back(Jwk{member(k, "kid"), key_alg, std::shared_ptr<const PublicKey>(std::move(key))});
  }
  if (set.keys.empty()) return Error::invalid_input("no RS256 or ES256 signing key in the key set");
  return set;
}

JwtVerdict verify_jwt(std::string_view token, const KeySet& keys, const TokenPolicy& policy,
                      std::chrono::system_clock::time_point now) {
  JwtVerdict v;
  if (token.size() > kMaxTokenBytes) {
    v.outcome = invalid_token("The access token is too large");
    return v;
  }
  const auto dot1 = token.find('.');
  const auto dot2 = token.find('.', dot1 + 1);
  if (dot1 == std::string_view::npos || dot2 == std::string_view::npos ||
      token.find('.', dot2 + 1) != std::string_view::npos) {
    v.outcome = invalid_token("The access token is not a JWT");
    return v;
  }
  const auto header = json_part(token.substr(0, dot1));
  const auto claims = json_part(token.substr(dot1 + 1, dot2 - dot1 - 1));
  const auto signature = base64url_decode(token.substr(dot2 + 1));
  if (!header || !claims || !signature) {
    v.outcome = invalid_token("The access token is not a well-formed JWT");
    return v;
  }
  const std::string alg = member(*header, "alg");
  if (alg != "RS256" && alg != "ES256") {
    v.outcome = invalid_token("The access token's algorithm is not accepted (RS256 and ES256 are)");
    return v;
  }
  if (!acceptable_type(*header)) {
    v.outcome = invalid_token("The token is not an access token (typ)");
    return v;
  }
  // RFC 7515 §4.1.11: extensions we do not understand make the token unusable.
  if (header->contains("crit")) {
    v.outcome = invalid_token("The access token has critical header parameters this server does not support");
    return v;
  }
  const std::string kid = member(*header, "kid");
  const std::string_view signed_input = token.substr(0, dot2);
  bool candidate = false;
  bool verified = false;
  for (const auto& k : keys.keys) {
    if (k.alg != alg || (!kid.empty() && k.kid != kid)) continue;
    candidate = true;
    if (k.key->verify(signed_input, *signature)) {
      verified = true;
      break;
    }
  }
  if (!candidate) {
    v.unknown_key = true;
    v.outcome = invalid_token("No key of the authorization server matches the access token");
    return v;
  }
  if (!verified) {
    v.outcome = invalid_token("The access token's signature does not verify");
    return v;
  }
  // The claims are read only once the signature holds.
  const double t = std::chrono::duration<double>(now.time_since_epoch()).count();
  const auto leeway = static_cast<double>(policy.leeway.count());
  if (member(*claims, "iss") != policy.issuer) {
    v.outcome = invalid_token("The access token was not issued by the trusted authorization server");
    return v;
  }
  if (!audience_matches(*claims, policy.audience)) {
    v.outcome = invalid_token("The access token is not meant for this server (aud)");
    return v;
  }
  const auto exp = numeric_date(*claims, "exp");
  if (!exp) {
    v.outcome = invalid_token("The access token has no expiry (exp)");
    return v;
  }
  if (t >= *exp + leeway) {
    v.outcome = invalid_token("The access token has expired");
    return v;
  }
  if (claims->contains("nbf")) {
    const auto nbf = numeric_date(*claims, "nbf");
    if (!nbf || t < *nbf - leeway) {
      v.outcome = invalid_token("The access token is not valid yet (nbf)");
      return v;
    }
  }
  const std::string sub = member(*claims, "sub");
  if (sub.empty()) {
    v.outcome = invalid_token("The access token names no subject (sub)");
    return v;
  }
  Principal p;
  p.name = sub;
  p.subject = "jwt:" + sub;
  p.scopes = scopes_of(*claims);
  if (!policy.org_claim.empty() && claims->contains(policy.org_claim)) {
    // A claim that is there but unreadable must not leave the token unrestricted.
    const Json& org = (*claims)[policy.org_claim];
    if (!org.is_string() || org.get<std::string>().empty()) {
      v.outcome = invalid_token("The access token's organisation claim is not a name");
      return v;
    }
    p.org = org.get<std::string>();
  }
  v.outcome = std::move(p);
  return v;
}

}  // namespace pm::auth
