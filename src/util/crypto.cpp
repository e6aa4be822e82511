#include "util/crypto.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

namespace pm {

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xF]);
  }
  return out;
}

namespace {

// EVP_sha256() makes OpenSSL 3 look the implementation up in its provider
// store on every digest, which costs several times the hashing of a short
// input (findingIds hash a few dozen bytes each): fetch it once and keep one
// context per thread. The fetched method is freed at exit, before OpenSSL's
// own cleanup, which the fetch registered earlier.
struct MdFree {
  void operator()(EVP_MD* md) const { EVP_MD_free(md); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

const EVP_MD* sha256_md() {
  static const std::unique_ptr<EVP_MD, MdFree> md(EVP_MD_fetch(nullptr, "SHA256", nullptr));
  if (!md) throw std::runtime_error("sha256 unavailable");
  return md.get();
}

EVP_MD_CTX* thread_digest_ctx() {
  thread_local const std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx) throw std::runtime_error("sha256 failed");
  return ctx.get();
}

}  // namespace

std::string sha256_raw(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = thread_digest_ctx();
  if (EVP_DigestInit_ex(ctx, sha256_md(), nullptr) != 1 || EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, md, &len) != 1) {
    throw std::runtime_error("sha256 failed");
  }
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string sha256_hex(std::string_view data) {
  return to_hex(sha256_raw(data));
}

std::string hmac_sha256_raw(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
           data.size(), md, &len) == nullptr) {
    throw std::runtime_error("hmac failed");
  }
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  return to_hex(hmac_sha256_raw(key, data));
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return out;
}

}  // namespace pm
