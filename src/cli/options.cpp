#include "cli/options.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "engine/rule_names.hpp"
#include "engine/rules/rules.hpp"
#include "util/time.hpp"

namespace pm::cli {

CLI::Validator plain_value() {
  return CLI::Validator(
      [](const std::string& v) -> std::string {
        if (v.rfind("--", 0) == 0) return "needs a value, got the option '" + v + "'";
        if (v.find_first_not_of(" \t") == std::string::npos) return "must not be empty";
        return {};
      },
      "", "plain");
}

CLI::Validator rule_id() {
  return CLI::Validator(
      [](const std::string& v) -> std::string {
        // MD-000 is the analyzer's finding for a workflow it could not parse: a finding one may record too.
        const auto& ids = engine::catalogue_rule_ids();
        if (v == engine::rules::kParseFailure.id || std::find(ids.begin(), ids.end(), v) != ids.end()) return {};
        std::string known(engine::rules::kParseFailure.id);
        for (const auto& id : ids) known += ", " + id;
        return "'" + v + "' is not a rule of the catalogue (known: " + known + ")";
      },
      "", "rule-id");
}

CLI::Validator org_id() {
  return CLI::Validator(
      [](const std::string& v) -> std::string {
        if (v.size() <= kMaxOrgBytes) return {};
        return "is " + std::to_string(v.size()) + " bytes long; at most " + std::to_string(kMaxOrgBytes) +
               " are accepted";
      },
      "", "org");
}

CLI::Validator uuid() {
  return CLI::Validator(
      [](std::string& v) -> std::string {
        bool ok = v.size() == 36;
        for (std::size_t i = 0; ok && i < v.size(); ++i) {
          const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
          ok = dash ? v[i] == '-' : std::isxdigit(static_cast<unsigned char>(v[i])) != 0;
        }
        if (!ok) return "'" + v + "' is not a UUID (8-4-4-4-12 hex digits)";
        for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return {};
      },
      "", "uuid");
}

CLI::Validator iso_date(bool past_only) {
  return CLI::Validator(
      [past_only](const std::string& v) -> std::string {
        const auto t = parse_iso8601(v, true);
        if (!t) return "'" + v + "' is not an ISO-8601 date or date-time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)";
        // A date outside this range is a typo (9999, 0202), not a record anyone meant to keep.
        static const auto earliest = *parse_iso8601("2000-01-01", true);
        static const auto latest = *parse_iso8601("2100-01-01", true);
        if (*t < earliest || *t >= latest) {
          return "'" + v + "' is outside the accepted range 2000-01-01 to 2099-12-31" +
                 (past_only ? std::string(" (and not in the future)") : std::string());
        }
        if (past_only && *t > std::chrono::system_clock::now()) return "'" + v + "' is in the future";
        return {};
      },
      "", "date");
}

CLI::Validator repository_name() {
  return CLI::Validator(
      [](const std::string& v) -> std::string {
        const auto slash = v.find('/');
        const bool ok = slash != std::string::npos && slash > 0 && slash + 1 < v.size() &&
                        v.find('/', slash + 1) == std::string::npos && v.find_first_of(" \t\r\n") == std::string::npos;
        return ok ? std::string() : "'" + v + "' is not OWNER/NAME";
      },
      "", "repository");
}

CLI::Option* add_value(CLI::App* app, const std::string& name, std::string& into, const std::string& description) {
  return app->add_option(name, into, description)->check(plain_value());
}

CLI::Option* add_value(CLI::App* app, const std::string& name, std::vector<std::string>& into,
                       const std::string& description) {
  return app->add_option(name, into, description)->check(plain_value());
}

CLI::Option* add_json_flag(CLI::App* app, bool& into, const std::string& description) {
  return app->add_flag("--json", into, description);
}

}  // namespace pm::cli
