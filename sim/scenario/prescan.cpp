#include "sim/scenario/prescan.h"

#include <fmt/core.h>

#include <cctype>
#include <vector>

namespace stsim::scenario {

namespace {

std::string too_deep_message() {
  return fmt::format(
      "tables nested more than {} levels deep (table headers, dotted keys and inline tables "
      "together); a scenario needs a few levels: is the file what you meant to load?",
      max_table_depth);
}

// A small TOML lexer that knows just enough to count table levels: strings (four kinds)
// and comments are skipped, dots count only in keys, and inline tables open a level.
class Scanner {
 public:
  Scanner(std::string_view text, const std::string& file) : text_(text), file_(file) {}

  std::optional<Diagnostic> run() {
    while (at_ < text_.size()) {
      const char c = text_[at_];
      if (c == '\n') {
        newline();
        continue;
      }
      if (c == '#') {
        while (at_ < text_.size() && text_[at_] != '\n') ++at_;
        continue;
      }
      if (c == '"' || c == '\'') {
        skip_string(c);
        continue;
      }
      if (at_line_start_ && brackets_.empty() && c == '[') {
        if (auto fault = header()) return fault;
        continue;
      }
      if (c != ' ' && c != '\t' && c != '\r') at_line_start_ = false;
      if (in_key_) {
        if (c == '.') {
          ++key_levels_;
          if (auto fault = check()) return fault;
        } else if (c == '=') {
          in_key_ = false;
        }
      } else if (c == '{' || c == '[') {
        brackets_.push_back({c, key_levels_});
        if (c == '{') {
          inline_levels_ += key_levels_;
          in_key_ = true;
          key_levels_ = 1;
          if (auto fault = check()) return fault;
        }
      } else if ((c == '}' || c == ']') && !brackets_.empty()) {
        const auto open = brackets_.back();
        brackets_.pop_back();
        if (open.kind == '{') {
          key_levels_ = open.key_levels;
          inline_levels_ -= open.key_levels;
        }
      } else if (c == ',' && !brackets_.empty() && brackets_.back().kind == '{') {
        in_key_ = true;
        key_levels_ = 1;
      }
      advance();
    }
    return std::nullopt;
  }

 private:
  struct Open {
    char kind;
    std::size_t key_levels;  // of the key whose value it is
  };

  void advance() {
    ++at_;
    ++column_;
  }

  void newline() {
    ++at_;
    ++line_;
    column_ = 1;
    at_line_start_ = true;
    if (brackets_.empty()) {
      in_key_ = true;
      key_levels_ = 1;
    }
  }

  void skip_string(char quote) {
    const bool multiline = text_.substr(at_, 3) == std::string_view(std::string(3, quote));
    const std::size_t open = multiline ? 3 : 1;
    for (std::size_t i = 0; i < open; ++i) advance();
    while (at_ < text_.size()) {
      const char c = text_[at_];
      if (quote == '"' && c == '\\') {
        advance();
        if (at_ < text_.size() && text_[at_] == '\n') {
          newline();
        } else if (at_ < text_.size()) {
          advance();
        }
        continue;
      }
      if (c == '\n') {
        if (!multiline) return;  // unterminated: the parser reports it
        ++at_;
        ++line_;
        column_ = 1;
        continue;
      }
      if (c == quote &&
          (!multiline || text_.substr(at_, 3) == std::string_view(std::string(3, quote)))) {
        for (std::size_t i = 0; i < open; ++i) advance();
        return;
      }
      advance();
    }
  }

  // [a.b.c] or [[a.b.c]]: its levels stay in force for the keys under it.
  std::optional<Diagnostic> header() {
    at_line_start_ = false;
    advance();
    if (at_ < text_.size() && text_[at_] == '[') advance();
    header_levels_ = 1;
    key_levels_ = 0;
    while (at_ < text_.size() && text_[at_] != ']' && text_[at_] != '\n') {
      const char c = text_[at_];
      if (c == '"' || c == '\'') {
        skip_string(c);
        continue;
      }
      if (c == '.') {
        ++header_levels_;
        if (auto fault = check()) return fault;
      }
      advance();
    }
    while (at_ < text_.size() && text_[at_] == ']') advance();
    in_key_ = true;
    key_levels_ = 1;
    return std::nullopt;
  }

  std::optional<Diagnostic> check() const {
    if (header_levels_ + inline_levels_ + key_levels_ <= max_table_depth) return std::nullopt;
    Diagnostic d;
    d.where = {file_, line_, column_};
    d.message = too_deep_message();
    return d;
  }

  std::string_view text_;
  const std::string& file_;
  std::size_t at_ = 0;
  std::uint32_t line_ = 1;
  std::uint32_t column_ = 1;
  bool at_line_start_ = true;
  bool in_key_ = true;
  std::size_t header_levels_ = 0;
  std::size_t key_levels_ = 1;
  std::size_t inline_levels_ = 0;
  std::vector<Open> brackets_;
};

// The longest run of dot-separated key-like segments anywhere in the text, strings and
// comments included: whatever state a mangled file leaves a lexer in, no chain of more
// levels than the limit reaches the parser.
std::optional<model::SourceLocation> longest_chain_beyond(std::string_view text,
                                                          std::size_t limit) {
  std::size_t dots = 0;
  std::uint32_t line = 1, column = 1;
  for (const char c : text) {
    const bool key_like = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
                          c == '"' || c == '\'' || c == ' ' || c == '\t';
    if (c == '.') {
      if (++dots >= limit) return model::SourceLocation{"", line, column};
    } else if (!key_like) {
      dots = 0;
    }
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Diagnostic> prescan(std::string_view text, const std::string& file) {
  if (text.size() > max_scenario_bytes) {
    Diagnostic d;
    d.where = {file, 0, 0};
    d.message = fmt::format(
        "the file is {} bytes; a scenario may be at most {} MiB (is it the file you meant?)",
        text.size(), max_scenario_bytes >> 20);
    return d;
  }
  if (auto fault = Scanner(text, file).run()) return fault;
  if (const auto where = longest_chain_beyond(text, max_table_depth)) {
    Diagnostic d;
    d.where = {file, where->line, where->column};
    d.message = too_deep_message();
    return d;
  }
  return std::nullopt;
}

}  // namespace stsim::scenario
