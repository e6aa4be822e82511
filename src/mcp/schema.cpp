#include "mcp/schema.hpp"

#include <re2/re2.h>

#include <cmath>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>

#include "util/time.hpp"

namespace pm::mcp {
namespace {

std::string escape_pointer_token(const std::string& t) {
  std::string out;
  for (char c : t) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out.push_back(c);
  }
  return out;
}

bool is_integer_value(const Json& j) {
  if (j.is_number_integer() || j.is_number_unsigned()) return true;
  if (j.is_number_float()) {
    const double d = j.get<double>();
    return std::isfinite(d) && std::floor(d) == d;
  }
  return false;
}

bool matches_type(const Json& j, const std::string& type) {
  if (type == "object") return j.is_object();
  if (type == "array") return j.is_array();
  if (type == "string") return j.is_string();
  if (type == "boolean") return j.is_boolean();
  if (type == "null") return j.is_null();
  if (type == "number") return j.is_number();
  if (type == "integer") return is_integer_value(j);
  return false;
}

std::string describe(const Json& j) {
  if (j.is_number_float() && !is_integer_value(j)) return "number";
  return json_type_name(j);
}

std::size_t utf8_length(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

const RE2* compiled(const std::string& pattern) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::unique_ptr<RE2>> cache;
  std::lock_guard lock(mu);
  auto it = cache.find(pattern);
  if (it == cache.end()) {
    RE2::Options opts;
    opts.set_log_errors(false);
    it = cache.emplace(pattern, std::make_unique<RE2>(pattern, opts)).first;
  }
  return it->second->ok() ? it->second.get() : nullptr;
}

std::string number_text(const Json& j) {
  return dump_line(j);
}

class Validator {
 public:
  std::vector<ValidationIssue> issues;

  void run(const Json& s, const Json& v, const std::string& path) {
    if (!s.is_object()) return;
    if (auto t = s.find("type"); t != s.end()) {
      bool ok = false;
      std::string expected;
      if (t->is_string()) {
        ok = matches_type(v, t->get<std::string>());
        expected = t->get<std::string>();
      } else if (t->is_array()) {
        for (const auto& tt : *t) {
          ok = ok || matches_type(v, tt.get<std::string>());
          expected += (expected.empty() ? "" : " or ") + tt.get<std::string>();
        }
      }
      if (!ok) {
        add(path, "Expected " + expected + ", received " + describe(v), "type");
        return;  // further keywords would only repeat the type error
      }
    }
    if (auto e = s.find("enum"); e != s.end() && e->is_array()) {
      bool found = false;
      std::string options;
      for (const auto& opt : *e) {
        found = found || opt == v;
        options += (options.empty() ? "" : " | ") + dump_line(opt);
      }
      if (!found) add(path, "Invalid value " + clip(dump_line(v)) + ". Expected one of: " + options, "enum");
    }
    if (auto c = s.find("const"); c != s.end() && *c != v) add(path, "Expected " + dump_line(*c), "const");
    if (v.is_number()) numeric(s, v, path);
    if (v.is_string()) string_checks(s, v.get_ref<const std::string&>(), path);
    if (v.is_array()) array_checks(s, v, path);
    if (v.is_object()) object_checks(s, v, path);
  }

 private:
  static std::string clip(std::string s) {
    if (s.size() > 80) s.replace(77, std::string::npos, "...");
    return s;
  }

  void add(const std::string& path, std::string message, const char* keyword) {
    issues.push_back({path, std::move(message), keyword});
  }

  void numeric(const Json& s, const Json& v, const std::string& path) {
    const double d = v.get<double>();
    if (auto m = s.find("minimum"); m != s.end() && d < m->get<double>())
      add(path, "Must be greater than or equal to " + number_text(*m), "minimum");
    if (auto m = s.find("maximum"); m != s.end() && d > m->get<double>())
      add(path, "Must be less than or equal to " + number_text(*m), "maximum");
    if (auto m = s.find("exclusiveMinimum"); m != s.end() && d <= m->get<double>())
      add(path, "Must be greater than " + number_text(*m), "exclusiveMinimum");
    if (auto m = s.find("exclusiveMaximum"); m != s.end() && d >= m->get<double>())
      add(path, "Must be less than " + number_text(*m), "exclusiveMaximum");
  }

  void string_checks(const Json& s, const std::string& v, const std::string& path) {
    const std::size_t len = utf8_length(v);
    if (auto m = s.find("minLength"); m != s.end() && len < m->get<std::size_t>())
      add(path, "Must be at least " + number_text(*m) + " character(s) long", "minLength");
    if (auto m = s.find("maxLength"); m != s.end() && len > m->get<std::size_t>())
      add(path, "Must be at most " + number_text(*m) + " character(s) long", "maxLength");
    if (auto p = s.find("pattern"); p != s.end()) {
      const RE2* re = compiled(p->get<std::string>());
      if (re == nullptr || !RE2::PartialMatch(v, *re))
        add(path, "Does not match the pattern " + p->get<std::string>(), "pattern");
    }
    if (auto f = s.find("format"); f != s.end() && *f == "date-time" && !parse_iso8601(v))
      add(path, "Invalid date-time: expected RFC 3339, e.g. 2026-01-31T12:00:00Z", "format");
  }

  void array_checks(const Json& s, const Json& v, const std::string& path) {
    if (auto m = s.find("minItems"); m != s.end() && v.size() < m->get<std::size_t>())
      add(path, "Array must contain at least " + number_text(*m) + " item(s)", "minItems");
    if (auto m = s.find("maxItems"); m != s.end() && v.size() > m->get<std::size_t>())
      add(path, "Array must contain at most " + number_text(*m) + " item(s)", "maxItems");
    if (auto u = s.find("uniqueItems"); u != s.end() && *u == true) {
      std::set<std::string> seen;
      for (const auto& item : v) {
        if (!seen.insert(dump_line(item)).second) {
          add(path, "Array items must be unique; duplicate " + clip(dump_line(item)), "uniqueItems");
          break;
        }
      }
    }
    if (auto items = s.find("items"); items != s.end() && items->is_object()) {
      for (std::size_t i = 0; i < v.size(); ++i) run(*items, v[i], path + "/" + std::to_string(i));
    }
  }

  void object_checks(const Json& s, const Json& v, const std::string& path) {
    const Json* props = nullptr;
    if (auto p = s.find("properties"); p != s.end() && p->is_object()) props = &*p;
    if (auto r = s.find("required"); r != s.end() && r->is_array()) {
      for (const auto& name : *r) {
        const auto& key = name.get_ref<const std::string&>();
        if (!v.contains(key)) add(path + "/" + escape_pointer_token(key), "Required", "required");
      }
    }
    if (props) {
      for (auto it = props->begin(); it != props->end(); ++it) {
        if (auto f = v.find(it.key()); f != v.end()) run(it.value(), *f, path + "/" + escape_pointer_token(it.key()));
      }
    }
    if (auto ap = s.find("additionalProperties"); ap != s.end() && *ap == false) {
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!props || !props->contains(it.key()))
          add(path + "/" + escape_pointer_token(it.key()), "Unknown property '" + it.key() + "'",
              "additionalProperties");
      }
    }
  }
};

const std::set<std::string>& supported_keywords() {
  static const std::set<std::string> k = {"type", "properties", "required", "additionalProperties", "items", "enum",
                                          "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                                          "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems",
                                          "format",
                                          // annotations only
                                          "description", "title", "default", "examples", "$schema"};
  return k;
}

void collect_unsupported(const Json& s, const std::string& path, std::vector<std::string>& out) {
  if (!s.is_object()) return;
  for (auto it = s.begin(); it != s.end(); ++it) {
    const std::string p = path + "/" + escape_pointer_token(it.key());
    if (!supported_keywords().count(it.key())) {
      out.push_back(p);
      continue;
    }
    if (it.key() == "properties" && it->is_object()) {
      for (auto pit = it->begin(); pit != it->end(); ++pit)
        collect_unsupported(pit.value(), p + "/" + escape_pointer_token(pit.key()), out);
    } else if (it.key() == "items") {
      collect_unsupported(*it, p, out);
    } else if ((it.key() == "format" && *it != "date-time") ||
               (it.key() == "pattern" && (!it->is_string() || compiled(it->get<std::string>()) == nullptr)) ||
               (it.key() == "additionalProperties" && !it->is_boolean())) {
      out.push_back(p);  // a value of a supported keyword that the validator does not implement
    }
  }
}

}  // namespace

std::vector<ValidationIssue> validate(const Json& schema, const Json& instance) {
  Validator v;
  v.run(schema, instance, "");
  return std::move(v.issues);
}

std::vector<std::string> check_supported(const Json& schema) {
  std::vector<std::string> out;
  collect_unsupported(schema, "", out);
  return out;
}

Json to_json(const std::vector<ValidationIssue>& issues) {
  Json arr = Json::array();
  for (const auto& i : issues) arr.push_back(Json{{"path", i.path}, {"message", i.message}, {"keyword", i.keyword}});
  return arr;
}

}  // namespace pm::mcp
