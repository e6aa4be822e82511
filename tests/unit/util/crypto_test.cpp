#include "util/crypto.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <random>
#include <set>
#include <string>
#include <vector>

namespace pm {
namespace {

std::string hex_of(const std::array<unsigned char, 32>& d) {
  return to_hex({reinterpret_cast<const char*>(d.data()), d.size()});
}

std::string digest(std::string_view data, Sha256::Engine engine) {
  Sha256 h(engine);
  h.update(data);
  return hex_of(h.finish());
}

// OpenSSL's SHA-256 and HMAC are the reference the implementation is compared with.
std::string openssl_sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EXPECT_EQ(EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr), 1);
  return to_hex({reinterpret_cast<const char*>(md), len});
}

std::string openssl_hmac(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EXPECT_NE(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                 reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len),
            nullptr);
  return to_hex({reinterpret_cast<const char*>(md), len});
}

const std::vector<Sha256::Engine> kEngines = {Sha256::Engine::kAuto, Sha256::Engine::kPortable};

TEST(Sha256, Fips180ExamplesOnBothEngines) {
  for (auto engine : kEngines) {
    SCOPED_TRACE(engine == Sha256::Engine::kAuto ? "auto" : "portable");
    EXPECT_EQ(digest("", engine), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(digest("abc", engine), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", engine),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(digest(std::string(1000000, 'a'), engine),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  }
}

TEST(Sha256, MatchesOpenSslOnEveryLengthAroundTheBlockBoundaries) {
  std::mt19937 rng(7);
  for (std::size_t len = 0; len <= 300; ++len) {
    std::string data(len, '\0');
    for (auto& c : data) c = static_cast<char>(rng());
    const std::string expected = openssl_sha256(data);
    for (auto engine : kEngines) EXPECT_EQ(digest(data, engine), expected) << "length " << len;
  }
}

TEST(Sha256, SplitUpdatesGiveTheSameDigest) {
  std::mt19937 rng(11);
  std::string data(5000, '\0');
  for (auto& c : data) c = static_cast<char>(rng());
  const std::string expected = openssl_sha256(data);
  for (auto engine : kEngines) {
    for (int trial = 0; trial < 50; ++trial) {
      Sha256 h(engine);
      std::size_t at = 0;
      while (at < data.size()) {
        const std::size_t n = std::min<std::size_t>(data.size() - at, rng() % 150);
        h.update(std::string_view(data).substr(at, n));
        at += n;
      }
      EXPECT_EQ(hex_of(h.finish()), expected);
    }
  }
}

TEST(Sha256, HexAndRawAgree) {
  EXPECT_EQ(to_hex(sha256_raw("abc")), sha256_hex("abc"));
  EXPECT_EQ(sha256_raw("abc").size(), 32U);
}

TEST(HmacSha256, Rfc4231TestCases) {
  // Test case 1: a 20-byte key.
  EXPECT_EQ(hmac_sha256_hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 2: a key shorter than the output.
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than a block is hashed first.
  EXPECT_EQ(hmac_sha256_hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256, MatchesOpenSslForKeysAroundTheBlockSize) {
  std::mt19937 rng(3);
  for (std::size_t key_len : {0U, 1U, 32U, 63U, 64U, 65U, 100U, 200U}) {
    for (std::size_t data_len : {0U, 1U, 55U, 56U, 64U, 1000U}) {
      std::string key(key_len, '\0');
      std::string data(data_len, '\0');
      for (auto& c : key) c = static_cast<char>(rng());
      for (auto& c : data) c = static_cast<char>(rng());
      EXPECT_EQ(hmac_sha256_hex(key, data), openssl_hmac(key, data)) << key_len << "/" << data_len;
      EXPECT_EQ(to_hex(hmac_sha256_raw(key, data)), hmac_sha256_hex(key, data));
    }
  }
}

TEST(RandomBytes, GivesTheLengthAskedAndDifferentBytesEachTime) {
  EXPECT_EQ(random_bytes(0), "");
  EXPECT_EQ(random_bytes(1000).size(), 1000U);
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(random_bytes(16));
  EXPECT_EQ(seen.size(), 100U);
  // 4096 random bytes: each byte value is missing with a chance of e^-16, so all
  // 256 appear almost always; a few missing would already be far from random.
  const std::string big = random_bytes(4096);
  std::set<unsigned char> values(big.begin(), big.end());
  EXPECT_GT(values.size(), 250U);
}

TEST(ToHex, LowercaseTwoDigitsPerByte) {
  EXPECT_EQ(to_hex(std::string("\x00\x0f\xf0\xff", 4)), "000ff0ff");
}

}  // namespace
}  // namespace pm
