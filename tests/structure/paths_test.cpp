#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/structure/graph.h"
#include "tests/structure/build_spec.h"

using stsim::structure::CutSetAnalysis;
using stsim::structure::describe;
using stsim::structure::enumerate_paths;
using stsim::structure::minimal_cut_sets;
using stsim::structure::testing::SpecBuilder;

namespace {

std::vector<std::string> described_paths(const stsim::model::ScenarioSpec& spec,
                                         std::size_t limit = 100000) {
  std::vector<std::string> out;
  for (const auto& path : enumerate_paths(spec, limit).paths) out.push_back(describe(spec, path));
  return out;
}

// Each minimal cut set as "{a, b}", smallest first.
std::vector<std::string> cut_sets(const stsim::model::ScenarioSpec& spec,
                                  const CutSetAnalysis& analysis) {
  std::vector<std::string> out;
  for (const auto& cut : analysis.minimal) {
    std::string text = "{";
    for (std::size_t i = 0; i < cut.layers.size(); ++i) {
      if (i > 0) text += ", ";
      text += spec.components[cut.layers[i]].id;
    }
    text += "}";
    out.push_back(text);
  }
  return out;
}

}  // namespace

TEST_CASE("paths from every source to every outcome, with their ports", "[paths]") {
  SpecBuilder b;
  b.add("users", "source", {{"pass", "model"}})
      .add("model", "ai", {{"pass", "filter"}, {"refuse", "stopped"}, {"defer", "review"}})
      .add("filter", "safeguard", {{"pass", "world"}, {"block", "stopped"}})
      .add("review", "operators",
           {{"pass", "world"}, {"block", "stopped"}, {"overflow", "dropped"}})
      .add("staff", "source", {{"pass", "review"}})
      .outcome("world", true)
      .outcome("stopped", false)
      .outcome("dropped", false);
  const std::vector<std::string> expected{
      "users -> model -> filter -> world",
      "users -> model -> filter -[block]-> stopped",
      "users -> model -[refuse]-> stopped",
      "users -> model -[defer]-> review -> world",
      "users -> model -[defer]-> review -[block]-> stopped",
      "users -> model -[defer]-> review -[overflow]-> dropped",
      "staff -> review -> world",
      "staff -> review -[block]-> stopped",
      "staff -> review -[overflow]-> dropped",
  };
  CHECK(described_paths(b.spec()) == expected);
  SECTION("the enumeration stops at its limit and says so") {
    const auto cut = enumerate_paths(b.spec(), 4);
    CHECK_FALSE(cut.complete);
    CHECK(cut.paths.size() == 4);
    CHECK(enumerate_paths(b.spec(), 9).complete);
  }
}

TEST_CASE("paths count every route through a diamond once", "[paths]") {
  // Three stacked diamonds: 2^3 routes.
  SpecBuilder b;
  b.add("users", "source", {{"pass", "s0"}});
  for (int i = 0; i < 3; ++i) {
    const std::string names[] = {"s0", "s1", "s2", "world"};
    const std::string& s = names[i];
    const std::string& next = names[i + 1];
    const std::string a = s + 'a', c = s + 'b';
    b.add(s, "safeguard", {{"pass", a}, {"block", c}})
        .add(a, "defence", {{"pass", next}, {"block", next}})
        .add(c, "audit", {{"pass", next}});
  }
  b.outcome("world", true);
  // s_i -> s_ia has two parallel edges (pass and block), so 3 routes per diamond.
  CHECK(enumerate_paths(b.spec()).paths.size() == 27);
}

TEST_CASE("cut sets of a series chain: every layer must fail", "[cutsets]") {
  SpecBuilder b;
  b.add("users", "source", {{"pass", "model"}})
      .add("model", "ai", {{"pass", "filter"}, {"refuse", "stopped"}})
      .add("filter", "safeguard", {{"pass", "review"}, {"block", "stopped"}})
      .add("review", "operators",
           {{"pass", "audit"}, {"block", "stopped"}, {"overflow", "stopped"}})
      .add("audit", "audit", {{"pass", "world"}, {"block", "stopped"}})
      .outcome("world", true)
      .outcome("stopped", false);
  const auto analyses = minimal_cut_sets(b.spec());
  REQUIRE(analyses.size() == 1);
  CHECK(analyses[0].origin == 1);
  CHECK(cut_sets(b.spec(), analyses[0]) == std::vector<std::string>{"{filter, review, audit}"});
  CHECK(describe(b.spec(), analyses[0].minimal[0].witness) ==
        "model -> filter -> review -> audit -> world");
}

TEST_CASE("cut sets of parallel branches: one layer each", "[cutsets]") {
  SpecBuilder b;
  b.add("users", "source", {{"pass", "model"}})
      .add("model", "ai", {{"pass", "filter"}, {"defer", "review"}})
      .add("filter", "safeguard", {{"pass", "world"}, {"block", "stopped"}})
      .add("review", "operators", {{"pass", "world"}, {"block", "stopped"}})
      .outcome("world", true)
      .outcome("stopped", false);
  const auto analyses = minimal_cut_sets(b.spec());
  REQUIRE(analyses.size() == 1);
  CHECK(cut_sets(b.spec(), analyses[0]) == std::vector<std::string>{"{filter}", "{review}"});
  CHECK(describe(b.spec(), analyses[0].minimal[1].witness) == "model -[defer]-> review -> world");
}

TEST_CASE("cut sets with a defer path to operators and a defence shared by two paths",
          "[cutsets]") {
  // filter escalates what it flags to review; the model defers to review; both reach
  // the shared defence. A review overflow bypasses the defence.
  SpecBuilder b;
  b.add("users", "source", {{"pass", "model"}})
      .add("model", "ai", {{"pass", "filter"}, {"defer", "review"}})
      .add("filter", "safeguard", {{"pass", "defence"}, {"block", "review"}})
      .add("review", "operators",
           {{"pass", "defence"}, {"block", "stopped"}, {"overflow", "world"}})
      .add("defence", "defence", {{"pass", "world"}, {"block", "stopped"}})
      .outcome("world", true)
      .outcome("stopped", false);
  const auto analyses = minimal_cut_sets(b.spec());
  REQUIRE(analyses.size() == 1);
  // Hazard paths and their failure sets: filter, defence | review (via filter's block),
  // defence | review (overflow) | review, defence (deferred) | review (deferred, overflow).
  CHECK(cut_sets(b.spec(), analyses[0]) ==
        std::vector<std::string>{"{review}", "{filter, defence}"});
  CHECK(describe(b.spec(), analyses[0].minimal[0].witness) ==
        "model -> filter -[block]-> review -[overflow]-> world");

  SECTION("without the bypass, the shared defence is in every cut set") {
    SpecBuilder c;
    c.add("users", "source", {{"pass", "model"}})
        .add("model", "ai", {{"pass", "filter"}, {"defer", "review"}})
        .add("filter", "safeguard", {{"pass", "defence"}, {"block", "review"}})
        .add("review", "operators",
             {{"pass", "defence"}, {"block", "stopped"}, {"overflow", "defence"}})
        .add("defence", "defence", {{"pass", "world"}, {"block", "stopped"}})
        .outcome("world", true)
        .outcome("stopped", false);
    const auto shared = minimal_cut_sets(c.spec());
    REQUIRE(shared.size() == 1);
    CHECK(cut_sets(c.spec(), shared[0]) ==
          std::vector<std::string>{"{filter, defence}", "{review, defence}"});
  }
}

TEST_CASE("alarm-only safeguards are not layers, and refusals are not hazards", "[cutsets]") {
  SpecBuilder b;
  b.add("users", "source", {{"pass", "model"}})
      .add("model", "ai", {{"pass", "monitor"}, {"refuse", "world"}})
      .alarm_only("monitor", {{"pass", "review"}, {"block", "world"}})
      .add("review", "operators", {{"pass", "world"}, {"block", "stopped"}})
      .add("bare", "ai", {{"pass", "world"}})
      .add("nowhere", "ai", {{"pass", "stopped"}})
      .outcome("world", true)
      .outcome("stopped", false);
  const auto analyses = minimal_cut_sets(b.spec());
  REQUIRE(analyses.size() == 3);
  CHECK(cut_sets(b.spec(), analyses[0]) == std::vector<std::string>{"{review}"});
  // A model wired straight to the world: one cut set with no layer in it.
  CHECK(analyses[1].origin == 4);
  CHECK(cut_sets(b.spec(), analyses[1]) == std::vector<std::string>{"{}"});
  // No hazard from this model is ever acted on: no cut set.
  CHECK(analyses[2].minimal.empty());
}

namespace {

// Tiny deterministic generator for the random structures below (splitmix64).
class Mix {
 public:
  explicit Mix(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t state_;
};

// With the layers in `failed` failed and every other layer working, can a hazard from
// `origin` reach an acted outcome? Working layers leave by block only, failed ones by
// their other ports.
bool reaches_harm(const stsim::model::ScenarioSpec& spec, std::size_t origin,
                  const std::vector<bool>& failed) {
  std::vector<bool> seen(spec.components.size(), false);
  std::vector<std::size_t> stack{origin};
  seen[origin] = true;
  while (!stack.empty()) {
    const auto& c = spec.components[stack.back()];
    const bool layer_failed = failed[stack.back()];
    stack.pop_back();
    if (const auto* outcome = std::get_if<stsim::model::OutcomeSpec>(&c.parameters)) {
      if (outcome->acted) return true;
      continue;
    }
    for (const auto& edge : c.next) {
      const std::string& port = edge.port;
      bool follow = false;
      if (stsim::structure::is_layer(c)) {
        follow = layer_failed ? port != "block" : port == "block";
      } else if (std::holds_alternative<stsim::model::AiSpec>(c.parameters)) {
        follow = port != "refuse";
      } else {
        follow = port == "pass";
      }
      if (!follow) continue;
      for (std::size_t t = 0; t < spec.components.size(); ++t) {
        if (spec.components[t].id == edge.target && !seen[t]) {
          seen[t] = true;
          stack.push_back(t);
        }
      }
    }
  }
  return false;
}

}  // namespace

TEST_CASE("cut sets agree with brute force over every failure combination on random structures",
          "[cutsets]") {
  Mix mix(20261125);
  const char* const middle[] = {"safeguard", "operators", "audit", "defence", "ai"};
  for (int trial = 0; trial < 300; ++trial) {
    // Components 0 = model, 1..6 random kinds, then two acted and one stopped outcome;
    // every edge points forward, so the structure has no loop.
    const std::size_t inner = 1 + mix.below(6);
    SpecBuilder b;
    std::vector<std::string> ids{"model"};
    for (std::size_t i = 1; i <= inner; ++i)
      ids.push_back(std::string(1, 'c').append(std::to_string(i)));
    ids.insert(ids.end(), {"harm1", "harm2", "stop"});
    for (std::size_t i = 0; i <= inner; ++i) {
      const std::string kind = i == 0 ? "ai" : middle[mix.below(5)];
      std::vector<std::pair<std::string, std::string>> next;
      for (const auto& port : stsim::model::kind_info(*stsim::model::kind_named(kind)).ports) {
        if (mix.below(4) != 0)
          next.emplace_back(port.name, ids[i + 1 + mix.below(ids.size() - i - 1)]);
      }
      if (kind == "safeguard" && mix.below(3) == 0) {
        b.alarm_only(ids[i], next);
      } else {
        b.add(ids[i], kind, next);
      }
    }
    b.outcome("harm1", true).outcome("harm2", true).outcome("stop", false);
    const auto& spec = b.spec();

    std::vector<std::size_t> layers;
    for (std::size_t i = 0; i < spec.components.size(); ++i) {
      if (stsim::structure::is_layer(spec.components[i])) layers.push_back(i);
    }
    // Brute force: the failure combinations that let a hazard through, minimal ones kept.
    std::vector<std::vector<std::size_t>> cuts;
    for (std::uint32_t mask = 0; mask < (1u << layers.size()); ++mask) {
      std::vector<bool> failed(spec.components.size(), false);
      std::vector<std::size_t> set;
      for (std::size_t j = 0; j < layers.size(); ++j) {
        if (mask & (1u << j)) {
          failed[layers[j]] = true;
          set.push_back(layers[j]);
        }
      }
      if (reaches_harm(spec, 0, failed)) cuts.push_back(set);
    }
    std::vector<std::vector<std::size_t>> minimal;
    for (const auto& cut : cuts) {
      const bool has_smaller = std::any_of(cuts.begin(), cuts.end(), [&](const auto& other) {
        return other.size() < cut.size() &&
               std::includes(cut.begin(), cut.end(), other.begin(), other.end());
      });
      if (!has_smaller) minimal.push_back(cut);
    }
    std::sort(minimal.begin(), minimal.end(), [](const auto& x, const auto& y) {
      return x.size() != y.size() ? x.size() < y.size() : x < y;
    });

    const auto analyses = minimal_cut_sets(spec);
    REQUIRE_FALSE(analyses.empty());
    REQUIRE(analyses[0].origin == 0);
    std::vector<std::vector<std::size_t>> found;
    for (const auto& cut : analyses[0].minimal) found.push_back(cut.layers);
    INFO("trial " << trial);
    CHECK(found == minimal);
  }
}

TEST_CASE("path and cut set walks are bounded even where no walk arrives", "[paths][cutsets]") {
  // 60 safeguards, each passing to the next and blocking to the one after: about 1e12
  // walks, all ending at the last safeguard, a dead end with no outcome.
  SpecBuilder b;
  b.add("users", "source", {{"pass", "model"}}).add("model", "ai", {{"pass", "g0"}});
  for (int i = 0; i < 60; ++i) {
    const std::string next = std::string(1, 'g').append(std::to_string(i + 1));
    const std::string after = std::string(1, 'g').append(std::to_string(i + 2));
    std::vector<std::pair<std::string, std::string>> edges;
    if (i + 1 < 60) edges.emplace_back("pass", next);
    if (i + 2 < 60) edges.emplace_back("block", after);
    b.add(std::string(1, 'g').append(std::to_string(i)), "safeguard", edges);
  }
  const auto paths = enumerate_paths(b.spec(), 1000);
  CHECK_FALSE(paths.complete);
  CHECK(paths.paths.empty());
  const auto cuts = minimal_cut_sets(b.spec(), 1000);
  REQUIRE(cuts.size() == 1);
  CHECK_FALSE(cuts[0].complete);
  CHECK(cuts[0].minimal.empty());
}

namespace {

// `count` diamonds in series after the model: each a review (a layer whose pass and
// overflow both carry a hazard) forking to two filters that join at the next review.
// 2^count paths; every hazard path fails one review and one filter per diamond.
SpecBuilder diamonds(int count) {
  SpecBuilder b;
  b.add("users", "source", {{"pass", "model"}}).add("model", "ai", {{"pass", "review0"}});
  for (int i = 0; i < count; ++i) {
    const std::string index = std::to_string(i);
    const std::string next = i + 1 == count ? "world" : "review" + std::to_string(i + 1);
    b.add("review" + index, "operators", {{"pass", "left" + index}, {"overflow", "right" + index}})
        .add("left" + index, "safeguard", {{"pass", next}})
        .add("right" + index, "safeguard", {{"pass", next}});
  }
  b.outcome("world", true);
  return b;
}

}  // namespace

TEST_CASE("the summary counts paths and finds the smallest cut set without walking them",
          "[paths][cutsets]") {
  // The walk visits 2^20 paths and 2^20 minimal cut sets; the summary visits 64 components.
  const auto spec = diamonds(20).spec();
  const auto summary = stsim::structure::summarise(spec);
  CHECK(summary.paths == std::uint64_t{1} << 20);
  CHECK(summary.ai_components == 1);
  REQUIRE(summary.smallest);
  CHECK(summary.smallest->layers.size() == 40);
  std::string witness = "model";
  for (int i = 0; i < 20; ++i)
    witness += " -> review" + std::to_string(i) + " -> left" + std::to_string(i);
  CHECK(describe(spec, summary.smallest->witness) == witness + " -> world");
}

TEST_CASE("the summary agrees with the walk over every path", "[paths][cutsets]") {
  SpecBuilder escalation;
  escalation.add("users", "source", {{"pass", "model"}})
      .add("model", "ai", {{"pass", "filter"}, {"defer", "review"}})
      .add("filter", "safeguard", {{"pass", "defence"}, {"block", "review"}})
      .add("review", "operators",
           {{"pass", "defence"}, {"block", "stopped"}, {"overflow", "world"}})
      .add("defence", "defence", {{"pass", "world"}, {"block", "stopped"}})
      .outcome("world", true)
      .outcome("stopped", false);
  SpecBuilder unprotected;
  unprotected.add("users", "source", {{"pass", "model"}})
      .add("model", "ai", {{"pass", "alarm"}, {"refuse", "stopped"}})
      .alarm_only("alarm", {{"pass", "world"}, {"block", "stopped"}})
      .outcome("world", true)
      .outcome("stopped", false);
  SpecBuilder harmless;
  harmless.add("users", "source", {{"pass", "model"}})
      .add("model", "ai", {{"pass", "stopped"}})
      .outcome("stopped", false);
  SpecBuilder no_ai;
  no_ai.add("users", "source", {{"pass", "world"}}).outcome("world", true);
  for (const auto* b : {&escalation, &unprotected, &harmless, &no_ai}) {
    const auto& spec = b->spec();
    const auto summary = stsim::structure::summarise(spec);
    CHECK(summary.paths == enumerate_paths(spec).paths.size());
    const auto analyses = minimal_cut_sets(spec);
    CHECK(summary.ai_components == analyses.size());
    const CutSetAnalysis* with_hazard = nullptr;
    for (const auto& analysis : analyses)
      if (!analysis.minimal.empty()) with_hazard = &analysis;
    REQUIRE(summary.smallest.has_value() == (with_hazard != nullptr));
    if (with_hazard) {
      CHECK(summary.smallest->layers == with_hazard->minimal.front().layers);
      CHECK(describe(spec, summary.smallest->witness) ==
            describe(spec, with_hazard->minimal.front().witness));
    }
  }
  const auto six = diamonds(6).spec();
  const auto walked = minimal_cut_sets(six);
  REQUIRE(walked.size() == 1);
  CHECK(walked[0].minimal.size() == 64);
  CHECK(walked[0].minimal.front().layers == stsim::structure::summarise(six).smallest->layers);
}
