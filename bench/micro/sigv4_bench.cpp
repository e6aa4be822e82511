// Cost of signing one DynamoDB request (SigV4: canonical request, HMAC chain,
// signature), paid on every store call in a team deployment.
#include <benchmark/benchmark.h>

#include "aws/sigv4.hpp"

namespace {

void BM_SigV4SignDynamoDbQuery(benchmark::State& state) {
  const pm::aws::Credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token",
                                   std::nullopt, "bench"};
  const std::string body(static_cast<std::size_t>(state.range(0)), 'x');
  const auto now = std::chrono::system_clock::now();
  for (auto _ : state) {
    pm::aws::SignableRequest r;
    r.method = "POST";
    r.host = "dynamodb.us-east-1.amazonaws.com";
    r.headers = {{"Content-Type", "application/x-amz-json-1.0"}, {"X-Amz-Target", "DynamoDB_20120810.Query"}};
    r.payload = body;
    pm::aws::sign(r, "us-east-1", "dynamodb", creds, now);
    benchmark::DoNotOptimize(r.headers.back().second.data());
  }
}
BENCHMARK(BM_SigV4SignDynamoDbQuery)->Arg(256)->Arg(4096);

}  // namespace
