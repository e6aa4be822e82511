#pragma once
// DynamoDB JSON API (version 2012-08-10): the operations the stores use, with
// the request bodies in DynamoDB's own attribute-value JSON.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aws/client.hpp"

namespace pm::aws {

// Attribute-value helpers: {"S": "..."}, {"N": "42"}, {"BOOL": true}.
namespace attr {
Json S(const std::string& v);
Json N(std::int64_t v);
Json BOOL(bool v);
std::optional<std::string> get_s(const Json& item, const char* name);
std::optional<std::int64_t> get_n(const Json& item, const char* name);
std::optional<bool> get_bool(const Json& item, const char* name);
}  // namespace attr

struct QueryPage {
  std::vector<Json> items;
  Json last_evaluated_key;  // null when this was the last page
};

class DynamoDb {
 public:
  explicit DynamoDb(std::shared_ptr<JsonClient> client) : client_(std::move(client)) {}
  // Client for `region` with the standard credential chain and endpoint variables.
  static std::shared_ptr<DynamoDb> from_env(const std::string& region);

  // Item or nullopt. Strongly consistent by default (reads after writes in one process).
  Result<std::optional<Json>> get_item(const std::string& table, const Json& key, bool consistent = true);
  // `request` carries ConditionExpression etc.; TableName and Item are set here.
  // A failed condition is an error whose failure_reason() is "condition_failed".
  Status put_item(const std::string& table, const Json& item, Json request = Json::object());
  // Full UpdateItem request (TableName set here); returns the response (Attributes).
  Result<Json> update_item(const std::string& table, Json request);
  // One Query page (TableName set here).
  Result<QueryPage> query(const std::string& table, Json request);
  // Every page of a Query, up to max_items (0: no limit).
  Result<std::vector<Json>> query_all(const std::string& table, Json request, std::size_t max_items = 0);
  // TransactWriteItems is unsupported by the local test server; not used.
  Result<Json> describe_table(const std::string& table);
  Status create_table(const Json& definition);
  // Waits (polling DescribeTable) until the table is ACTIVE, up to `timeout`.
  Status wait_active(const std::string& table, std::chrono::milliseconds timeout);

  JsonClient& client() { return *client_; }

 private:
  std::shared_ptr<JsonClient> client_;
};

}  // namespace pm::aws
