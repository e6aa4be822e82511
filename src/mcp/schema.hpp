#pragma once
// JSON Schema validation for tool inputs: the subset our schemas use
// (type, properties, required, additionalProperties, items, enum, const,
// minimum/maximum (+exclusive), minLength/maxLength, pattern, minItems/maxItems,
// uniqueItems, format date-time). A schema using any other validation keyword
// is rejected by check_supported(), so the advertised schema is always the
// enforced one.
#include <string>
#include <vector>

#include "util/json.hpp"

namespace pm::mcp {

struct ValidationIssue {
  std::string path;     // JSON pointer into the arguments, "" for the root
  std::string message;  // what is wrong, for a model or a person to act on
  std::string keyword;  // the failing schema keyword
};

std::vector<ValidationIssue> validate(const Json& schema, const Json& instance);

// Empty when every keyword in the schema is one validate() enforces;
// otherwise the JSON pointers of the unsupported keywords.
std::vector<std::string> check_supported(const Json& schema);

// validationErrors array for error payloads: [{path, message, keyword}].
Json to_json(const std::vector<ValidationIssue>& issues);

}  // namespace pm::mcp
