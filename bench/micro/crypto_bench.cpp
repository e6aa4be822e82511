// SHA-256 as the server uses it: a findingId hashes a few dozen bytes, every
// file read from the workspace is hashed whole (MD-005 drift, the file list of
// an analysis). "portable" is the code used on CPUs without SHA extensions.
#include <benchmark/benchmark.h>

#include <string>

#include "util/crypto.hpp"

namespace {

void sha256(benchmark::State& state, pm::Sha256::Engine engine) {
  const std::string data(static_cast<std::size_t>(state.range(0)), 'x');
  for (auto _ : state) {
    pm::Sha256 h(engine);
    h.update(data);
    auto digest = h.finish();
    benchmark::DoNotOptimize(digest.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
  state.SetLabel(engine == pm::Sha256::Engine::kPortable ? "portable"
                 : pm::Sha256::hardware_available()      ? "SHA-NI"
                                                         : "portable (no SHA-NI)");
}

void BM_Sha256(benchmark::State& state) {
  sha256(state, pm::Sha256::Engine::kAuto);
}
void BM_Sha256Portable(benchmark::State& state) {
  sha256(state, pm::Sha256::Engine::kPortable);
}
BENCHMARK(BM_Sha256)->Arg(64)->Arg(1 << 20);
BENCHMARK(BM_Sha256Portable)->Arg(64)->Arg(1 << 20);

void BM_HmacSha256OrgId(benchmark::State& state) {
  const std::string salt(32, 's');
  for (auto _ : state) {
    auto mac = pm::hmac_sha256_hex(salt, "acme-corp");
    benchmark::DoNotOptimize(mac.data());
  }
}
BENCHMARK(BM_HmacSha256OrgId);

}  // namespace
