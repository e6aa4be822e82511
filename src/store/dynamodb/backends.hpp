#pragma once
// DynamoDB implementations of the store interfaces and the SSM nonce source.
// Table layouts (documented in docs/stores.md, created by `store init`):
//
//   FP events (FP_TABLE_NAME)       pk = "event#<eventId>"
//     OrgTimeIndex      gsi1pk = "org#<orgHash>"                    gsi1sk = "<createdAt13>#<eventId>"
//     OrgRuleTimeIndex  gsi2pk = "org#<orgHash>#rule#<ruleId>"      gsi2sk = same
//     OrgFindingIndex   gsi3pk = "org#<orgHash>#finding#<findingId>" gsi3sk = same
//     RuleTimeIndex     gsi4pk = "rule#<ruleId>"                    gsi4sk = same
//     plus one item pk = "meta#rules" holding the set of rule ids seen.
//   Consent (CONSENT_TABLE_NAME)    pk = "org#<orgHash>", sk = "rec#<seq12>" (one item per append,
//                                   all of its records inside: all-or-none) and sk = "seq" (counter)
//   Block counter (BLOCK_COUNTER_TABLE_NAME) pk = "org#<orgHash>#repo#<repository>", sk = "hour#<bucketMs13>"
//
// Every item carries `expiresAt` (epoch seconds) for DynamoDB TTL, except the
// consent history, which is kept.
#include <memory>
#include <string>

#include "aws/dynamodb.hpp"
#include "aws/ssm.hpp"
#include "store/block_counter.hpp"
#include "store/consent_store.hpp"
#include "store/fp_store.hpp"
#include "store/nonce_source.hpp"
#include "store/services.hpp"
#include "util/config.hpp"

namespace pm::store::dynamodb {

std::unique_ptr<FpStore> make_fp_store(std::shared_ptr<aws::DynamoDb> db, std::string table);
std::unique_ptr<ConsentStore> make_consent_store(std::shared_ptr<aws::DynamoDb> db, std::string table);
std::unique_ptr<BlockCounter> make_block_counter(std::shared_ptr<aws::DynamoDb> db, std::string table);

// Nonce and org salt in SSM Parameter Store: the nonce under `nonce_parameter`,
// the org salt under `salt_parameter`; each SSM version is a secret version
// (the previous one is read with the "name:N" selector). Cached for `ttl`.
std::unique_ptr<NonceSource> make_ssm_nonce_source(std::shared_ptr<aws::Ssm> ssm, std::string nonce_parameter,
                                                   std::string salt_parameter,
                                                   std::chrono::milliseconds ttl = std::chrono::hours(1));

// Name of the org-salt parameter: ORG_SALT_PARAMETER_NAME, else
// NONCE_PARAMETER_NAME + "-org-salt".
std::string org_salt_parameter_name(const Config& config);

// The constructors Services uses when a table / parameter variable is set.
RemoteFactories remote_factories();

enum class Table { kFpEvents, kConsent, kBlockCounter };
// CreateTable request for one of our layouts (on-demand billing).
Json table_definition(Table t, const std::string& name);

// `store init` for DynamoDB: creates each configured table that does not exist
// yet and waits until it is ACTIVE. Returns one line per table for the report.
Result<std::vector<std::string>> init_tables(const Config& config);

}  // namespace pm::store::dynamodb
