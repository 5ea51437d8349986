#pragma once
// A strict JSON check for tests (RFC 8259): one value and nothing after it; numbers in JSON's
// own grammar (no nan, inf, leading '+', hexadecimal); strings without raw control
// characters and in valid UTF-8. Returns an empty string when the text is JSON, else what is
// wrong and where.
#include <cctype>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace ringtmp::testing {

class StrictJson {
 public:
  static std::string check(std::string_view text) {
    StrictJson p(text);
    p.blank();
    if (!p.value()) return p.error_;
    p.blank();
    return p.at_ < text.size() ? p.fail("text after the value") : "";
  }

 private:
  explicit StrictJson(std::string_view t) : t_(t) {}
  std::string fail(const char* what) {
    if (error_.empty())
      error_ = fmt::format("{} at byte {}: '{}'", what, at_, t_.substr(at_ < t_.size() ? at_ : t_.size(), 20));
    return error_;
  }
  bool bad(const char* what) { return fail(what), false; }
  char peek() const { return at_ < t_.size() ? t_[at_] : '\0'; }
  void blank() {
    while (at_ < t_.size() && (t_[at_] == ' ' || t_[at_] == '\n' || t_[at_] == '\r' || t_[at_] == '\t')) ++at_;
  }
  bool word(std::string_view w) {
    if (t_.substr(at_, w.size()) != w) return bad("unknown word");
    at_ += w.size();
    return true;
  }
  bool digits() {
    const size_t start = at_;
    while (std::isdigit(static_cast<unsigned char>(peek()))) ++at_;
    return at_ > start;
  }
  bool number() {
    if (peek() == '-') ++at_;
    if (peek() == '0') ++at_;
    else if (!digits()) return bad("not a number");
    if (peek() == '.' && (++at_, !digits())) return bad("no digits after '.'");
    if (peek() == 'e' || peek() == 'E') {
      ++at_;
      if (peek() == '+' || peek() == '-') ++at_;
      if (!digits()) return bad("no digits in the exponent");
    }
    return true;
  }
  bool string() {
    ++at_;  // the opening quote
    while (at_ < t_.size()) {
      const auto c = static_cast<unsigned char>(t_[at_]);
      if (c == '"') return ++at_, true;
      if (c < 0x20) return bad("a raw control character in a string");
      if (c == '\\') {
        const char e = at_ + 1 < t_.size() ? t_[at_ + 1] : '\0';
        if (e == 'u') {
          for (size_t k = 2; k < 6; ++k)
            if (at_ + k >= t_.size() || !std::isxdigit(static_cast<unsigned char>(t_[at_ + k]))) return bad("bad \\u escape");
          at_ += 6;
        } else if (std::string_view("\"\\/bfnrt").find(e) != std::string_view::npos && e != '\0') {
          at_ += 2;
        } else {
          return bad("bad escape");
        }
        continue;
      }
      size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
      if (n == 0 || at_ + n > t_.size()) return bad("not UTF-8");
      for (size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(t_[at_ + k]) & 0xC0) != 0x80) return bad("not UTF-8");
      at_ += n;
    }
    return bad("an unterminated string");
  }
  // Members or elements between `open` and `close`, separated by commas.
  bool items(char close, bool members) {
    ++at_;
    blank();
    if (peek() == close) return ++at_, true;
    for (;;) {
      blank();
      if (members) {
        if (peek() != '"' || !string()) return bad("a member without a string name");
        blank();
        if (peek() != ':') return bad("no ':' after a member name");
        ++at_;
        blank();
      }
      if (!value()) return false;
      blank();
      if (peek() == close) return ++at_, true;
      if (peek() != ',') return bad("no ',' between items");
      ++at_;
    }
  }
  bool value() {
    if (++depth_ > 512) return bad("nested too deep");
    bool ok = false;
    switch (peek()) {
      case '{': ok = items('}', true); break;
      case '[': ok = items(']', false); break;
      case '"': ok = string(); break;
      case 't': ok = word("true"); break;
      case 'f': ok = word("false"); break;
      case 'n': ok = word("null"); break;
      default: ok = number();
    }
    --depth_;
    return ok;
  }

  std::string_view t_;
  size_t at_ = 0;
  int depth_ = 0;
  std::string error_;
};

}  // namespace ringtmp::testing
