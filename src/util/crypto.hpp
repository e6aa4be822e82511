#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pm {

// Incremental SHA-256 (FIPS 180-4). Blocks are compressed with the CPU's SHA
// extensions when it has them (x86-64 SHA-NI), else with portable code; both
// give the same digest.
class Sha256 {
 public:
  enum class Engine { kAuto, kPortable };
  explicit Sha256(Engine engine = Engine::kAuto);
  void update(std::string_view data);
  // The digest of everything passed to update(); the object is spent afterwards.
  std::array<unsigned char, 32> finish();
  // Whether kAuto uses the CPU's SHA instructions on this machine.
  static bool hardware_available();

 private:
  void compress(const unsigned char* blocks, std::size_t count);

  std::array<std::uint32_t, 8> state_;
  std::array<unsigned char, 64> pending_{};
  std::size_t pending_len_ = 0;
  std::uint64_t total_len_ = 0;
  bool hardware_;
};

// Lowercase hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view data);
// Raw 32-byte SHA-256.
std::string sha256_raw(std::string_view data);
// Raw 32-byte HMAC-SHA256 (RFC 2104).
std::string hmac_sha256_raw(std::string_view key, std::string_view data);
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
std::string to_hex(std::string_view bytes);
// Cryptographically random bytes from the kernel (getrandom(2)).
std::string random_bytes(std::size_t n);

}  // namespace pm
