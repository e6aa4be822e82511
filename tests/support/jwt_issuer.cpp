#include "support/jwt_issuer.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <chrono>
#include <stdexcept>
#include <vector>

namespace pm::test {

namespace {

// Written here rather than taken from src/auth, so that the tests do not check the
// server's encoder with itself.
std::string b64url(const std::string& in) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16U) | (static_cast<unsigned char>(in[i + 1]) << 8U) |
                       static_cast<unsigned char>(in[i + 2]);
    out += alphabet[(v >> 18U) & 63U];
    out += alphabet[(v >> 12U) & 63U];
    out += alphabet[(v >> 6U) & 63U];
    out += alphabet[v & 63U];
  }
  if (in.size() - i == 1) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16U;
    out += alphabet[(v >> 18U) & 63U];
    out += alphabet[(v >> 12U) & 63U];
  } else if (in.size() - i == 2) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16U) | (static_cast<unsigned char>(in[i + 1]) << 8U);
    out += alphabet[(v >> 18U) & 63U];
    out += alphabet[(v >> 12U) & 63U];
    out += alphabet[(v >> 6U) & 63U];
  }
  return out;
}

std::string bn_param(EVP_PKEY* key, const char* name, int pad_to = 0) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) throw std::runtime_error(std::string("no key parameter ") + name);
  const int n = pad_to > 0 ? pad_to : BN_num_bytes(bn);
  std::string out(static_cast<std::size_t>(n), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), n);
  BN_free(bn);
  return out;
}

}  // namespace

struct JwtIssuer::Key {
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

JwtIssuer::JwtIssuer(Alg alg, std::string kid) : alg_(alg), kid_(std::move(kid)), key_(std::make_unique<Key>()) {
  key_->pkey = alg == Alg::kRS256 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048))
                                  : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (key_->pkey == nullptr) throw std::runtime_error("key generation failed");
}

JwtIssuer::~JwtIssuer() = default;

Json JwtIssuer::jwk() const {
  Json j = {{"kid", kid_}, {"use", "sig"}};
  if (alg_ == Alg::kRS256) {
    j["kty"] = "RSA";
    j["alg"] = "RS256";
    j["n"] = b64url(bn_param(key_->pkey, OSSL_PKEY_PARAM_RSA_N));
    j["e"] = b64url(bn_param(key_->pkey, OSSL_PKEY_PARAM_RSA_E));
  } else {
    j["kty"] = "EC";
    j["alg"] = "ES256";
    j["crv"] = "P-256";
    j["x"] = b64url(bn_param(key_->pkey, OSSL_PKEY_PARAM_EC_PUB_X, 32));
    j["y"] = b64url(bn_param(key_->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, 32));
  }
  return j;
}

std::string JwtIssuer::sign(const Json& claims) const {
  return sign_with_header({{"alg", alg_ == Alg::kRS256 ? "RS256" : "ES256"}, {"typ", "at+jwt"}, {"kid", kid_}}, claims);
}

std::string JwtIssuer::sign_with_header(const Json& header, const Json& claims) const {
  const std::string input = b64url(header.dump()) + "." + b64url(claims.dump());
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  std::size_t len = 0;
  if (md == nullptr || EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, key_->pkey) != 1 ||
      EVP_DigestSign(md, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    EVP_MD_CTX_free(md);
    throw std::runtime_error("signing failed");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(md, reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    EVP_MD_CTX_free(md);
    throw std::runtime_error("signing failed");
  }
  EVP_MD_CTX_free(md);
  sig.resize(len);
  if (alg_ == Alg::kES256) {
    // OpenSSL signs ECDSA in DER; a JWS carries R || S, 32 bytes each.
    const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
    ECDSA_SIG* ecdsa = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
    if (ecdsa == nullptr) throw std::runtime_error("not a DER ECDSA signature");
    std::string raw(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(ecdsa), reinterpret_cast<unsigned char*>(raw.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(ecdsa), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
    ECDSA_SIG_free(ecdsa);
    sig = raw;
  }
  return input + "." + b64url(sig);
}

Json jwks_of(std::initializer_list<const JwtIssuer*> issuers) {
  Json keys = Json::array();
  for (const auto* i : issuers) keys.push_back(i->jwk());
  return {{"keys", keys}};
}

long long unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace pm::test
