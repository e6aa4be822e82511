#include "util/budget.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace pm {
namespace {

using namespace std::chrono_literals;

TEST(Budget, UnlimitedNeverStops) {
  Budget b;
  for (int i = 0; i < 100000; ++i) ASSERT_TRUE(b.step());
  EXPECT_TRUE(b.step(std::uint64_t{1} << 40));
  EXPECT_TRUE(b.charge(std::uint64_t{1} << 40));
  EXPECT_FALSE(b.stopped());
  EXPECT_EQ(b.reason(), BudgetStop::kNone);
}

TEST(Budget, StepAllowanceIsExactAndSticky) {
  Budget b(Budget::Limits{std::nullopt, 5000, Budget::kUnlimited});
  for (int i = 0; i < 5000; ++i) ASSERT_TRUE(b.step()) << i;
  EXPECT_FALSE(b.step());
  EXPECT_EQ(b.reason(), BudgetStop::kSteps);
  // Once stopped, everything says stop.
  EXPECT_FALSE(b.step());
  EXPECT_FALSE(b.charge(1));
  const Error e = b.error("check_adr_compliance");
  EXPECT_EQ(e.code, code::kTimeout);
  EXPECT_FALSE(e.retryable);
  EXPECT_EQ(e.details["budget"], "steps");
  EXPECT_EQ(e.details["limit"], 5000);
  EXPECT_NE(e.message.find("5000 steps"), std::string::npos) << e.message;
}

TEST(Budget, ZeroStepsStopsAtTheFirstStep) {
  Budget b(Budget::Limits{std::nullopt, 0, Budget::kUnlimited});
  EXPECT_FALSE(b.step());
  EXPECT_EQ(b.reason(), BudgetStop::kSteps);
}

TEST(Budget, DeadlineStopsWithinOneLook) {
  Budget b(Budget::Limits{0ns, Budget::kUnlimited, Budget::kUnlimited});
  // Small steps look at the clock every kLookEvery units.
  std::uint64_t n = 0;
  while (b.step()) ++n;
  EXPECT_LT(n, Budget::kLookEvery);
  EXPECT_EQ(b.reason(), BudgetStop::kDeadline);
  const Error e = b.error("check_adr_compliance");
  EXPECT_EQ(e.code, code::kTimeout);
  EXPECT_TRUE(e.retryable);
  EXPECT_EQ(e.details["budget"], "deadline");
}

TEST(Budget, ALargeCostLooksAtOnce) {
  Budget b(Budget::Limits{0ns, Budget::kUnlimited, Budget::kUnlimited});
  EXPECT_FALSE(b.step(Budget::kLookEvery));
  EXPECT_EQ(b.reason(), BudgetStop::kDeadline);
}

TEST(Budget, LimitsForATimeout) {
  Budget b(Budget::limits_for(60000));
  EXPECT_TRUE(b.step(Budget::kLookEvery));
  Budget none(Budget::limits_for(0));
  EXPECT_TRUE(none.step(Budget::kLookEvery));
  Budget late(Budget::limits_for(1));
  std::this_thread::sleep_for(5ms);
  EXPECT_FALSE(late.step(Budget::kLookEvery));
  EXPECT_EQ(late.error("x").details["timeoutMs"], 1);
}

TEST(Budget, CancellationIsSeenAtTheNextLook) {
  CancellationToken token;
  Budget b(Budget::Limits{}, &token);
  EXPECT_TRUE(b.step(Budget::kLookEvery));
  token.cancel(StopReason::kCancelled);
  std::uint64_t n = 0;
  while (b.step()) ++n;
  EXPECT_LE(n, Budget::kLookEvery);
  EXPECT_EQ(b.reason(), BudgetStop::kCancelled);
  const Error e = b.error("x");
  EXPECT_EQ(e.code, code::kTimeout);
  EXPECT_FALSE(e.retryable);
  EXPECT_EQ(e.details["budget"], "cancelled");
  EXPECT_NE(e.message.find("cancelled"), std::string::npos) << e.message;
}

TEST(Budget, TokenTimeoutIsTheCallsDeadline) {
  CancellationToken token;
  Budget b(Budget::Limits{}, &token);  // no deadline of its own: the dispatcher's watchdog has it
  token.cancel(StopReason::kTimeout);
  EXPECT_FALSE(b.step(Budget::kLookEvery));
  EXPECT_EQ(b.reason(), BudgetStop::kDeadline);
  const Error e = b.error("x");
  EXPECT_EQ(e.code, code::kTimeout);
  EXPECT_TRUE(e.retryable);
  EXPECT_EQ(e.details["budget"], "deadline");
  EXPECT_FALSE(e.details.contains("timeoutMs"));
  EXPECT_NE(e.message.find("ran past its time limit"), std::string::npos) << e.message;
}

TEST(Budget, TokenShutdown) {
  CancellationToken token;
  Budget b(Budget::Limits{}, &token);
  token.cancel(StopReason::kShutdown);
  EXPECT_FALSE(b.step(Budget::kLookEvery));
  EXPECT_EQ(b.reason(), BudgetStop::kShutdown);
  const Error e = b.error("x");
  EXPECT_EQ(e.details["budget"], "shutdown");
  EXPECT_TRUE(e.retryable);
  EXPECT_NE(e.message.find("shutting down"), std::string::npos) << e.message;
}

TEST(Budget, CancellationFromAnotherThread) {
  CancellationToken token;
  Budget b(Budget::Limits{}, &token);
  std::thread t([&token] {
    std::this_thread::sleep_for(20ms);
    token.cancel(StopReason::kCancelled);
  });
  while (b.step()) {
  }
  t.join();
  EXPECT_EQ(b.reason(), BudgetStop::kCancelled);
}

TEST(Budget, MemoryAllowance) {
  Budget b(Budget::Limits{std::nullopt, Budget::kUnlimited, 3u << 20});
  EXPECT_TRUE(b.charge(1u << 20));
  EXPECT_TRUE(b.charge(2u << 20));
  EXPECT_EQ(b.bytes_charged(), 3u << 20);
  EXPECT_FALSE(b.charge(1));
  EXPECT_EQ(b.reason(), BudgetStop::kMemory);
  EXPECT_FALSE(b.step());
  const Error e = b.error("check_adr_compliance");
  EXPECT_EQ(e.details["budget"], "memory");
  EXPECT_NE(e.message.find("3 MiB"), std::string::npos) << e.message;
}

TEST(Budget, ChargeSaturatesInsteadOfWrapping) {
  Budget b(Budget::Limits{std::nullopt, Budget::kUnlimited, 100});
  EXPECT_TRUE(b.charge(50));
  EXPECT_FALSE(b.charge(Budget::kUnlimited));
  EXPECT_EQ(b.reason(), BudgetStop::kMemory);
}

TEST(Budget, ExpiredScopeStopsOnlyItsPartOfTheWork) {
  Budget b(Budget::limits_for(60000));
  {
    auto scope = b.scope(0ns);
    EXPECT_FALSE(b.step());
    EXPECT_TRUE(scope.expired());
    EXPECT_EQ(b.reason(), BudgetStop::kScope);
  }
  // The outer budget goes on.
  EXPECT_FALSE(b.stopped());
  EXPECT_TRUE(b.step(Budget::kLookEvery));
}

TEST(Budget, ScopeThatDoesNotExpire) {
  Budget b;
  {
    auto scope = b.scope(1h);
    EXPECT_TRUE(b.step(Budget::kLookEvery));
    EXPECT_FALSE(scope.expired());
  }
  EXPECT_TRUE(b.step(Budget::kLookEvery));
}

TEST(Budget, OuterStopsSurviveTheScope) {
  Budget b(Budget::Limits{0ns, Budget::kUnlimited, Budget::kUnlimited});
  {
    auto scope = b.scope(1h);  // later than the call's deadline: the call's stays in force
    EXPECT_FALSE(b.step());
    EXPECT_FALSE(scope.expired());
    EXPECT_EQ(b.reason(), BudgetStop::kDeadline);
  }
  EXPECT_TRUE(b.stopped());
  EXPECT_EQ(b.reason(), BudgetStop::kDeadline);
}

TEST(Budget, NestedScopes) {
  Budget b;
  auto outer = b.scope(0ns);
  {
    auto inner = b.scope(1h);
    EXPECT_FALSE(b.step());
    // The outer scope's deadline passed, not the inner's: leaving the inner
    // scope does not lift the stop.
    EXPECT_FALSE(inner.expired());
    EXPECT_TRUE(outer.expired());
  }
  EXPECT_TRUE(b.stopped());
  EXPECT_TRUE(outer.expired());
}

TEST(Budget, CancelledInsideAScopeStaysCancelled) {
  CancellationToken token;
  Budget b(Budget::Limits{}, &token);
  {
    auto scope = b.scope(1h);
    token.cancel(StopReason::kCancelled);
    EXPECT_FALSE(b.step(Budget::kLookEvery));
    EXPECT_FALSE(scope.expired());
  }
  EXPECT_EQ(b.reason(), BudgetStop::kCancelled);
}

}  // namespace
}  // namespace pm
