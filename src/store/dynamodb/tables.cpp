#include <map>
#include <mutex>

#include "store/dynamodb/backends.hpp"

namespace pm::store::dynamodb {

namespace {

Json attr_def(const char* name) {
  return Json{{"AttributeName", name}, {"AttributeType", "S"}};
}

Json gsi(const char* name, const char* pk, const char* sk) {
  return Json{
      {"IndexName", name},
      {"KeySchema", {{{"AttributeName", pk}, {"KeyType", "HASH"}}, {{"AttributeName", sk}, {"KeyType", "RANGE"}}}},
      {"Projection", {{"ProjectionType", "ALL"}}}};
}

// One client (and one credential cache) per process and region.
std::shared_ptr<aws::DynamoDb> shared_dynamodb(const std::string& region) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<aws::DynamoDb>> clients;
  std::lock_guard<std::mutex> lock(mu);
  auto& c = clients[region];
  if (!c) c = aws::DynamoDb::from_env(region);
  return c;
}

std::shared_ptr<aws::Ssm> shared_ssm(const std::string& region) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<aws::Ssm>> clients;
  std::lock_guard<std::mutex> lock(mu);
  auto& c = clients[region];
  if (!c) c = aws::Ssm::from_env(region);
  return c;
}

}  // namespace

Json table_definition(Table t, const std::string& name) {
  Json def{{"TableName", name}, {"BillingMode", "PAY_PER_REQUEST"}};
  if (t == Table::kFpEvents) {
    def["AttributeDefinitions"] = {attr_def("pk"),     attr_def("gsi1pk"), attr_def("gsi1sk"),
                                   attr_def("gsi2pk"), attr_def("gsi2sk"), attr_def("gsi3pk"),
                                   attr_def("gsi3sk"), attr_def("gsi4pk"), attr_def("gsi4sk")};
    def["KeySchema"] = {{{"AttributeName", "pk"}, {"KeyType", "HASH"}}};
    def["GlobalSecondaryIndexes"] = {
        gsi("OrgTimeIndex", "gsi1pk", "gsi1sk"), gsi("OrgRuleTimeIndex", "gsi2pk", "gsi2sk"),
        gsi("OrgFindingIndex", "gsi3pk", "gsi3sk"), gsi("RuleTimeIndex", "gsi4pk", "gsi4sk")};
  } else {
    def["AttributeDefinitions"] = {attr_def("pk"), attr_def("sk")};
    def["KeySchema"] = {{{"AttributeName", "pk"}, {"KeyType", "HASH"}},
                        {{"AttributeName", "sk"}, {"KeyType", "RANGE"}}};
  }
  return def;
}

Result<std::vector<std::string>> init_tables(const Config& config) {
  auto db = shared_dynamodb(config.aws_region);
  std::vector<std::pair<Table, std::string>> wanted;
  if (config.fp_table_name) wanted.emplace_back(Table::kFpEvents, *config.fp_table_name);
  if (config.consent_table_name) wanted.emplace_back(Table::kConsent, *config.consent_table_name);
  if (config.block_counter_table_name) wanted.emplace_back(Table::kBlockCounter, *config.block_counter_table_name);
  std::vector<std::string> report;
  for (const auto& [kind, name] : wanted) {
    auto described = db->describe_table(name);
    if (described) {
      report.push_back("DynamoDB table " + name + ": exists");
      continue;
    }
    if (aws::failure_reason(described.error()) != aws::reason::kNotFound) return described.error();
    auto created = db->create_table(table_definition(kind, name));
    // Another process may have created it in between: that is fine.
    if (!created && aws::aws_error_type(created.error()) != "ResourceInUseException") return created.error();
    auto active = db->wait_active(name, std::chrono::seconds(60));
    if (!active) return active.error();
    std::string line = "DynamoDB table " + name + ": created";
    if (kind != Table::kConsent) {
      auto ttl = db->client().call(
          "UpdateTimeToLive",
          Json{{"TableName", name}, {"TimeToLiveSpecification", {{"Enabled", true}, {"AttributeName", "expiresAt"}}}});
      line += ttl ? " (TTL on expiresAt enabled)" : " (TTL on expiresAt not enabled here: configure it in your IaC)";
    }
    report.push_back(line);
  }
  return report;
}

RemoteFactories remote_factories() {
  RemoteFactories f;
  f.fp_store = [](const Config& c) -> Result<std::unique_ptr<FpStore>> {
    return make_fp_store(shared_dynamodb(c.aws_region), c.fp_table_name.value_or(""));
  };
  f.consent_store = [](const Config& c) -> Result<std::unique_ptr<ConsentStore>> {
    return make_consent_store(shared_dynamodb(c.aws_region), c.consent_table_name.value_or(""));
  };
  f.block_counter = [](const Config& c) -> Result<std::unique_ptr<BlockCounter>> {
    return make_block_counter(shared_dynamodb(c.aws_region), c.block_counter_table_name.value_or(""));
  };
  f.nonce_source = [](const Config& c) -> Result<std::unique_ptr<NonceSource>> {
    return make_ssm_nonce_source(shared_ssm(c.aws_region), c.nonce_parameter_name.value_or(""),
                                 org_salt_parameter_name(c));
  };
  return f;
}

}  // namespace pm::store::dynamodb
