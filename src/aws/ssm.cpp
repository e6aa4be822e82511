#include "aws/ssm.hpp"

#include <cmath>

namespace pm::aws {

namespace {

Error bad_ssm_shape(const char* action) {
  Error e = Error::store_unavailable(std::string("SSM ") + action + " returned an unexpected document", true);
  e.details = Json{{"service", "SSM"}, {"operation", action}, {"reason", reason::kBadResponse}};
  return e;
}

}  // namespace

std::shared_ptr<Ssm> Ssm::from_env(const std::string& region) {
  ChainOptions copts;
  copts.region = region;
  auto chain = std::make_shared<CredentialsChain>(copts);
  auto options = ClientOptions::from_env(ssm_service(), region, process_env());
  return std::make_shared<Ssm>(std::make_shared<JsonClient>(ssm_service(), options, chain));
}

Result<Parameter> Ssm::get_parameter(const std::string& name, bool with_decryption) {
  auto r = client_->call("GetParameter", Json{{"Name", name}, {"WithDecryption", with_decryption}});
  if (!r) return r.take_error();
  const Json& p = r->contains("Parameter") ? (*r)["Parameter"] : Json();
  if (!p.is_object() || !p.contains("Value") || !p["Value"].is_string()) return bad_ssm_shape("GetParameter");
  Parameter out;
  out.value = p["Value"].get<std::string>();
  if (p.contains("Version") && p["Version"].is_number_integer()) out.version = p["Version"].get<std::int64_t>();
  // LastModifiedDate is epoch seconds with a fraction.
  if (p.contains("LastModifiedDate") && p["LastModifiedDate"].is_number()) {
    out.last_modified_ms = static_cast<std::int64_t>(std::llround(p["LastModifiedDate"].get<double>() * 1000.0));
  }
  return out;
}

Result<std::int64_t> Ssm::put_parameter(const std::string& name, const std::string& value, bool overwrite) {
  auto r = client_->call("PutParameter",
                         Json{{"Name", name}, {"Value", value}, {"Type", "SecureString"}, {"Overwrite", overwrite}});
  if (!r) return r.take_error();
  if (!r->contains("Version") || !(*r)["Version"].is_number_integer()) return bad_ssm_shape("PutParameter");
  return (*r)["Version"].get<std::int64_t>();
}

}  // namespace pm::aws
