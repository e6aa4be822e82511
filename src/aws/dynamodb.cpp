#include "aws/dynamodb.hpp"

#include <thread>

namespace pm::aws {

namespace attr {

Json S(const std::string& v) {
  return Json{{"S", v}};
}
Json N(std::int64_t v) {
  return Json{{"N", std::to_string(v)}};
}
Json BOOL(bool v) {
  return Json{{"BOOL", v}};
}

std::optional<std::string> get_s(const Json& item, const char* name) {
  if (!item.is_object() || !item.contains(name)) return std::nullopt;
  const Json& a = item[name];
  if (!a.is_object() || !a.contains("S") || !a["S"].is_string()) return std::nullopt;
  return a["S"].get<std::string>();
}

std::optional<std::int64_t> get_n(const Json& item, const char* name) {
  if (!item.is_object() || !item.contains(name)) return std::nullopt;
  const Json& a = item[name];
  if (!a.is_object() || !a.contains("N") || !a["N"].is_string()) return std::nullopt;
  try {
    std::size_t used = 0;
    const std::string s = a["N"].get<std::string>();
    long long v = std::stoll(s, &used);
    if (used != s.size()) return std::nullopt;
    return v;
  } catch (...) {
    return std::nullopt;
  }
}

std::optional<bool> get_bool(const Json& item, const char* name) {
  if (!item.is_object() || !item.contains(name)) return std::nullopt;
  const Json& a = item[name];
  if (!a.is_object() || !a.contains("BOOL") || !a["BOOL"].is_boolean()) return std::nullopt;
  return a["BOOL"].get<bool>();
}

}  // namespace attr

namespace {

Error bad_dynamodb_shape(const char* action) {
  Error e = Error::store_unavailable(std::string("DynamoDB ") + action + " returned an unexpected document", true);
  e.details = Json{{"service", "DynamoDB"}, {"operation", action}, {"reason", reason::kBadResponse}};
  return e;
}

}  // namespace

std::shared_ptr<DynamoDb> DynamoDb::from_env(const std::string& region) {
  ChainOptions copts;
  copts.region = region;
  auto chain = std::make_shared<CredentialsChain>(copts);
  auto options = ClientOptions::from_env(dynamodb_service(), region, process_env());
  return std::make_shared<DynamoDb>(std::make_shared<JsonClient>(dynamodb_service(), options, chain));
}

Result<std::optional<Json>> DynamoDb::get_item(const std::string& table, const Json& key, bool consistent) {
  Json req{{"TableName", table}, {"Key", key}, {"ConsistentRead", consistent}};
  auto r = client_->call("GetItem", req);
  if (!r) return r.take_error();
  if (!r->contains("Item")) return std::optional<Json>{};
  if (!(*r)["Item"].is_object()) return bad_dynamodb_shape("GetItem");
  return std::optional<Json>{(*r)["Item"]};
}

Status DynamoDb::put_item(const std::string& table, const Json& item, Json request) {
  request["TableName"] = table;
  request["Item"] = item;
  auto r = client_->call("PutItem", request);
  if (!r) return r.take_error();
  return ok_status();
}

Result<Json> DynamoDb::update_item(const std::string& table, Json request) {
  request["TableName"] = table;
  return client_->call("UpdateItem", request);
}

Result<QueryPage> DynamoDb::query(const std::string& table, Json request) {
  request["TableName"] = table;
  auto r = client_->call("Query", request);
  if (!r) return r.take_error();
  QueryPage page;
  if (r->contains("Items")) {
    if (!(*r)["Items"].is_array()) return bad_dynamodb_shape("Query");
    for (auto& it : (*r)["Items"]) {
      if (!it.is_object()) return bad_dynamodb_shape("Query");
      page.items.push_back(std::move(it));
    }
  }
  if (r->contains("LastEvaluatedKey") && (*r)["LastEvaluatedKey"].is_object()) {
    page.last_evaluated_key = (*r)["LastEvaluatedKey"];
  }
  return page;
}

Result<std::vector<Json>> DynamoDb::query_all(const std::string& table, Json request, std::size_t max_items) {
  std::vector<Json> out;
  for (;;) {
    auto page = query(table, request);
    if (!page) return page.take_error();
    for (auto& it : page->items) {
      out.push_back(std::move(it));
      if (max_items != 0 && out.size() >= max_items) return out;
    }
    if (page->last_evaluated_key.is_null()) return out;
    request["ExclusiveStartKey"] = page->last_evaluated_key;
  }
}

Result<Json> DynamoDb::describe_table(const std::string& table) {
  return client_->call("DescribeTable", Json{{"TableName", table}});
}

Status DynamoDb::create_table(const Json& definition) {
  auto r = client_->call("CreateTable", definition);
  if (!r) return r.take_error();
  return ok_status();
}

Status DynamoDb::wait_active(const std::string& table, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto d = describe_table(table);
    if (!d) return d.take_error();
    const Json& t = (*d)["Table"];
    if (t.is_object() && t.value("TableStatus", "") == "ACTIVE") return ok_status();
    if (std::chrono::steady_clock::now() > deadline) {
      return Error::store_unavailable("DynamoDB table " + table + " did not become ACTIVE in time", true);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace pm::aws
