#include "util/secrets.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <deque>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

namespace pm::secrets {
namespace {

std::shared_mutex g_mu;
std::atomic<bool> g_any{false};

// Each value and its percent-encoded form when that differs, oldest first.
std::deque<std::string>& values_locked() {
  static std::deque<std::string> values;
  return values;
}

std::string percent_encoded(std::string_view v) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

void add_locked(std::string value) {
  auto& values = values_locked();
  if (std::find(values.begin(), values.end(), value) != values.end()) return;
  values.push_back(std::move(value));
  while (values.size() > 2 * kMaxKept) values.pop_front();
}

}  // namespace

void remember(std::string_view value) {
  if (value.size() < kMinLength) return;
  std::unique_lock lock(g_mu);
  add_locked(std::string(value));
  if (std::string enc = percent_encoded(value); enc != value) add_locked(std::move(enc));
  g_any = true;
}

std::string redact(std::string_view text) {
  std::string out(text);
  if (!g_any.load(std::memory_order_relaxed)) return out;
  std::shared_lock lock(g_mu);
  // Longest first, so that a value containing another is replaced whole.
  std::vector<const std::string*> values;
  values.reserve(values_locked().size());
  for (const auto& v : values_locked()) values.push_back(&v);
  std::sort(values.begin(), values.end(),
            [](const std::string* a, const std::string* b) { return a->size() > b->size(); });
  for (const std::string* v : values) {
    for (std::size_t at = out.find(*v); at != std::string::npos;
         at = out.find(*v, at + std::char_traits<char>::length(kMark))) {
      out.replace(at, v->size(), kMark);
    }
  }
  return out;
}

bool is_secret_field(std::string_view name) {
  std::string n(name);
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  n.erase(std::remove_if(n.begin(), n.end(), [](char c) { return c == '_' || c == '-'; }), n.end());
  static const char* kNames[] = {
      "nonce",           "salt",  "orgsalt",  "secret",        "secretaccesskey", "awssecretaccesskey", "sessiontoken",
      "awssessiontoken", "token", "password", "authorization", "webidentitytoken"};
  return std::any_of(std::begin(kNames), std::end(kNames), [&](const char* k) { return n == k; });
}

}  // namespace pm::secrets
