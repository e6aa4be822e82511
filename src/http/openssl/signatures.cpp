// The signature checks of JWT access tokens on OpenSSL 3's libcrypto, in the HTTP module
// (auth/signatures.hpp): the binary never links libcrypto, so stdio never maps it.
#include "auth/signatures.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>
#include <string>
#include <string_view>

namespace pm::auth {
namespace {

constexpr int kMinRsaBits = 2048;
constexpr std::size_t kP256CoordinateBytes = 32;

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using Bn = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using ParamBld = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using EcdsaSig = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>>;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
}

Bn to_bn(std::string_view big_endian) {
  return Bn(BN_bin2bn(bytes(big_endian), static_cast<int>(big_endian.size()), nullptr));
}

// A public key from OSSL_PARAMs of `type` ("RSA", "EC").
Pkey from_params(const char* type, const OSSL_PARAM* params) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, const_cast<OSSL_PARAM*>(params)) != 1) {
    return nullptr;
  }
  return Pkey(raw);
}

bool digest_verify(EVP_PKEY* key, std::string_view input, std::string_view der_or_raw) {
  MdCtx md(EVP_MD_CTX_new());
  if (!md || EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key) != 1) return false;
  return EVP_DigestVerify(md.get(), bytes(der_or_raw), der_or_raw.size(), bytes(input), input.size()) == 1;
}

class RsaKey final : public PublicKey {
 public:
  explicit RsaKey(Pkey key) : key_(std::move(key)) {}
  bool verify(std::string_view input, std::string_view signature) const override {
    // RFC 7518 §3.3: the signature is exactly as long as the modulus.
    if (signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key_.get()))) return false;
    return digest_verify(key_.get(), input, signature);
  }

 private:
  Pkey key_;
};

class P256Key final : public PublicKey {
 public:
  explicit P256Key(Pkey key) : key_(std::move(key)) {}
  bool verify(std::string_view input, std::string_view signature) const override {
    // RFC 7518 §3.4: R || S, 32 bytes each; OpenSSL checks the DER form.
    if (signature.size() != 2 * kP256CoordinateBytes) return false;
    EcdsaSig sig(ECDSA_SIG_new());
    Bn r = to_bn(signature.substr(0, kP256CoordinateBytes));
    Bn s = to_bn(signature.substr(kP256CoordinateBytes));
    if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return false;
    (void)r.release();  // owned by sig now
    (void)s.release();
    unsigned char* der = nullptr;
    const int len = i2d_ECDSA_SIG(sig.get(), &der);
    if (len <= 0) return false;
    const std::string der_sig(
        reinterpret_cast<const char*>(der),  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
        static_cast<std::size_t>(len));
    OPENSSL_free(der);
    return digest_verify(key_.get(), input, der_sig);
  }

 private:
  Pkey key_;
};

class OpenSslChecker final : public SignatureChecker {
 public:
  std::unique_ptr<PublicKey> rsa_key(std::string_view n, std::string_view e, std::string* error) const override {
    Bn bn_n = to_bn(n);
    Bn bn_e = to_bn(e);
    ParamBld bld(OSSL_PARAM_BLD_new());
    if (!bn_n || !bn_e || !bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
      *error = "out of memory";
      return nullptr;
    }
    if (BN_num_bits(bn_n.get()) < kMinRsaBits) {
      *error = "an RSA modulus under " + std::to_string(kMinRsaBits) + " bits";
      return nullptr;
    }
    if (BN_is_odd(bn_e.get()) == 0 || BN_is_one(bn_e.get()) == 1) {
      *error = "not a usable RSA public exponent";
      return nullptr;
    }
    Params params(OSSL_PARAM_BLD_to_param(bld.get()));
    Pkey key = params ? from_params("RSA", params.get()) : nullptr;
    if (!key) {
      *error = "not a usable RSA key";
      return nullptr;
    }
    return std::make_unique<RsaKey>(std::move(key));
  }

  std::unique_ptr<PublicKey> p256_key(std::string_view x, std::string_view y, std::string* error) const override {
    if (x.size() != kP256CoordinateBytes || y.size() != kP256CoordinateBytes) {
      *error = "P-256 coordinates must be 32 bytes each";
      return nullptr;
    }
    // SEC 1 uncompressed point: 0x04 || x || y.
    std::string point(1, '\x04');
    point.append(x);
    point.append(y);
    ParamBld bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
      *error = "out of memory";
      return nullptr;
    }
    Params params(OSSL_PARAM_BLD_to_param(bld.get()));
    Pkey key = params ? from_params("EC", params.get()) : nullptr;
    // fromdata does not promise to check that the point is on the curve; a point off it
    // would open invalid-curve attacks on nothing here (we only verify), but it is no key.
    PkeyCtx check(key ? EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr) : nullptr);
    if (!key || !check || EVP_PKEY_public_check(check.get()) != 1) {
      *error = "not a point on P-256";
      return nullptr;
    }
    return std::make_unique<P256Key>(std::move(key));
  }
};

}  // namespace
}  // namespace pm::auth

extern "C" __attribute__((visibility("default"))) const pm::auth::SignatureChecker* pm_http_signature_checker() {
  static const pm::auth::OpenSslChecker checker;
  return &checker;
}
