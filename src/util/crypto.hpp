#pragma once
#include <string>
#include <string_view>

namespace pm {

// Lowercase hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view data);
// Raw 32-byte SHA-256.
std::string sha256_raw(std::string_view data);
// Raw 32-byte HMAC-SHA256.
std::string hmac_sha256_raw(std::string_view key, std::string_view data);
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
std::string to_hex(std::string_view bytes);
// Cryptographically random bytes (OpenSSL RAND_bytes).
std::string random_bytes(std::size_t n);

}  // namespace pm
