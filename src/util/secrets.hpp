#pragma once
// Secret values this process holds (AWS credentials from any provider of the
// chain, the nonce, org salts, container and web-identity tokens), so that no
// text leaving the process carries them: log lines (util/log.cpp does it for
// every record) and error messages built from what an upstream service said
// (a misbehaving endpoint may reflect the request's credentials back).
#include <string>
#include <string_view>

namespace pm::secrets {

// Values shorter than this are not remembered (they would redact ordinary words).
inline constexpr std::size_t kMinLength = 8;
// The newest values kept (temporary credentials are replaced every hour or so).
inline constexpr std::size_t kMaxKept = 256;
inline constexpr const char* kMark = "<redacted>";

// Remembers a secret value. Thread-safe.
void remember(std::string_view value);

// `text` with every remembered value replaced by kMark, also in the
// percent-encoded form a URL or a form body would carry it. Thread-safe.
std::string redact(std::string_view text);

// True for a JSON field name whose value is a secret wherever it appears
// ("nonce", "salt", "secretAccessKey", "sessionToken", "token", "password",
// "authorization"...), compared case-insensitively.
bool is_secret_field(std::string_view name);

}  // namespace pm::secrets
