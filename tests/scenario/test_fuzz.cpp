// Thousands of random mutations of the shipped scenarios (and of the complete texts in
// texts.h): the loader must never crash, hang or leak (the sanitizer build runs this too),
// and must end either in a scenario or in at least one error with a position in the file.

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/random/stream.h"
#include "sim/scenario/scenario.h"
#include "tests/scenario/texts.h"

using namespace stsim;
using namespace stsim::scenario;

namespace {

std::vector<std::string> seed_texts() {
  std::vector<std::string> texts = {std::string(testing::full_text),
                                    std::string(testing::minimal_text),
                                    std::string(testing::sampled_text)};
  const std::filesystem::path dir = STSIM_SOURCE_DIR "/scenarios";
  if (std::filesystem::is_directory(dir)) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
      if (entry.path().extension() == ".toml") files.push_back(entry.path());
    std::sort(files.begin(), files.end());  // directory order is not stable
    for (const auto& file : files) {
      std::ifstream in(file, std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      texts.push_back(text.str());
    }
  }
  return texts;
}

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed)
      : stream_(random::StreamKey{seed, 0, 0, 0, random::Purpose::test}) {}

  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(stream_() % n); }

  std::string mutate(std::string text) {
    const std::size_t count = 1 + below(3);
    for (std::size_t i = 0; i < count; ++i) text = once(std::move(text));
    return text;
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
    switch (below(7)) {
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
      default: {  // insert TOML punctuation
        static constexpr char punctuation[] = "[]{}=\"'.,#\n\0-+e";
        text.insert(below(text.size() + 1), 1, punctuation[below(sizeof(punctuation) - 1)]);
        return text;
      }
    }
  }

  random::Stream stream_;
};

}  // namespace

TEST_CASE("random mutations of scenarios end in a scenario or a located error", "[fuzz]") {
  const auto seeds = seed_texts();
  REQUIRE(seeds.size() >= 3);
  Mutator mutator(20240601);
  std::size_t loaded = 0, rejected = 0;
  constexpr std::size_t per_seed = 800;
  for (std::size_t s = 0; s < seeds.size(); ++s) {
    // The unmutated text is valid.
    CHECK(load_string(seeds[s], "seed.toml").ok());
    for (std::size_t i = 0; i < per_seed; ++i) {
      const std::string text = mutator.mutate(seeds[s]);
      const auto result = load_string(text, "fuzz.toml");
      bool located_error = false;
      for (const auto& d : result.diagnostics) {
        CHECK(d.where.file == "fuzz.toml");
        CHECK_FALSE(d.message.empty());
        if (d.severity == Diagnostic::Severity::error && d.where.line >= 1 && d.where.column >= 1)
          located_error = true;
      }
      if (result.ok()) {
        ++loaded;
        const auto& components = result.scenario->spec.components;
        CHECK(std::any_of(components.begin(), components.end(), [](const model::ComponentSpec& c) {
          return c.kind == model::Kind::source;
        }));
        CHECK_FALSE(result.scenario->spec.contexts.empty());
      } else {
        ++rejected;
        if (!located_error) FAIL_CHECK("rejected without a located error:\n" << text);
      }
    }
  }
  // Both outcomes occur, so the mutations neither always break nor never break a file.
  CHECK(loaded > 0);
  CHECK(rejected > 0);
  CHECK(loaded + rejected == seeds.size() * per_seed);
}
