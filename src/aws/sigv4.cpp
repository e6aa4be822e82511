#include "aws/sigv4.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>

#include "util/crypto.hpp"

namespace pm::aws {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Header values are trimmed and inner runs of spaces collapse to one.
std::string normalise_value(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string uri_encode(std::string_view s, bool keep_slash) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string amz_date(SysTime t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[20];
  // n is the length written, 0 if it did not fit (buf's contents are then undefined).
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return std::string(buf, n);
}

std::string signing_key(std::string_view secret, std::string_view date_stamp, std::string_view region,
                        std::string_view service) {
  std::string k = hmac_sha256_raw("AWS4" + std::string(secret), date_stamp);
  k = hmac_sha256_raw(k, region);
  k = hmac_sha256_raw(k, service);
  return hmac_sha256_raw(k, "aws4_request");
}

SigningSteps compute_signature(const SignableRequest& req, std::string_view amz_date_value, std::string_view region,
                               std::string_view service, const Credentials& creds) {
  SigningSteps s;

  std::vector<std::pair<std::string, std::string>> q;
  q.reserve(req.query.size());
  for (const auto& [k, v] : req.query) q.emplace_back(uri_encode(k, false), uri_encode(v, false));
  std::sort(q.begin(), q.end());
  std::string query;
  for (const auto& [k, v] : q) {
    if (!query.empty()) query += '&';
    query.append(k).append(1, '=').append(v);
  }

  // Sorted by lowercase name; repeated names join their values with commas.
  std::map<std::string, std::string> headers;
  headers["host"] = req.host;
  for (const auto& [k, v] : req.headers) {
    std::string name = lower(k);
    if (name == "authorization") continue;
    auto [it, inserted] = headers.emplace(name, normalise_value(v));
    if (!inserted) it->second += "," + normalise_value(v);
  }
  std::string canonical_headers;
  for (const auto& [k, v] : headers) {
    canonical_headers.append(k).append(1, ':').append(v).append(1, '\n');
    if (!s.signed_headers.empty()) s.signed_headers += ';';
    s.signed_headers += k;
  }

  s.canonical_request = req.method + "\n" + (req.path.empty() ? std::string("/") : req.path) + "\n" + query + "\n" +
                        canonical_headers + "\n" + s.signed_headers + "\n" + sha256_hex(req.payload);

  std::string date_stamp(amz_date_value.substr(0, 8));
  std::string scope = date_stamp + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";
  s.string_to_sign =
      "AWS4-HMAC-SHA256\n" + std::string(amz_date_value) + "\n" + scope + "\n" + sha256_hex(s.canonical_request);
  s.signature =
      to_hex(hmac_sha256_raw(signing_key(creds.secret_access_key, date_stamp, region, service), s.string_to_sign));
  s.authorization = "AWS4-HMAC-SHA256 Credential=" + creds.access_key_id + "/" + scope +
                    ", SignedHeaders=" + s.signed_headers + ", Signature=" + s.signature;
  return s;
}

void sign(SignableRequest& req, std::string_view region, std::string_view service, const Credentials& creds,
          SysTime now) {
  std::string date = amz_date(now);
  req.headers.emplace_back("X-Amz-Date", date);
  if (!creds.session_token.empty()) req.headers.emplace_back("X-Amz-Security-Token", creds.session_token);
  SigningSteps s = compute_signature(req, date, region, service, creds);
  req.headers.emplace_back("Authorization", std::move(s.authorization));
}

}  // namespace pm::aws
