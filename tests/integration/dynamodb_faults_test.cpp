// Faults injected against the real DynamoDB-protocol server (dynalite): the
// server stopped, slowed down by a loopback proxy beyond the client timeout,
// replaced by a loopback fake answering garbage, 500s or throttling; and the
// guarantee that a failed write leaves nothing half-written.
#include <gtest/gtest.h>

#include <atomic>

#include "aws/http.hpp"
#include "integration/dynamodb_server.hpp"
#include "store/dynamodb/backends.hpp"
#include "support/fake_http_server.hpp"

namespace pm::store::dynamodb {
namespace {

using test::FakeHttpServer;
using test::FakeRequest;
using test::FakeResponse;

const OrgKey kOrg{{{1, std::string(64, 'a')}}};
const OrgKey kOtherOrg{{{1, std::string(64, 'c')}}};

// Forwards one request to `endpoint` (the real server) and returns its answer.
FakeResponse forward(const std::string& endpoint, const FakeRequest& r) {
  aws::HttpRequest req;
  req.method = r.method;
  req.url = endpoint + r.target;
  for (const char* h : {"content-type", "x-amz-target", "x-amz-date", "authorization"}) {
    if (!r.header(h).empty()) req.headers.emplace_back(h, r.header(h));
  }
  req.body = r.body;
  aws::HttpResult res = aws::curl_http_client()->send(req);
  FakeResponse out;
  if (!res.ok()) {
    out.drop = true;
    return out;
  }
  out.status = static_cast<int>(res.response.status);
  out.headers = {{"Content-Type", res.response.header("content-type")}};
  out.body = res.response.body;
  return out;
}

class DynamoFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& server = test::Dynalite::shared();
    ASSERT_TRUE(server.ok()) << server.error();
    endpoint_ = server.endpoint();
    auto db = test::dynamodb_client(endpoint_);
    fp_table_ = test::unique_table("faults-fp");
    consent_table_ = test::unique_table("faults-consent");
    ASSERT_TRUE(db->create_table(table_definition(Table::kFpEvents, fp_table_)).ok());
    ASSERT_TRUE(db->create_table(table_definition(Table::kConsent, consent_table_)).ok());
    ASSERT_TRUE(db->wait_active(fp_table_, std::chrono::seconds(10)).ok());
    ASSERT_TRUE(db->wait_active(consent_table_, std::chrono::seconds(10)).ok());
    direct_fp_ = make_fp_store(db, fp_table_);
  }

  std::unique_ptr<FpStore> fp_via(const std::string& endpoint,
                                  std::chrono::milliseconds timeout = std::chrono::milliseconds(2000)) {
    return make_fp_store(test::dynamodb_client(endpoint, timeout), fp_table_);
  }

  static FpRecord event(const std::string& id, const std::string& finding = "f1") {
    FpRecord r;
    r.event_id = id;
    r.rule_id = "MD-101";
    r.finding_id = finding;
    r.repository = "acme/api";
    return r;
  }

  std::string endpoint_, fp_table_, consent_table_;
  std::unique_ptr<FpStore> direct_fp_;
};

TEST_F(DynamoFaults, StoppedServerIsUnavailableAfterRetries) {
  test::Dynalite own;
  ASSERT_TRUE(own.ok()) << own.error();
  auto db = test::dynamodb_client(own.endpoint());
  ASSERT_TRUE(db->create_table(table_definition(Table::kFpEvents, "stopped-fp")).ok());
  auto fp = make_fp_store(db, "stopped-fp");
  ASSERT_TRUE(fp->record(kOrg, event("00000000-0000-4000-8000-000000000001")).ok());

  own.stop();
  auto r = fp->record(kOrg, event("00000000-0000-4000-8000-000000000002"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "STORE_UNAVAILABLE");
  EXPECT_TRUE(r.error().retryable);
  EXPECT_EQ(r.error().details["reason"], "unavailable");
  EXPECT_EQ(r.error().details["attempts"], 3);
  auto counts = fp->counts(kOrg, "", TimeWindow{});
  ASSERT_FALSE(counts.ok());
  EXPECT_EQ(counts.error().code, "STORE_UNAVAILABLE");
}

TEST_F(DynamoFaults, SlowServerBeyondTheTimeoutIsATypedRetryableFailure) {
  FakeHttpServer slow_proxy([&](const FakeRequest& r) {
    FakeResponse resp = forward(endpoint_, r);
    resp.delay = std::chrono::milliseconds(800);
    return resp;
  });
  auto fp = fp_via(slow_proxy.url(), std::chrono::milliseconds(150));
  auto r = fp->list(kOrg, FpListQuery{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "STORE_UNAVAILABLE");
  EXPECT_TRUE(r.error().retryable);
  EXPECT_EQ(r.error().details["reason"], "timeout");
  EXPECT_EQ(slow_proxy.request_count(), 3u);

  // The same proxy within the timeout works: the failure above is the delay alone.
  auto patient = fp_via(slow_proxy.url(), std::chrono::milliseconds(3000));
  EXPECT_TRUE(patient->list(kOrg, FpListQuery{}).ok());
}

TEST_F(DynamoFaults, GarbageResponseIsABadResponseNotACrash) {
  FakeHttpServer garbage([](const FakeRequest&) {
    FakeResponse r;
    r.headers = {{"Content-Type", "application/x-amz-json-1.0"}};
    r.body = "\x01\x02 this is not json";
    return r;
  });
  auto r = fp_via(garbage.url())->is_false_positive(kOrg, "f1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "STORE_UNAVAILABLE");
  EXPECT_EQ(r.error().details["reason"], "bad_response");

  FakeHttpServer wrong_shape([](const FakeRequest&) {
    FakeResponse r;
    r.body = R"({"Items": "not a list"})";
    return r;
  });
  auto shape = fp_via(wrong_shape.url())->list(kOrg, FpListQuery{});
  ASSERT_FALSE(shape.ok());
  EXPECT_EQ(shape.error().details["reason"], "bad_response");
}

TEST_F(DynamoFaults, ServerErrorsAreRetriedThenReported) {
  FakeHttpServer failing([](const FakeRequest&) {
    FakeResponse r;
    r.status = 500;
    r.body = "Internal Server Error";
    return r;
  });
  auto r = fp_via(failing.url())->record(kOrg, event("00000000-0000-4000-8000-000000000010"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "STORE_UNAVAILABLE");
  EXPECT_TRUE(r.error().retryable);
  EXPECT_EQ(failing.request_count(), 3u);
}

TEST_F(DynamoFaults, ThrottlingIsRetriedAndThenSucceedsOrIsRateLimited) {
  std::atomic<int> throttled{0};
  FakeHttpServer flaky([&](const FakeRequest& r) {
    if (throttled++ < 2) return test::aws_json_error(400, "ProvisionedThroughputExceededException", "slow down");
    return forward(endpoint_, r);
  });
  auto recorded = fp_via(flaky.url())->record(kOrg, event("00000000-0000-4000-8000-000000000020"));
  ASSERT_TRUE(recorded.ok()) << recorded.error().message;
  auto listed = direct_fp_->list(kOrg, FpListQuery{});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 1u);

  FakeHttpServer always([](const FakeRequest&) {
    return test::aws_json_error(400, "ThrottlingException", "Rate of requests exceeds the allowed throughput");
  });
  auto r = fp_via(always.url())->counts(kOrg, "MD-101", TimeWindow{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "RATE_LIMITED");
  EXPECT_TRUE(r.error().retryable);
  EXPECT_TRUE(r.error().retry_after_ms.has_value());
}

TEST_F(DynamoFaults, DuplicateRecordLeavesTheOriginalUntouched) {
  FpRecord first = event("00000000-0000-4000-8000-000000000030", "original-finding");
  ASSERT_TRUE(direct_fp_->record(kOrg, first).ok());
  FpRecord clash = event("00000000-0000-4000-8000-000000000030", "other-finding");
  clash.rule_id = "MD-104";
  auto r = direct_fp_->record(kOrg, clash);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "INVALID_INPUT");
  auto listed = direct_fp_->list(kOrg, FpListQuery{});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().finding_id, "original-finding");
  EXPECT_EQ(listed->front().rule_id, "MD-101");
}

TEST_F(DynamoFaults, ReviewOfAnotherOrgsEventChangesNothing) {
  auto e = direct_fp_->record(kOrg, event("00000000-0000-4000-8000-000000000040"));
  ASSERT_TRUE(e.ok());
  FpReview rv;
  rv.event_id = e->event_id;
  rv.reviewed_by = "mallory";
  auto r = direct_fp_->review(kOtherOrg, rv);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "INVALID_INPUT");
  auto listed = direct_fp_->list(kOrg, FpListQuery{});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().outcome, FpOutcome::kPending);
  EXPECT_EQ(listed->front().reviewed_by, "");
}

TEST_F(DynamoFaults, FailedConsentAppendWritesNoRecordAtAll) {
  // The proxy lets the sequence update through and fails the PutItem that
  // carries the records: nothing of the append may become visible.
  FakeHttpServer put_fails([&](const FakeRequest& r) {
    if (r.header("x-amz-target") == "DynamoDB_20120810.PutItem") {
      return test::aws_json_error(400, "ValidationException", "Item size has exceeded the maximum allowed size");
    }
    return forward(endpoint_, r);
  });
  auto broken = make_consent_store(test::dynamodb_client(put_fails.url()), consent_table_);
  std::vector<ConsentRecord> records(2);
  records[0].resource = "fp_metrics";
  records[1].resource = "fp_patterns";
  for (auto& rec : records) {
    rec.actor = "admin";
    rec.policy_version = "1.2";
  }
  auto appended = broken->append(kOrg, records);
  ASSERT_FALSE(appended.ok());
  EXPECT_EQ(appended.error().code, "STORE_UNAVAILABLE");

  auto direct = make_consent_store(test::dynamodb_client(endpoint_), consent_table_);
  auto history = direct->history(kOrg, std::nullopt);
  ASSERT_TRUE(history.ok()) << history.error().message;
  EXPECT_TRUE(history->empty());
  // The store still works afterwards, and both records land together.
  ASSERT_TRUE(direct->append(kOrg, records).ok());
  auto latest = direct->latest(kOrg);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->size(), 2u);
}

TEST_F(DynamoFaults, LostAnswerToAWriteIsNotMistakenForADuplicate) {
  // The first PutItem reaches the server but its answer is lost; the client's
  // retry then meets its own item. That must be reported as recorded, once.
  std::atomic<int> puts{0};
  FakeHttpServer lossy([&](const FakeRequest& r) {
    FakeResponse resp = forward(endpoint_, r);
    if (r.header("x-amz-target") == "DynamoDB_20120810.PutItem" && puts++ == 0) resp.drop = true;
    return resp;
  });
  auto r = fp_via(lossy.url())->record(kOrg, event("00000000-0000-4000-8000-000000000050"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(puts.load(), 2);
  auto listed = direct_fp_->list(kOrg, FpListQuery{});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 1u);
}

}  // namespace
}  // namespace pm::store::dynamodb
