#include "util/json.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>

namespace pm {

namespace {

// nlohmann's dump (UTF-8 kept raw, invalid UTF-8 replaced) byte for byte, written for
// speed: every answer is dumped at least twice (its text copy and the message), and
// nlohmann decodes each byte of each string. Here runs of bytes that need no escape are
// copied whole; a string that is not valid UTF-8 is left to nlohmann for the exact
// U+FFFD replacements, and a document with binary values to nlohmann altogether.
class Writer {
 public:
  Writer(std::string& out, int indent) : out_(out), indent_(indent) {}

  // False when `j` holds a binary value (nothing the server builds does).
  bool value(const Json& j, int depth) {
    switch (j.type()) {
      case Json::value_t::object: return object(j, depth);
      case Json::value_t::array: return array(j, depth);
      case Json::value_t::string: string(j.get_ref<const std::string&>()); return true;
      case Json::value_t::boolean:
        if (j.get<bool>()) {
          out_.append("true", 4);
        } else {
          out_.append("false", 5);
        }
        return true;
      case Json::value_t::number_integer: integer(j.get<std::int64_t>()); return true;
      case Json::value_t::number_unsigned: integer(j.get<std::uint64_t>()); return true;
      case Json::value_t::number_float: out_ += j.dump(); return true;  // nlohmann's shortest form
      case Json::value_t::null: out_.append("null", 4); return true;
      case Json::value_t::discarded: out_ += "<discarded>"; return true;
      case Json::value_t::binary: return false;
    }
    return false;
  }

 private:
  bool object(const Json& j, int depth) {
    const auto& items = j.get_ref<const Json::object_t&>();
    if (items.empty()) {
      out_ += "{}";
      return true;
    }
    out_.push_back('{');
    bool first = true;
    for (const auto& [key, item] : items) {
      if (!first) out_.push_back(',');
      first = false;
      newline(depth + 1);
      string(key);
      out_.append(": ", indent_ < 0 ? 1 : 2);
      if (!value(item, depth + 1)) return false;
    }
    newline(depth);
    out_.push_back('}');
    return true;
  }

  bool array(const Json& j, int depth) {
    const auto& items = j.get_ref<const Json::array_t&>();
    if (items.empty()) {
      out_ += "[]";
      return true;
    }
    out_.push_back('[');
    bool first = true;
    for (const auto& item : items) {
      if (!first) out_.push_back(',');
      first = false;
      newline(depth + 1);
      if (!value(item, depth + 1)) return false;
    }
    newline(depth);
    out_.push_back(']');
    return true;
  }

  void newline(int depth) {
    if (indent_ < 0) return;
    out_.push_back('\n');
    out_.append(static_cast<std::size_t>(depth) * static_cast<std::size_t>(indent_), ' ');
  }

  template <typename Int>
  void integer(Int v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
  }

  // Bytes an escaped byte takes beyond its own: 1 for \" \\ \b \f \n \r \t, 5 for \u00XX.
  static constexpr std::array<std::uint8_t, 256> kExtra = [] {
    std::array<std::uint8_t, 256> t{};
    for (int c = 0; c < 0x20; ++c) t[c] = 5;
    for (const char c : {'"', '\\', '\b', '\f', '\n', '\r', '\t'}) t[static_cast<unsigned char>(c)] = 1;
    return t;
  }();

  // Two passes: the escaped size, then the bytes written in place, so that a text with an
  // escape every few bytes (an indented JSON text) costs no append per run.
  void string(const std::string& s) {
    std::size_t extra = 0;
    unsigned char high = 0;
    for (const char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      extra += kExtra[c];
      high |= c;
    }
    if ((high & 0x80) != 0 && !is_valid_utf8(s)) {
      out_ += Json(s).dump(-1, ' ', false, Json::error_handler_t::replace);
      return;
    }
    const std::size_t at = out_.size();
    out_.resize(at + s.size() + extra + 2);
    char* o = out_.data() + at;
    *o++ = '"';
    if (extra == 0) {
      o = std::copy(s.begin(), s.end(), o);
    } else {
      for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (kExtra[c] == 0) {
          *o++ = ch;  // UTF-8 sequences included: kept raw
          continue;
        }
        *o++ = '\\';
        switch (c) {
          case '"': *o++ = '"'; break;
          case '\\': *o++ = '\\'; break;
          case '\b': *o++ = 'b'; break;
          case '\f': *o++ = 'f'; break;
          case '\n': *o++ = 'n'; break;
          case '\r': *o++ = 'r'; break;
          case '\t': *o++ = 't'; break;
          default: {
            static constexpr char kHex[] = "0123456789abcdef";
            *o++ = 'u';
            *o++ = '0';
            *o++ = '0';
            *o++ = kHex[c >> 4];
            *o++ = kHex[c & 0xF];
          }
        }
      }
    }
    *o = '"';
  }

  std::string& out_;
  int indent_;  // -1: one line
};

std::string dump_with(const Json& j, int indent) {
  std::string out;
  out.reserve(256);
  if (Writer(out, indent).value(j, 0)) return out;
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

std::string dump_pretty(const Json& j) {
  return dump_with(j, 2);
}

std::string dump_line(const Json& j) {
  return dump_with(j, -1);
}

// Nesting depth of the brackets outside strings, stopping once past `limit`.
bool json_nests_deeper_than(std::string_view text, std::size_t limit) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

Json parse_or_discard(std::string_view text) {
  if (json_nests_deeper_than(text, kMaxJsonDepth)) return Json(Json::value_t::discarded);
  return Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

std::string json_refusal(std::string_view text) {
  if (!is_valid_utf8(text)) return "is not UTF-8 text";
  if (json_nests_deeper_than(text, kMaxJsonDepth)) {
    return "nests arrays/objects deeper than the limit of " + std::to_string(kMaxJsonDepth) + " levels";
  }
  return "is not valid JSON";
}

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t n = 0;  // continuation bytes
    if (c >= 0x80) {
      if (c >= 0xC2 && c <= 0xDF) {
        n = 1;
      } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2;
      } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3;
      } else {
        return false;  // a stray continuation byte, an overlong lead byte or beyond U+10FFFF
      }
    }
    if (text.size() - i <= n) return false;  // truncated sequence
    for (std::size_t k = 1; k <= n; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    if (n == 2) {
      const auto c1 = static_cast<unsigned char>(text[i + 1]);
      if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) return false;  // overlong, surrogate
    } else if (n == 3) {
      const auto c1 = static_cast<unsigned char>(text[i + 1]);
      if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) return false;  // overlong, > U+10FFFF
    }
    i += n + 1;
  }
  return true;
}

const char* json_type_name(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return "boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "integer";
    case Json::value_t::number_float: return "number";
    case Json::value_t::string: return "string";
    case Json::value_t::array: return "array";
    case Json::value_t::object: return "object";
    default: return "unknown";
  }
}

}  // namespace pm
