#include "l0/invariants.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "l0/load.hpp"
#include "util/crypto.hpp"

namespace pm::l0 {
namespace {

SchemaHashInput schema_input(const std::string& content, const std::string& expected) {
  SchemaHashInput in;
  const std::string actual = sha256_hex(content);
  std::copy(actual.begin(), actual.end(), in.actual.begin());
  EXPECT_TRUE(normalise_expected_hash(expected, in)) << expected;
  return in;
}

const std::string kSchema = R"({"version":"1.0","type":"test"})";

TEST(SchemaHash, FullDigestMatches) {
  EXPECT_TRUE(check_schema_hash(schema_input(kSchema, sha256_hex(kSchema))));
}

TEST(SchemaHash, EightCharPrefixMatchesAndSevenIsRejected) {
  const std::string full = sha256_hex(kSchema);
  EXPECT_TRUE(check_schema_hash(schema_input(kSchema, full.substr(0, 8))));
  SchemaHashInput in;
  EXPECT_FALSE(normalise_expected_hash(full.substr(0, 7), in));
  EXPECT_FALSE(check_schema_hash(in));  // nothing loaded: never a pass
}

TEST(SchemaHash, UppercaseHexMatches) {
  std::string upper = sha256_hex(kSchema);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(check_schema_hash(schema_input(kSchema, upper)));
}

TEST(SchemaHash, OneChangedByteIsAMismatch) {
  EXPECT_FALSE(check_schema_hash(schema_input(kSchema + " ", sha256_hex(kSchema))));
  EXPECT_FALSE(check_schema_hash(schema_input(kSchema, "deadbeef")));
}

TEST(SchemaHash, NonHexOrTooLongExpectedIsRejected) {
  SchemaHashInput in;
  EXPECT_FALSE(normalise_expected_hash("wronghash", in));
  EXPECT_FALSE(normalise_expected_hash(std::string(65, 'a'), in));
}

TEST(Permissions, ReadAndNoneWithinDefaultCeilingPass) {
  const std::vector<Grant> grants = {{Level::kRead, Level::kRead, false, 3}, {Level::kNone, Level::kRead, false, 4}};
  auto out = check_permissions({grants, false});
  EXPECT_TRUE(out.passed);
  EXPECT_EQ(out.violations, 0u);
}

TEST(Permissions, EveryWriteBeyondCeilingCounts) {
  const std::vector<Grant> grants = {{Level::kWrite, Level::kRead, false, 4},
                                     {Level::kWrite, Level::kWrite, false, 5},  // allowed by policy
                                     {Level::kWrite, Level::kRead, true, 9}};   // write-all
  auto out = check_permissions({grants, false});
  EXPECT_FALSE(out.passed);
  EXPECT_EQ(out.violations, 2u);
}

TEST(Permissions, WriteAllExceedsEvenAWriteCeiling) {
  const std::vector<Grant> grants = {{Level::kWrite, Level::kWrite, true, 2}};
  EXPECT_FALSE(check_permissions({grants, false}).passed);
}

TEST(Permissions, NoGrantsPassesButAParseFailureFails) {
  EXPECT_TRUE(check_permissions({{}, false}).passed);
  auto out = check_permissions({{}, true});
  EXPECT_FALSE(out.passed);
  EXPECT_EQ(out.violations, 0u);
}

TEST(Drift, ExactThresholdPasses) {
  auto out = check_drift({150, 100, 0.5});
  EXPECT_TRUE(out.passed);
  EXPECT_DOUBLE_EQ(out.drift, 0.5);
}

TEST(Drift, JustAboveThresholdFails) {
  auto out = check_drift({150.01, 100, 0.5});
  EXPECT_FALSE(out.passed);
  EXPECT_GT(out.drift, 0.5);
}

TEST(Drift, DecreaseCountsAsDriftToo) {
  EXPECT_FALSE(check_drift({40, 100, 0.5}).passed);
  EXPECT_TRUE(check_drift({60, 100, 0.5}).passed);
}

TEST(Drift, NegativeBaselineUsesItsMagnitude) {
  auto out = check_drift({-300, -100, 0.5});
  EXPECT_FALSE(out.passed);
  EXPECT_DOUBLE_EQ(out.drift, 2.0);
}

TEST(Drift, ZeroBaselineZeroCurrentPasses) {
  auto out = check_drift({0, 0, 0.0});
  EXPECT_TRUE(out.passed);
  EXPECT_FALSE(out.unbounded);
  EXPECT_EQ(out.drift, 0.0);
}

TEST(Drift, ZeroBaselineNonZeroCurrentFailsUnbounded) {
  auto out = check_drift({0.001, 0, 1.0});
  EXPECT_FALSE(out.passed);
  EXPECT_TRUE(out.unbounded);
}

TEST(Drift, OverflowingDriftFailsUnbounded) {
  auto out = check_drift({1e308, 1e-308, 1.0});
  EXPECT_FALSE(out.passed);
  EXPECT_TRUE(out.unbounded);
  auto huge = check_drift({1e307, 1, 1.0});  // finite, but not as a percentage
  EXPECT_FALSE(huge.passed);
  EXPECT_TRUE(huge.unbounded);
  auto big = check_drift({1e300, 1, 1.0});
  EXPECT_FALSE(big.unbounded);
  EXPECT_DOUBLE_EQ(big.drift, 1e300 - 1);
}

constexpr std::int64_t kInvariantsNow = 1795594633344;

NonceInput nonce_at(std::int64_t age_ms, std::int64_t max_age_ms = kDefaultNonceMaxAgeMs) {
  NonceInput in;
  in.now_ms = kInvariantsNow;
  in.timestamp_ms = kInvariantsNow - age_ms;
  in.max_age_ms = max_age_ms;
  return in;
}

TEST(Nonce, FreshAtAgeZeroAndFiftyNineMinutes) {
  EXPECT_TRUE(check_nonce(nonce_at(0)).passed());
  EXPECT_TRUE(check_nonce(nonce_at(59 * 60 * 1000)).passed());
  EXPECT_TRUE(check_nonce(nonce_at(3600 * 1000 - 1)).passed());
}

TEST(Nonce, ExactlyMaxAgeIsExpired) {
  auto out = check_nonce(nonce_at(3600 * 1000));
  EXPECT_EQ(out.status, NonceStatus::kExpired);
  EXPECT_EQ(out.age_ms, 3600 * 1000);
  EXPECT_EQ(check_nonce(nonce_at(2 * 3600 * 1000)).status, NonceStatus::kExpired);
}

TEST(Nonce, CustomMaxAge) {
  EXPECT_TRUE(check_nonce(nonce_at(999, 1000)).passed());
  EXPECT_EQ(check_nonce(nonce_at(1000, 1000)).status, NonceStatus::kExpired);
}

TEST(Nonce, OneSecondInTheFutureFails) {
  auto out = check_nonce(nonce_at(-1000));
  EXPECT_EQ(out.status, NonceStatus::kFuture);
  EXPECT_EQ(out.age_ms, -1000);
}

TEST(Nonce, ClockSkewAllowanceEdge) {
  EXPECT_TRUE(check_nonce(nonce_at(-kNonceClockSkewMs)).passed());
  EXPECT_EQ(check_nonce(nonce_at(-kNonceClockSkewMs - 1)).status, NonceStatus::kFuture);
}

TEST(Nonce, MalformedTimestampFails) {
  NonceInput in = nonce_at(0);
  in.timestamp_valid = false;
  EXPECT_EQ(check_nonce(in).status, NonceStatus::kMalformed);
}

TEST(Nonce, EmptyNonceFails) {
  NonceInput in = nonce_at(0);
  in.nonce_empty = true;
  EXPECT_EQ(check_nonce(in).status, NonceStatus::kEmpty);
}

ContractionInput contraction(double prev, double cur, long long events, long long min = 10) {
  ContractionInput in;
  in.previous_fpr = prev;
  in.current_fpr = cur;
  in.reviewed_events = events;
  in.min_required = min;
  return in;
}

TEST(Contraction, EqualOrIncreasePassesWithoutEvidence) {
  auto equal = check_contraction(contraction(0.1, 0.1, 0));
  EXPECT_EQ(equal.status, ContractionStatus::kNoSignificantDecrease);
  EXPECT_TRUE(equal.passed());
  EXPECT_TRUE(check_contraction(contraction(0.1, 0.3, 0)).passed());
}

TEST(Contraction, TinyDecreaseIsNoise) {
  EXPECT_EQ(check_contraction(contraction(0.105, 0.1, 0)).status, ContractionStatus::kNoSignificantDecrease);
}

TEST(Contraction, DecreaseNeedsMinimumEvents) {
  auto short_by_one = check_contraction(contraction(0.15, 0.10, 9));
  EXPECT_EQ(short_by_one.status, ContractionStatus::kInsufficient);
  EXPECT_FALSE(short_by_one.passed());
  EXPECT_NEAR(short_by_one.decrease, 0.05, 1e-12);
  auto enough = check_contraction(contraction(0.15, 0.10, 10));
  EXPECT_EQ(enough.status, ContractionStatus::kValidated);
  EXPECT_TRUE(enough.passed());
}

TEST(Contraction, UnknownCountFailsClosed) {
  ContractionInput in = contraction(0.5, 0.1, 100);
  in.count_known = false;
  EXPECT_EQ(check_contraction(in).status, ContractionStatus::kUnavailable);
}

TEST(Invariants, NamesAndIdsResolve) {
  EXPECT_EQ(invariant_from_string("L0-003"), Invariant::kDriftMagnitude);
  EXPECT_EQ(invariant_from_string("contraction_witness"), Invariant::kContractionWitness);
  EXPECT_FALSE(invariant_from_string("L0-006"));
  EXPECT_EQ(info(Invariant::kDriftMagnitude).severity, Severity::kHigh);
  EXPECT_EQ(info(Invariant::kNonceFreshness).severity, Severity::kCritical);
}

}  // namespace
}  // namespace pm::l0
