#pragma once
// Random mutations of scenario texts for the fuzz tests: structure-aware ones (delete,
// swap, rename, duplicate lines), byte-level ones (flipped and inserted bytes, repeated
// stretches, truncation), extreme numbers and deep nesting, and --set arguments. Seeded,
// so that every run of a test makes the same mutants.

#include <cctype>
#include <sstream>
#include <string>
#include <vector>

#include "sim/random/stream.h"

namespace stsim::test {

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed)
      : stream_(random::StreamKey{seed, 0, 0, 0, random::Purpose::test}) {}
  Mutator(const Mutator&) = delete;
  Mutator& operator=(const Mutator&) = delete;

  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(stream_() % n); }

  std::string mutate(std::string text) {
    const std::size_t count = 1 + below(3);
    for (std::size_t i = 0; i < count; ++i) text = once(std::move(text));
    return text;
  }

  // A value that overflows or underflows what a parameter means: the values that
  // passed validate and then hung, crashed or filled memory in a run.
  std::string extreme() {
    static const std::vector<std::string> values = {"1e308",
                                                    "-1e308",
                                                    "1e-300",
                                                    "4294967295",
                                                    "4294967296",
                                                    "18446744073709551615",
                                                    "9223372036854775807",
                                                    "nan",
                                                    "inf",
                                                    "-inf",
                                                    "0",
                                                    "-0",
                                                    "1e19",
                                                    "2147483648"};
    return values[below(values.size())];
  }

  // A --set argument: a real path of the text (its last table's key) with an extreme,
  // mutated or odd value.
  std::string assignment(const std::string& text) {
    std::string table, path = "scenario.horizon";
    std::vector<std::string> paths;
    for (const auto& line : lines_of(text)) {
      if (line.size() > 2 && line[0] == '[' && line[1] != '[') {
        table = line.substr(1, line.find(']') - 1);
      } else if (const auto eq = line.find('=');
                 eq != std::string::npos && eq > 0 && !table.empty()) {
        std::string key = line.substr(0, eq);
        while (!key.empty() && key.back() == ' ') key.pop_back();
        paths.push_back(table + "." + key);
      }
    }
    if (!paths.empty()) path = paths[below(paths.size())];
    static const std::vector<std::string> odd = {"",   "\"\"", "x",    "[1, 2]",  "{ a = 1 }",
                                                 "4h", "-1",   "true", "\"a\nb\""};
    const std::string value = below(2) == 0 ? extreme() : odd[below(odd.size())];
    return below(10) == 0 ? mutate(path + "=" + value) : path + "=" + value;
  }

 private:
  static std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::stringstream stream(text);
    std::string line;
    while (std::getline(stream, line)) lines.push_back(line);
    return lines;
  }
  static std::string join(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) out += line + "\n";
    return out;
  }

  std::string once(std::string text) {
    auto lines = lines_of(text);
    if (lines.empty() || text.empty()) return text + "[x]\n";
    switch (below(11)) {
      case 0:  // delete a line
        lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(below(lines.size())));
        return join(lines);
      case 1: {  // swap the values of two assignments
        std::vector<std::size_t> assignments;
        for (std::size_t i = 0; i < lines.size(); ++i)
          if (lines[i].find('=') != std::string::npos) assignments.push_back(i);
        if (assignments.size() < 2) return join(lines);
        auto& a = lines[assignments[below(assignments.size())]];
        auto& b = lines[assignments[below(assignments.size())]];
        const auto ea = a.find('='), eb = b.find('=');
        const std::string va = a.substr(ea), vb = b.substr(eb);
        a = a.substr(0, ea) + vb;
        b = b.substr(0, eb) + va;
        return join(lines);
      }
      case 2: {  // flip bits of a byte, or replace it by any byte
        const std::size_t at = below(text.size());
        text[at] = below(2) == 0 ? static_cast<char>(text[at] ^ (1 << below(8)))
                                 : static_cast<char>(below(256));
        return text;
      }
      case 3: {  // rename a key: change one letter, or take another line's key
        std::vector<std::size_t> keyed;
        for (std::size_t i = 0; i < lines.size(); ++i) {
          const auto eq = lines[i].find('=');
          if (eq != std::string::npos && eq > 0) keyed.push_back(i);
        }
        if (keyed.empty()) return join(lines);
        auto& line = lines[keyed[below(keyed.size())]];
        const auto eq = line.find('=');
        if (below(2) == 0) {
          const auto& other = lines[keyed[below(keyed.size())]];
          line = other.substr(0, other.find('=')) + line.substr(eq);
        } else {
          line[below(eq)] = static_cast<char>('a' + below(26));
        }
        return join(lines);
      }
      case 4:  // truncate
        return text.substr(0, below(text.size()));
      case 5: {  // duplicate a line elsewhere
        const auto& line = lines[below(lines.size())];
        lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(below(lines.size() + 1)), line);
        return join(lines);
      }
      case 6: {  // insert TOML punctuation
        static constexpr char punctuation[] = "[]{}=\"'.,#\n\0-+e";
        text.insert(below(text.size() + 1), 1, punctuation[below(sizeof(punctuation) - 1)]);
        return text;
      }
      case 7: {  // a number becomes an extreme one
        std::vector<std::size_t> digits;
        for (std::size_t i = 0; i < text.size(); ++i)
          if (text[i] >= '0' && text[i] <= '9' && (i == 0 || !std::isalnum(text[i - 1])))
            digits.push_back(i);
        if (digits.empty()) return text;
        const std::size_t at = digits[below(digits.size())];
        std::size_t end = at;
        while (end < text.size() && (std::isalnum(text[end]) || text[end] == '.')) ++end;
        return text.substr(0, at) + extreme() + text.substr(end);
      }
      case 8: {  // deep nesting: a dotted key or a table header of many levels
        const std::size_t levels = below(2) == 0 ? 100 + below(100) : 1000 + below(100000);
        std::string key = "a";
        for (std::size_t i = 1; i < levels; ++i) key += ".a";
        const std::string line = below(2) == 0 ? key + " = 1\n" : "[" + key + "]\n";
        lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(below(lines.size() + 1)), line);
        return join(lines);
      }
      case 9: {  // insert a run of arbitrary bytes
        std::string bytes(1 + below(16), '\0');
        for (auto& b : bytes) b = static_cast<char>(below(256));
        text.insert(below(text.size() + 1), bytes);
        return text;
      }
      default: {  // repeat a stretch of the text in place
        const std::size_t at = below(text.size());
        const std::string stretch = text.substr(at, 1 + below(200));
        const std::size_t times = 1 + below(50);
        for (std::size_t i = 0; i < times; ++i) text.insert(at, stretch);
        return text;
      }
    }
  }

  random::Stream stream_;
};

}  // namespace stsim::test
