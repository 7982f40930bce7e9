// Every validation rule of a single file, each with a malformed file: the exact message,
// line and column (in the "file:line:col: error: message" form users see).

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "sim/scenario/parameters.h"
#include "sim/scenario/scenario.h"
#include "tests/scenario/texts.h"

using namespace stsim;
using namespace stsim::scenario;

namespace {

// Appended to most cases so that they have a source and an outcome; the lines of a
// case's own text therefore start at 1.
const std::string tail = R"toml(
[users]
kind = "source"
next = "world"

[world]
kind = "outcome"
)toml";

std::vector<std::string> diagnostics_of(const std::string& text,
                                        const std::vector<Assignment>& overrides = {}) {
  const auto result = load_string(text, "bad.toml", overrides);
  std::vector<std::string> out;
  bool error = false;
  for (const auto& d : result.diagnostics) {
    out.push_back(format(d));
    error = error || d.severity == Diagnostic::Severity::error;
  }
  // An error and a scenario never come together.
  CHECK(result.ok() != error);
  return out;
}

struct Case {
  const char* rule;
  std::string text;
  std::vector<std::string> expected;
};

void check_cases(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    INFO(c.rule << "\n" << c.text);
    CHECK(diagnostics_of(c.text) == c.expected);
  }
}

}  // namespace

TEST_CASE("TOML syntax errors and duplicates are reported where TOML++ finds them",
          "[validation]") {
  check_cases({
      {"missing value",
       "[scenario]\nseed = \n" + tail,
       {"bad.toml:2:8: error: TOML syntax error in key-value pair: expected value, saw '\\n'"}},
      {"unterminated table header",
       "[scenario\nseed = 1\n" + tail,
       {"bad.toml:1:10: error: TOML syntax error in table header: expected ']', saw '\\n'"}},
      {"duplicate component id",
       "[world]\nacted = true\n" + tail,
       {"bad.toml:8:1: error: duplicate table [world]; a table may be defined only once: merge the "
        "two definitions"}},
      {"duplicate key",
       "[model]\nkind = \"ai\"\nkind = \"ai\"\n" + tail,
       {"bad.toml:3:8: error: duplicate key 'kind'; a key may be set only once in a table"}},
  });
}

TEST_CASE("unknown keys are named with a suggestion or the keys expected", "[validation]") {
  check_cases({
      {"component key, misspelt",
       "[model]\nkind = \"ai\"\nreliabilty = 0.9\n" + tail,
       {"bad.toml:3:1: error: unknown key 'reliabilty' in component 'model' (kind ai); did you "
        "mean 'reliability'?"}},
      {"component key, unrelated",
       "[end]\nkind = \"outcome\"\ncolour = \"red\"\n" + tail,
       {"bad.toml:3:1: error: unknown key 'colour' in component 'end' (kind outcome); expected one "
        "of kind or acted"}},
      {"scenario key",
       "[scenario]\nhorizn = \"1d\"\n" + tail,
       {"bad.toml:2:1: error: unknown key 'horizn' in [scenario]; did you mean 'horizon'?"}},
      {"context key",
       "[contexts.routine]\nwieght = 1\n" + tail,
       {"bad.toml:2:1: error: unknown key 'wieght' in context 'routine'; did you mean 'weight'?"}},
      {"drift key",
       "[check]\nkind = \"audit\"\ndrift = { enabeld = true }\n" + tail,
       {"bad.toml:3:11: error: unknown key 'enabeld' in 'check.drift'; did you mean 'enabled'?"}},
      {"coupling key",
       "[filter]\nkind = \"safeguard\"\ncoupling.demand_bta = 0.1\n" + tail,
       {"bad.toml:3:10: error: unknown key 'demand_bta' in 'filter.coupling'; did you mean "
        "'demand_beta'?"}},
      {"port name",
       "[model]\nkind = \"ai\"\nnext.pas = \"world\"\n" + tail,
       {"bad.toml:3:6: error: unknown port 'pas' in 'model.next'; did you mean 'pass'?"}},
      {"drift on a kind without drift",
       "[model]\nkind = \"ai\"\ndrift.enabled = true\n" + tail,
       {"bad.toml:3:1: error: unknown key 'drift' in component 'model' (kind ai); expected one of "
        "kind, next, reliability, "
        "commission_share, refusal_threshold, defer_threshold, confidence_separation, "
        "shared_difficulty, untrusted, attack or reliability_by_context"}},
      {"a value below a value",
       "[model]\nkind = \"ai\"\nreliability.low = 0.9\n" + tail,
       {"bad.toml:3:1: error: 'model.reliability' expects a probability in [0, 1]; got a table"}},
  });
}

TEST_CASE("values of the wrong TOML type are errors, not defaults", "[validation]") {
  check_cases({
      {"string for a probability",
       "[model]\nkind = \"ai\"\nreliability = \"high\"\n" + tail,
       {"bad.toml:3:15: error: 'model.reliability' expects a probability in [0, 1]; got the string "
        "\"high\""}},
      {"boolean for a rate",
       "[more]\nkind = \"source\"\nrate = true\nnext = \"world\"\n" + tail,
       {"bad.toml:3:8: error: 'more.rate' expects a rate such as \"12/h\", \"2/y\" or a number per "
        "hour; got a boolean"}},
      {"fraction for an integer",
       "[scenario]\nreplications = 2.5\n" + tail,
       {"bad.toml:2:16: error: 'scenario.replications' must be an integer >= 1; got 2.5"}},
      {"string for an integer",
       "[scenario]\nseed = \"x\"\n" + tail,
       {"bad.toml:2:8: error: 'scenario.seed' expects an integer >= 0; got the string \"x\""}},
      {"integer for a boolean",
       "[contexts.routine]\nhazardous = 1\n" + tail,
       {"bad.toml:2:13: error: 'contexts.routine.hazardous' expects true or false; got an "
        "integer"}},
      {"table for a duration",
       "[scenario]\nhorizon = { d = 1 }\n" + tail,
       {"bad.toml:2:11: error: 'scenario.horizon' expects a duration such as \"90d\", \"4h\", "
        "\"30s\" or a number of hours; got a table"}},
      {"date for a string",
       "[scenario]\nname = 2024-01-01\n" + tail,
       {"bad.toml:2:8: error: 'scenario.name' expects a string; got a date"}},
      {"array for a component id",
       "[model]\nkind = \"ai\"\nnext.pass = [\"world\"]\n" + tail,
       {"bad.toml:3:13: error: 'model.next.pass' expects a component id; got an array"}},
      {"integer for next",
       "[model]\nkind = \"ai\"\nnext = 3\n" + tail,
       {"bad.toml:3:8: error: 'model.next' expects a component id or a table of ports such as { "
        "pass = \"review\" }; got an integer"}},
      {"boolean for drift",
       "[check]\nkind = \"audit\"\ndrift = true\n" + tail,
       {"bad.toml:3:9: error: 'check.drift' expects a table such as { enabled = true, "
        "time_constant = \"90d\" }; got a boolean"}},
      {"string for a threshold",
       "[model]\nkind = \"ai\"\nrefusal_threshold = \"never\"\n" + tail,
       {"bad.toml:3:21: error: 'model.refusal_threshold' expects a number, \"inf\" or \"-inf\"; "
        "got the string \"never\""}},
      {"number for a distribution",
       "[review]\nkind = \"operators\"\nreview_distribution = 1\n" + tail,
       {"bad.toml:3:23: error: 'review.review_distribution' expects \"exponential\", \"lognormal\" "
        "or \"fixed\"; got an integer"}},
      {"string for the profile",
       "[more]\nkind = \"source\"\nnext = \"world\"\nprofile = \"flat\"\n" + tail,
       {"bad.toml:4:11: error: 'more.profile' expects an array of numbers >= 0, such as \"[1, 0.5, "
        "2]\"; got the string \"flat\""}},
  });
}

TEST_CASE("values outside their range name the rule and the value", "[validation]") {
  check_cases({
      {"probability above 1",
       "[model]\nkind = \"ai\"\nreliability = 1.5\n" + tail,
       {"bad.toml:3:15: error: 'model.reliability' must be a probability in [0, 1]; got 1.5"}},
      {"negative probability",
       "[contexts.a]\nmalicious_share = -0.1\n" + tail,
       {"bad.toml:2:19: error: 'contexts.a.malicious_share' must be a probability in [0, 1]; got "
        "-0.1"}},
      {"nan probability",
       "[model]\nkind = \"ai\"\nreliability = nan\n" + tail,
       {"bad.toml:3:15: error: 'model.reliability' must be a probability in [0, 1]; got nan"}},
      {"zero duration",
       "[scenario]\nhorizon = \"0d\"\n" + tail,
       {"bad.toml:2:11: error: 'scenario.horizon' must be a duration > 0 and <= 1e7h; got \"0d\""}},
      {"negative duration as a number",
       "[scenario]\nhorizon = -5\n" + tail,
       {"bad.toml:2:11: error: 'scenario.horizon' must be a duration > 0 and <= 1e7h; got -5"}},
      {"negative duration that may be zero",
       "[scenario]\npause_after_harm = \"-1h\"\n" + tail,
       {"bad.toml:2:20: error: 'scenario.pause_after_harm' must be a duration >= 0 and <= 1e7h; "
        "got \"-1h\""}},
      {"zero rate",
       "[more]\nkind = \"source\"\nrate = 0\nnext = \"world\"\n" + tail,
       {"bad.toml:3:8: error: 'more.rate' must be a rate > 0 and <= 1e12/h; got 0"}},
      {"negative rate that may be zero",
       "[filter]\nkind = \"safeguard\"\nlatent_failure_rate = \"-1/y\"\n" + tail,
       {"bad.toml:3:23: error: 'filter.latent_failure_rate' must be a rate >= 0 and <= 1e12/h; got "
        "\"-1/y\""}},
      {"infinite duration",
       "[scenario]\nhorizon = inf\n" + tail,
       {"bad.toml:2:11: error: 'scenario.horizon' must be a duration > 0 and <= 1e7h; got inf"}},
      {"zero weight",
       "[contexts.a]\nweight = 0\n" + tail,
       {"bad.toml:2:10: error: 'contexts.a.weight' must be a number > 0 and <= 1e12; got 0"}},
      {"alarm memory below one alarm",
       "[review]\nkind = \"operators\"\nalarm_memory = 0.5\n" + tail,
       {"bad.toml:3:16: error: 'review.alarm_memory' must be a number >= 1; got 0.5"}},
      {"zero workload scale",
       "[review]\nkind = \"operators\"\nworkload_scale = 0\n" + tail,
       {"bad.toml:3:18: error: 'review.workload_scale' must be a number > 0 or \"inf\"; got 0"}},
      {"zero operators",
       "[review]\nkind = \"operators\"\ncount = 0\n" + tail,
       {"bad.toml:3:9: error: 'review.count' must be an integer >= 1; got 0"}},
      {"queue beyond 32 bits",
       "[review]\nkind = \"operators\"\nmax_queue = 5000000000\n" + tail,
       {"bad.toml:3:13: error: 'review.max_queue' must be an integer <= 4294967295; got "
        "5000000000"}},
      {"empty name",
       "[scenario]\nname = \"\"\n" + tail,
       {"bad.toml:2:8: error: 'scenario.name' is empty; expected a non-empty string"}},
      {"negative profile multiplier",
       "[more]\nkind = \"source\"\nnext = \"world\"\nprofile = [1, -1]\n" + tail,
       {"bad.toml:4:15: error: 'more.profile[1]' must be a number >= 0 and <= 1e9; got -1"}},
      {"profile of zeros",
       "[more]\nkind = \"source\"\nnext = \"world\"\nprofile = [0, 0.0]\n" + tail,
       {"bad.toml:4:11: error: 'more.profile' has only zeros; expected at least one multiplier > "
        "0"}},
  });
}

TEST_CASE("unit strings that are not durations or rates", "[validation]") {
  check_cases({
      {"unknown duration unit",
       "[scenario]\nhorizon = \"90x\"\n" + tail,
       {"bad.toml:2:11: error: 'scenario.horizon' has an invalid duration \"90x\"; expected a "
        "number and a unit s, m, h, d, w or y, such as \"90d\", \"4h\" or \"30s\""}},
      {"duration without a unit",
       "[scenario]\nhorizon = \"90\"\n" + tail,
       {"bad.toml:2:11: error: 'scenario.horizon' has an invalid duration \"90\"; expected a "
        "number and a unit s, m, h, d, w or y, such as \"90d\", \"4h\" or \"30s\""}},
      {"rate without '/'",
       "[more]\nkind = \"source\"\nrate = \"12h\"\nnext = \"world\"\n" + tail,
       {"bad.toml:3:8: error: 'more.rate' has an invalid rate \"12h\"; expected a number, '/' and "
        "a unit s, m, h, d, w or y, such as \"12/h\" or \"2/y\""}},
      // Only a duration whose rule allows it (shift_length: no shift changes) takes "inf".
      {"an infinite duration where none is allowed",
       "[scenario]\nhorizon = \"inf\"\n" + tail,
       {"bad.toml:2:11: error: 'scenario.horizon' has an invalid duration \"inf\"; expected a "
        "number and a unit s, m, h, d, w or y, such as \"90d\", \"4h\" or \"30s\""}},
      {"a negative infinite shift",
       "[more]\nkind = \"operators\"\nshift_length = \"-inf\"\nnext = \"world\"\n" + tail,
       {"bad.toml:3:16: error: 'more.shift_length' has an invalid duration \"-inf\"; expected a "
        "number and a unit s, m, h, d, w or y, such as \"90d\", \"4h\" or \"30s\""}},
  });
}

TEST_CASE("shift_length = \"inf\" means no shift changes", "[validation]") {
  const auto result = load_string(std::string(testing::minimal_text) +
                                      "[review]\nkind = \"operators\"\nshift_length = \"inf\"\n"
                                      "next = \"world\"\n",
                                  "ok.toml");
  REQUIRE(result.ok());
  const auto& review = result.scenario->spec.components.back();
  CHECK(std::get<model::OperatorSpec>(review.parameters).shift_length == model::infinity);
  // And it reads back as a parameter, as a result file records it.
  CHECK(get_parameter(result.scenario->spec, "review.shift_length") ==
        std::optional<ParameterValue>(model::infinity));
}

TEST_CASE("component kinds, ids and reserved names", "[validation]") {
  check_cases({
      {"kind in another case",
       "[model]\nkind = \"AI\"\n" + tail,
       {"bad.toml:2:8: error: 'model.kind' has unknown value \"AI\"; did you mean \"ai\"?"}},
      {"unknown kind",
       "[model]\nkind = \"robot\"\n" + tail,
       {"bad.toml:2:8: error: 'model.kind' has unknown value \"robot\"; expected \"source\", "
        "\"ai\", \"safeguard\", \"operators\", \"audit\", \"defence\", \"outcome\", \"vote\", "
        "\"monitor\" or \"router\""}},
      {"kind of the wrong type",
       "[model]\nkind = 1\n" + tail,
       {"bad.toml:2:8: error: 'model.kind' expects one of \"source\", \"ai\", \"safeguard\", "
        "\"operators\", \"audit\", \"defence\", \"outcome\", \"vote\", \"monitor\" or "
        "\"router\"; got an integer"}},
      // Its other keys are not checked, and edges to it are not errors of their own.
      {"missing kind",
       "[model]\nreliability = 7\n[users]\nkind = \"source\"\nnext = \"model\"\n[world]\nkind = "
       "\"outcome\"\n",
       {"bad.toml:1:1: error: component 'model' has no 'kind'; expected kind = one of \"source\", "
        "\"ai\", \"safeguard\", \"operators\", \"audit\", \"defence\", \"outcome\", \"vote\", "
        "\"monitor\" or \"router\""}},
      {"edges and couplings to a component with a faulty kind",
       "[filter]\nkind = \"safegard\"\n[other]\nkind = \"safeguard\"\ncoupling.with = "
       "\"filter\"\nnext.pass = \"filter\"\n" +
           tail,
       {"bad.toml:2:8: error: 'filter.kind' has unknown value \"safegard\"; did you mean "
        "\"safeguard\"?"}},
      {"invalid id",
       "[\"my model\"]\nkind = \"ai\"\n" + tail,
       {"bad.toml:1:2: error: component id 'my model' is not valid; expected letters, digits, '_' "
        "and '-'"}},
      {"invalid context name",
       "[contexts.\"a b\"]\nweight = 1\n" + tail,
       {"bad.toml:1:11: error: context name 'a b' is not valid; expected letters, digits, '_' and "
        "'-'"}},
      {"scenario as a component",
       "[scenario]\nkind = \"ai\"\n" + tail,
       {"bad.toml:1:2: error: 'scenario' is reserved for the run settings and cannot be a "
        "component; choose another id"}},
      {"sweep as a component",
       "[sweep]\nkind = \"ai\"\n" + tail,
       {"bad.toml:1:2: error: 'sweep' is reserved for the sweep and cannot be a component; choose "
        "another id"}},
      {"contexts as a component",
       "[contexts]\nkind = \"ai\"\n" + tail,
       {"bad.toml:2:1: error: 'contexts' is reserved for the contexts and cannot be a component; "
        "choose another id"}},
      {"run setting outside [scenario]",
       "seed = 1\n" + tail,
       {"bad.toml:1:1: error: 'seed' is outside any table; expected it inside [scenario]"}},
      {"other value outside any table",
       "colour = 1\n" + tail,
       {"bad.toml:1:1: error: 'colour' is outside any table; expected a table: [scenario], "
        "[contexts.NAME], [sweep] or a component [ID] with a kind"}},
      {"context that is not a table",
       "[contexts]\nroutine = 1\n" + tail,
       {"bad.toml:2:11: error: 'contexts.routine' expects a table of context settings; got an "
        "integer"}},
      {"scenario that is not a table",
       "scenario = \"x\"\n" + tail,
       {"bad.toml:1:12: error: 'scenario' expects a table [scenario] of run settings; got the "
        "string \"x\""}},
  });
}

TEST_CASE("references name existing components, contexts and ports", "[validation]") {
  check_cases({
      {"misspelt target",
       "[more]\nkind = \"source\"\nnext = \"wrld\"\n" + tail,
       {"bad.toml:3:8: error: 'more.next.pass' refers to 'wrld', which is not a component; did you "
        "mean 'world'?"}},
      {"unknown target",
       "[more]\nkind = \"source\"\nnext = \"nowhere\"\n" + tail,
       {"bad.toml:3:8: error: 'more.next.pass' refers to 'nowhere', which is not a component; "
        "expected one of 'more', 'users' or 'world'"}},
      {"edge into a source",
       "[model]\nkind = \"ai\"\nnext = \"users\"\n" + tail,
       {"bad.toml:3:8: error: 'model.next.pass' refers to 'users', which is a source; tasks cannot "
        "be sent to a source"}},
      {"port the kind does not have",
       "[model]\nkind = \"ai\"\nnext = { pass = \"world\", block = \"world\" }\n" + tail,
       {"bad.toml:3:26: error: component 'model' (kind ai) has no port 'block'; expected pass, "
        "refuse or defer"}},
      {"edges out of an outcome",
       "[end]\nkind = \"outcome\"\nnext = \"world\"\n" + tail,
       {"bad.toml:3:1: error: component 'end' (kind outcome) has no ports; an outcome ends every "
        "task, so remove 'next'"}},
      {"coupling with itself",
       "[filter]\nkind = \"safeguard\"\ncoupling = { with = \"filter\" }\n" + tail,
       {"bad.toml:3:21: error: 'filter.coupling.with' refers to 'filter' itself; expected another "
        "component"}},
      {"coupling with an outcome",
       "[filter]\nkind = \"safeguard\"\ncoupling = { with = \"world\" }\n" + tail,
       {"bad.toml:3:21: error: 'filter.coupling.with' refers to 'world', which is an outcome and "
        "cannot fail; expected an ai, safeguard, operators, audit, defence or vote component"}},
      {"coupling with nothing",
       "[filter]\nkind = \"safeguard\"\ncoupling.demand_beta = 0.5\n" + tail,
       {"bad.toml:1:1: error: component 'filter' sets coupling.demand_beta, coupling.latent_beta "
        "or coupling.difficulty_correlation but no coupling.with; expected with = \"<component "
        "id>\""}},
      {"an audit budget as a share without episodes",
       "[check]\nkind = \"audit\"\nbudget_share = 0.1\nnext = \"world\"\n" + tail,
       {"bad.toml:1:1: error: component 'check' sets budget_share but the scenario has no "
        "episode_tasks; expected scenario.episode_tasks = N (the budget is a share of N tasks)"}},
      {"an audit budget given twice",
       "[scenario]\nepisode_tasks = 100\n[check]\nkind = \"audit\"\nbudget = 5\n"
       "budget_share = 0.1\nnext = \"world\"\n" +
           tail,
       {"bad.toml:3:1: error: component 'check' sets both budget and budget_share; expected one "
        "of them"}},
      {"a monitor threshold given twice",
       "[watch]\nkind = \"monitor\"\naudit_threshold = 2.0\naudit_false_positive = 0.02\n"
       "next = \"world\"\n" +
           tail,
       {"bad.toml:1:1: error: component 'watch' sets both audit_threshold and "
        "audit_false_positive; expected one of them"}},
      {"a monitor's defer threshold given twice",
       "[watch]\nkind = \"monitor\"\ndefer_threshold = 1.0\ndefer_false_positive = 0.1\n"
       "next = \"world\"\n" +
           tail,
       {"bad.toml:1:1: error: component 'watch' sets both defer_threshold and "
        "defer_false_positive; expected one of them"}},
      {"a trusted monitor that colludes",
       "[watch]\nkind = \"monitor\"\ncollusion = 0.5\nnext = \"world\"\n" + tail,
       {"bad.toml:1:1: error: component 'watch' sets collusion but is trusted; expected trusted = "
        "false for a monitor that may collude"}},
      {"an attack policy on a trusted ai",
       "[model]\nkind = \"ai\"\nattack.probability = 0.1\nnext = \"world\"\n" + tail,
       {"bad.toml:1:1: error: component 'model' sets attack.probability but is not untrusted; "
        "expected untrusted = true for an AI with an attack policy"}},
      {"unknown context",
       "[contexts.routine]\n[model]\nkind = \"ai\"\nreliability_by_context.rutine = 0.9\n" + tail,
       {"bad.toml:4:24: error: 'model.reliability_by_context.rutine' refers to context 'rutine', "
        "which does not exist; did you mean 'routine'?"}},
      {"a reviewer index that is not a number",
       "[review]\nkind = \"operators\"\nindividual = true\ndetect_by_reviewer.x = 0.5\n"
       "next = \"world\"\n" +
           tail,
       {"bad.toml:4:20: error: 'review.detect_by_reviewer.x' names reviewer 'x'; expected a "
        "reviewer index 0, 1, ..."}},
      {"a reviewer beyond the pool's count",
       "[review]\nkind = \"operators\"\ncount = 2\nindividual = true\n"
       "detect_by_reviewer = { 2 = 0.5 }\nnext = \"world\"\n" +
           tail,
       {"bad.toml:1:1: error: 'review.detect_by_reviewer.2' names reviewer 2, but count = 2; "
        "expected a reviewer index from 0 to 1"}},
      {"a reviewer's value of the wrong type",
       "[review]\nkind = \"operators\"\nindividual = true\n"
       "trust_initial_by_reviewer = { 0 = \"high\" }\nnext = \"world\"\n" +
           tail,
       {"bad.toml:4:35: error: 'review.trust_initial_by_reviewer.0' expects a probability in [0, "
        "1]; got the string \"high\""}},
      {"a reviewer's value out of range",
       "[review]\nkind = \"operators\"\nindividual = true\n"
       "automation_bias_by_reviewer = { 0 = 1.5 }\nnext = \"world\"\n" +
           tail,
       {"bad.toml:4:37: error: 'review.automation_bias_by_reviewer.0' must be a probability in "
        "[0, 1]; got 1.5"}},
      {"staggered shifts without shift changes",
       "[review]\nkind = \"operators\"\ncount = 2\nindividual = true\nshift_length = \"inf\"\n"
       "shift_start_by_reviewer = { 1 = \"4h\" }\nnext = \"world\"\n" +
           tail,
       {"bad.toml:1:1: error: component 'review' sets shift_start_by_reviewer with shift_length "
        "= inf (no shift changes); expected a finite shift_length"}},
      {"a reviewer's shift start that is not a duration",
       "[review]\nkind = \"operators\"\ncount = 2\nindividual = true\n"
       "shift_start_by_reviewer = { 1 = \"soon\" }\nnext = \"world\"\n" +
           tail,
       {"bad.toml:5:33: error: 'review.shift_start_by_reviewer.1' has an invalid duration "
        "\"soon\"; expected a number and a unit s, m, h, d, w or y, such as \"90d\", \"4h\" or "
        "\"30s\""}},
      {"a reviewer's table without individual",
       "[review]\nkind = \"operators\"\ndetect_by_reviewer = { 0 = 0.5 }\nnext = \"world\"\n" +
           tail,
       {"bad.toml:1:1: error: component 'review' sets detect_by_reviewer without individual = "
        "true; expected individual = true"}},
      {"an unknown per-reviewer key",
       "[review]\nkind = \"operators\"\nindividual = true\ndetect_by_reviewr = { 0 = 0.5 }\n"
       "next = \"world\"\n" +
           tail,
       {"bad.toml:4:1: error: unknown key 'detect_by_reviewr' in component 'review' (kind "
        "operators); did you mean 'detect_by_reviewer'?"}},
      {"no source",
       "[world]\nkind = \"outcome\"\n",
       {"bad.toml:1:1: error: the scenario has no source; expected at least one component with "
        "kind = \"source\""}},
      {"no outcome",
       "[users]\nkind = \"source\"\n",
       {"bad.toml:1:1: error: the scenario has no outcome; expected at least one component with "
        "kind = \"outcome\""}},
      {"empty file",
       "",
       {"bad.toml:1:1: error: the scenario has no source; expected at least one component with "
        "kind = \"source\"",
        "bad.toml:1:1: error: the scenario has no outcome; expected at least one component with "
        "kind = \"outcome\""}},
  });
}

TEST_CASE("sweep faults are reported at the value, dimension or key concerned", "[validation]") {
  const std::string model = "[model]\nkind = \"ai\"\nnext = \"world\"\n";  // lines 1-3
  check_cases({
      {"unknown path",
       model + "[[sweep.dimensions]]\npath = \"model.reliabilty\"\nvalues = [0.9]\n" + tail,
       {"bad.toml:5:8: error: unknown key 'reliabilty' in component 'model' (kind ai); did you "
        "mean 'reliability'?"}},
      {"path of a table",
       model + "[[sweep.dimensions]]\npath = \"scenario\"\nvalues = [0.9]\n" + tail,
       {"bad.toml:5:8: error: 'scenario' is a table, not a single parameter; expected the path of "
        "one of its keys"}},
      {"value out of range",
       model + "[[sweep.dimensions]]\npath = \"model.reliability\"\nvalues = [0.9, 1.5]\n" + tail,
       {"bad.toml:6:16: error: 'model.reliability' must be a probability in [0, 1]; got 1.5"}},
      {"value of the wrong type",
       model + "[[sweep.dimensions]]\npath = \"model.reliability\"\nvalues = [true]\n" + tail,
       {"bad.toml:6:11: error: 'model.reliability' expects a probability in [0, 1]; got a "
        "boolean"}},
      {"edge to nowhere",
       model +
           "[[sweep.dimensions]]\npath = \"model.next.pass\"\nvalues = [\"world\", \"wrld\"]\n" +
           tail,
       {"bad.toml:6:20: error: 'model.next.pass' refers to 'wrld', which is not a component; did "
        "you mean 'world'?"}},
      {"labels that are not strings",
       model +
           "[[sweep.dimensions]]\npath = \"model.reliability\"\nvalues = [0.9]\nlabels = [1]\n" +
           tail,
       {"bad.toml:7:11: error: labels of sweep dimension 'model.reliability' must be strings; got "
        "an integer"}},
      {"a label that is not a string",
       model + "[[sweep.dimensions]]\npath = \"model.reliability\"\nvalues = [0.9]\nlabel = 2\n" +
           tail,
       {"bad.toml:7:9: error: 'label' of sweep dimension 'model.reliability' expects the "
        "dimension in words, a non-empty string such as \"dose check interval\"; got an "
        "integer"}},
      {"an empty label",
       model +
           "[[sweep.dimensions]]\npath = \"model.reliability\"\nvalues = [0.9]\nlabel = \"\"\n" +
           tail,
       {"bad.toml:7:9: error: 'label' of sweep dimension 'model.reliability' expects the "
        "dimension in words, a non-empty string such as \"dose check interval\"; got the "
        "string \"\""}},
      {"the same label twice",
       model +
           "[[sweep.dimensions]]\npath = \"model.reliability\"\nvalues = [0.9, 0.99]\nlabels = "
           "[\"a\", \"a\"]\n" +
           tail,
       {"bad.toml:7:16: error: label \"a\" appears twice in sweep dimension 'model.reliability'; "
        "expected distinct labels"}},
      {"no values in the array",
       model + "[[sweep.dimensions]]\npath = \"model.reliability\"\nvalues = []\n" + tail,
       {"bad.toml:6:10: error: 'values' of sweep dimension 'model.reliability' is empty; expected "
        "at least one value"}},
      {"an array as a value",
       model + "[[sweep.dimensions]]\npath = \"model.reliability\"\nvalues = [[0.9]]\n" + tail,
       {"bad.toml:6:11: error: values of sweep dimension 'model.reliability' must be single "
        "values; got an array"}},
      {"labels of another length",
       model +
           "[[sweep.dimensions]]\npath = \"model.reliability\"\nvalues = [0.9, 0.99]\nlabels = "
           "[\"low\"]\n" +
           tail,
       {"bad.toml:7:10: error: sweep dimension 'model.reliability' has 1 labels for 2 values; "
        "expected one label per value"}},
      {"no values",
       model + "[[sweep.dimensions]]\npath = \"model.reliability\"\n" + tail,
       {"bad.toml:4:1: error: sweep dimension 'model.reliability' has no 'values'; expected values "
        "= [...] for a grid design"}},
      {"no path",
       model + "[[sweep.dimensions]]\nvalues = [1]\n" + tail,
       {"bad.toml:4:1: error: [[sweep.dimensions]] has no 'path'; expected path = \"<parameter>\", "
        "such as \"model.reliability\""}},
      {"the same path twice",
       model +
           "[[sweep.dimensions]]\npath = \"model.reliability\"\nvalues = "
           "[0.9]\n[[sweep.dimensions]]\npath = \"model.reliability\"\nvalues = [0.8]\n" +
           tail,
       {"bad.toml:8:8: error: sweep dimension 'model.reliability' appears twice; expected each "
        "parameter in one dimension only"}},
      {"zip of unequal lengths",
       model +
           "[sweep]\ndesign = \"zip\"\n[[sweep.dimensions]]\npath = \"model.reliability\"\nvalues "
           "= [0.9, 0.99]\n[[sweep.dimensions]]\npath = \"users.rate\"\nvalues = [1, 2, 3]\n" +
           tail,
       {"bad.toml:11:10: error: a zip design needs dimensions of equal length; 'model.reliability' "
        "has 2 values but 'users.rate' has 3"}},
      {"misspelt design",
       model + "[sweep]\ndesign = \"gird\"\n" + tail,
       {"bad.toml:5:10: error: 'sweep.design' has unknown value \"gird\"; did you mean \"grid\"?"}},
      {"design without dimensions",
       model + "[sweep]\ndesign = \"grid\"\n" + tail,
       {"bad.toml:5:10: error: 'sweep.design' is \"grid\" but there is no [[sweep.dimensions]]; "
        "expected at least one dimension"}},
      {"unknown sweep key",
       model + "[sweep]\ndesing = \"grid\"\n" + tail,
       {"bad.toml:5:1: error: unknown key 'desing' in [sweep]; did you mean 'design'?"}},
      {"unknown dimension key",
       model + "[[sweep.dimensions]]\npath = \"model.reliability\"\nvalue = [0.9]\n" + tail,
       {"bad.toml:4:1: error: sweep dimension 'model.reliability' has no 'values'; expected values "
        "= [...] for a grid design",
        "bad.toml:6:1: error: unknown key 'value' in [[sweep.dimensions]]; did you mean "
        "'values'?"}},
      {"sampled design without points",
       model +
           "[sweep]\ndesign = \"latin_hypercube\"\n[[sweep.dimensions]]\npath = "
           "\"model.reliability\"\nlow = 0.5\nhigh = 0.9\n" +
           tail,
       {"bad.toml:5:10: error: a latin_hypercube sweep needs 'points'; expected points = <integer "
        ">= 1> in [sweep]"}},
      {"low not below high",
       model +
           "[sweep]\ndesign = \"sobol\"\npoints = 8\n[[sweep.dimensions]]\npath = "
           "\"model.reliability\"\nlow = 0.9\nhigh = 0.5\n" +
           tail,
       {"bad.toml:9:7: error: sweep dimension 'model.reliability' has low = 0.9 and high = 0.5; "
        "expected low < high"}},
      {"bound out of range",
       model +
           "[sweep]\ndesign = \"sobol\"\npoints = 8\n[[sweep.dimensions]]\npath = "
           "\"model.reliability\"\nlow = 0.5\nhigh = 2\n" +
           tail,
       {"bad.toml:10:8: error: 'model.reliability' must be a probability in [0, 1]; got 2"}},
      {"log scale from zero",
       model +
           "[sweep]\ndesign = \"sobol\"\npoints = 8\n[[sweep.dimensions]]\npath = "
           "\"model.reliability\"\nlow = 0\nhigh = 0.5\nlog = true\n" +
           tail,
       {"bad.toml:9:7: error: sweep dimension 'model.reliability' is on a log scale with low = 0; "
        "expected low > 0"}},
      {"sampling an edge",
       model +
           "[sweep]\ndesign = \"sobol\"\npoints = 8\n[[sweep.dimensions]]\npath = "
           "\"model.next.pass\"\nlow = 0\nhigh = 1\n" +
           tail,
       {"bad.toml:8:8: error: sweep dimension 'model.next.pass' cannot be sampled by a sobol "
        "design; expected a numeric parameter"}},
      {"sampled dimension without high",
       model +
           "[sweep]\ndesign = \"sobol\"\npoints = 8\n[[sweep.dimensions]]\npath = "
           "\"model.reliability\"\nlow = 0.5\n" +
           tail,
       {"bad.toml:7:1: error: sweep dimension 'model.reliability' needs 'low' and 'high' for a "
        "sobol design"}},
      {"baseline of a sampled design",
       model +
           "[sweep]\ndesign = \"sobol\"\npoints = 8\nbaseline = [0.7]\n[[sweep.dimensions]]\npath "
           "= \"model.reliability\"\nlow = 0.5\nhigh = 0.9\n" +
           tail,
       {"bad.toml:7:12: error: 'sweep.baseline' needs a grid or zip design; a sobol design has no "
        "named points"}},
      {"baseline across zip points",
       model +
           "[sweep]\ndesign = \"zip\"\nbaseline = [0.9, 2]\n[[sweep.dimensions]]\npath = "
           "\"model.reliability\"\nvalues = [0.9, 0.99]\n[[sweep.dimensions]]\npath = "
           "\"users.rate\"\nvalues = [1, 2]\n" +
           tail,
       {"bad.toml:6:12: error: 'sweep.baseline' matches no single point of the zip design; "
        "expected the values (or labels) that one point takes in every dimension"}},
      {"baseline of another length",
       model +
           "[sweep]\nbaseline = [0.9, 1]\n[[sweep.dimensions]]\npath = "
           "\"model.reliability\"\nvalues = [0.9, 0.99]\n" +
           tail,
       {"bad.toml:5:12: error: 'sweep.baseline' has 2 values for 1 dimensions; expected one value "
        "(or label) per dimension"}},
      {"baseline matching no point",
       model +
           "[sweep]\nbaseline = [\"bare\"]\n[[sweep.dimensions]]\npath = "
           "\"model.reliability\"\nvalues = [0.9, 0.99]\nlabels = [\"low\", \"high\"]\n" +
           tail,
       {"bad.toml:5:13: error: 'sweep.baseline' value \"bare\" is not a value or label of "
        "dimension 'model.reliability'; expected one of 0.9, 0.99, \"low\" or \"high\""}},
      {"one saltelli sample",
       model +
           "[sweep]\ndesign = \"saltelli\"\npoints = 1\n[[sweep.dimensions]]\npath = "
           "\"model.reliability\"\nlow = 0.5\nhigh = 0.9\n" +
           tail,
       {"bad.toml:6:10: error: 'sweep.points' is 1; a saltelli design needs at least 2 base "
        "samples to estimate its indices and their intervals"}},
      {"odd morris levels",
       model +
           "[sweep]\ndesign = \"morris\"\npoints = 8\nlevels = 3\n[[sweep.dimensions]]\npath = "
           "\"model.reliability\"\nlow = 0.5\nhigh = 0.9\n" +
           tail,
       {"bad.toml:7:10: error: 'sweep.levels' is 3; expected an even number of levels (a morris "
        "step of levels / (2 (levels - 1)) keeps every level equally likely)"}},
      {"morris levels out of range",
       model +
           "[sweep]\ndesign = \"morris\"\npoints = 8\nlevels = 1\n[[sweep.dimensions]]\npath = "
           "\"model.reliability\"\nlow = 0.5\nhigh = 0.9\n" +
           tail,
       {"bad.toml:7:10: error: 'sweep.levels' must be an integer >= 2; got 1"}},
      {"unknown design, no close name",
       model + "[sweep]\ndesign = \"factorial\"\n" + tail,
       {"bad.toml:5:10: error: 'sweep.design' has unknown value \"factorial\"; expected \"grid\", "
        "\"zip\", \"latin_hypercube\", \"sobol\", \"saltelli\", \"morris\" or \"uncertainty\""}},
      {"uncertain without distribution",
       model +
           "[sweep]\ndesign = \"uncertainty\"\npoints = 8\n[[sweep.dimensions]]\npath = "
           "\"model.reliability\"\n" +
           tail,
       {"bad.toml:7:1: error: sweep dimension 'model.reliability' needs a 'distribution' for an "
        "uncertainty design; expected distribution = \"beta\", \"lognormal\", \"uniform\" or "
        "\"triangular\""}},
      {"unknown distribution",
       model +
           "[sweep]\ndesign = \"uncertainty\"\npoints = 8\n[[sweep.dimensions]]\npath = "
           "\"model.reliability\"\ndistribution = \"gamma\"\n" +
           tail,
       {"bad.toml:9:16: error: 'distribution' of sweep dimension 'model.reliability' has unknown "
        "value \"gamma\"; expected \"beta\", \"lognormal\", \"uniform\" or \"triangular\""}},
      {"more successes than trials",
       model +
           "[sweep]\ndesign = \"uncertainty\"\npoints = 8\n[[sweep.dimensions]]\npath = "
           "\"model.reliability\"\ndistribution = \"beta\"\nsuccesses = 20\ntrials = 10\n" +
           tail,
       {"bad.toml:10:13: error: sweep dimension 'model.reliability' has 20 successes in 10 trials; "
        "expected whole numbers with 0 <= successes <= trials and trials >= 1"}},
      {"a key of another distribution",
       model +
           "[sweep]\ndesign = \"uncertainty\"\npoints = 8\n[[sweep.dimensions]]\npath = "
           "\"model.reliability\"\ndistribution = \"beta\"\nmedian = 0.9\n" +
           tail,
       {"bad.toml:10:10: error: 'median' is not a parameter of a beta distribution (sweep "
        "dimension 'model.reliability'); expected successes, trials, alpha and beta"}},
      {"lognormal without its error factor",
       model +
           "[sweep]\ndesign = \"uncertainty\"\npoints = 8\n[[sweep.dimensions]]\npath = "
           "\"users.rate\"\ndistribution = \"lognormal\"\nmedian = 20\n" +
           tail,
       {"bad.toml:7:1: error: sweep dimension 'users.rate' has a lognormal distribution without "
        "error_factor; expected median and error_factor"}},
      {"lognormal error factor of 1",
       model +
           "[sweep]\ndesign = \"uncertainty\"\npoints = 8\n[[sweep.dimensions]]\npath = "
           "\"users.rate\"\ndistribution = \"lognormal\"\nmedian = 20\nerror_factor = 1\n" +
           tail,
       {"bad.toml:10:10: error: sweep dimension 'users.rate' has median = 20 and error_factor = 1; "
        "expected median > 0 and error_factor > 1"}},
      {"triangular mode outside",
       model +
           "[sweep]\ndesign = \"uncertainty\"\npoints = 8\n[[sweep.dimensions]]\npath = "
           "\"model.reliability\"\ndistribution = \"triangular\"\nlow = 0.5\nmode = 0.95\nhigh = "
           "0.9\n" +
           tail,
       {"bad.toml:10:7: error: sweep dimension 'model.reliability' has low = 0.5, mode = 0.95 and "
        "high = 0.9; expected low <= mode <= high and low < high"}},
      {"uncertain edge",
       model +
           "[sweep]\ndesign = \"uncertainty\"\npoints = 8\n[[sweep.dimensions]]\npath = "
           "\"model.next.pass\"\ndistribution = \"uniform\"\n" +
           tail,
       {"bad.toml:8:8: error: sweep dimension 'model.next.pass' cannot be uncertain; expected a "
        "numeric parameter"}},
      {"zero points",
       model +
           "[sweep]\ndesign = \"sobol\"\npoints = 0\n[[sweep.dimensions]]\npath = "
           "\"model.reliability\"\nlow = 0.5\nhigh = 0.9\n" +
           tail,
       {"bad.toml:6:10: error: 'sweep.points' must be an integer >= 1; got 0"}},
      {"empty metric",
       model + "[sweep.precision]\nmetric = \"\"\nrelative_error = 0.1\n" + tail,
       {"bad.toml:5:10: error: 'sweep.precision.metric' is empty; expected a metric name such as "
        "\"harm_rate\""}},
      {"zero relative error",
       model + "[sweep.precision]\nmetric = \"harm_rate\"\nrelative_error = 0\n" + tail,
       {"bad.toml:6:18: error: 'sweep.precision.relative_error' must be a number > 0; got 0"}},
      {"no relative error",
       model + "[sweep.precision]\nmetric = \"harm_rate\"\n" + tail,
       {"bad.toml:4:1: error: [sweep.precision] has no 'relative_error'; expected relative_error = "
        "0.05 or another number > 0"}},
      {"no metric",
       model + "[sweep.precision]\nrelative_error = 0.1\n" + tail,
       {"bad.toml:4:1: error: [sweep.precision] has no 'metric'; expected metric = \"harm_rate\" "
        "or another metric name"}},
      {"a worst-case search without a parameter",
       model + "[sweep.worst_case]\nlow = 0.01\nhigh = 1\n" + tail,
       {"bad.toml:4:1: error: [sweep.worst_case] has no 'parameter'; expected parameter = "
        "\"<ai>.attack.probability\" or another number parameter"}},
      {"a worst-case search without its ends",
       model + "[sweep.worst_case]\nparameter = \"model.reliability\"\n" + tail,
       {"bad.toml:4:1: error: [sweep.worst_case] has no 'low'; expected low = <number>, an end "
        "of the search",
        "bad.toml:4:1: error: [sweep.worst_case] has no 'high'; expected high = <number>, an end "
        "of the search"}},
      {"a worst-case search the wrong way round",
       model + "[sweep.worst_case]\nparameter = \"model.reliability\"\nlow = 0.5\nhigh = 0.1\n" +
           tail,
       {"bad.toml:7:8: error: 'sweep.worst_case.high' (0.1) is not above 'sweep.worst_case.low' "
        "(0.5); expected low < high"}},
      {"a worst-case search on a log scale from 0",
       model + "[sweep.worst_case]\nparameter = \"model.reliability\"\nlow = 0\nhigh = 1\n" + tail,
       {"bad.toml:6:7: error: 'sweep.worst_case.low' (0) must be > 0 for a search on a log "
        "scale; expected low > 0, or log = false"}},
      {"a worst-case search with an unknown key",
       model +
           "[sweep.worst_case]\nparameter = \"model.reliability\"\nlow = 0.1\nhigh = 1\n"
           "steps = 3\n" +
           tail,
       {"bad.toml:8:1: error: unknown key 'steps' in [sweep.worst_case]; expected one of "
        "parameter, metric, low, high, log, grid, tolerance or replications"}},
      {"a worst-case grid too small",
       model +
           "[sweep.worst_case]\nparameter = \"model.reliability\"\nlow = 0.1\nhigh = 1\n"
           "grid = 2\n" +
           tail,
       {"bad.toml:8:8: error: 'sweep.worst_case.grid' must be an integer >= 3; got 2"}},
      {"min above max",
       model +
           "[sweep.precision]\nmetric = \"harm_rate\"\nrelative_error = 0.1\nmin_replications = "
           "500\nmax_replications = 200\n" +
           tail,
       {"bad.toml:8:20: error: 'sweep.precision.min_replications' (500) is greater than "
        "'sweep.precision.max_replications' (200); expected min_replications <= max_replications"}},
  });
}

TEST_CASE("unused sweep settings are warnings, and the scenario still loads", "[validation]") {
  const std::string text =
      "[sweep]\npoints = 8\n[[sweep.dimensions]]\npath = \"users.rate\"\nvalues = [1, 2]\nlow = "
      "1\n" +
      tail;
  const auto result = load_string(text, "warn.toml");
  REQUIRE(result.ok());
  std::vector<std::string> messages;
  for (const auto& d : result.diagnostics) messages.push_back(format(d));
  CHECK(messages ==
        std::vector<std::string>{
            "warn.toml:2:10: warning: 'sweep.points' is only used by latin_hypercube, sobol, "
            "saltelli, morris and uncertainty designs; ignored by a grid design",
            "warn.toml:6:7: warning: 'low', 'high' and 'log' are only used by latin_hypercube, "
            "sobol, saltelli, morris and uncertainty designs; ignored by a grid design"});
  const auto levels = load_string(
      "[sweep]\nlevels = 4\n[[sweep.dimensions]]\npath = "
      "\"users.rate\"\nvalues = [1, 2]\n" +
          tail,
      "levels.toml");
  REQUIRE(levels.ok());
  REQUIRE(levels.diagnostics.size() == 1);
  CHECK(format(levels.diagnostics[0]) ==
        "levels.toml:2:10: warning: 'sweep.levels' is only used by morris designs; ignored by a "
        "grid design");
}

TEST_CASE("the coupling.beta of before the split loads, with a warning saying what it meant",
          "[validation]") {
  // Between two safeguards it meant both shares; with an ai, only the per-demand one.
  const std::string guards =
      "[a]\nkind = \"safeguard\"\nlatent_failure_rate = \"0.01/h\"\nnext = \"world\"\n"
      "[filter]\nkind = \"safeguard\"\nlatent_failure_rate = \"0.01/h\"\n"
      "coupling = { beta = 0.2, with = \"a\" }\n" +
      tail;
  const auto result = load_string(guards, "old.toml");
  REQUIRE(result.ok());
  std::vector<std::string> messages;
  for (const auto& d : result.diagnostics) messages.push_back(format(d));
  CHECK(messages ==
        std::vector<std::string>{
            "old.toml:8:21: warning: 'filter.coupling.beta' is the key of before its split: it set "
            "both the probability of missing with the partner on each demand and the common share "
            "of latent failures; read as coupling.demand_beta = 0.2 and coupling.latent_beta = 0.2 "
            "(latent failures now follow IEC 61508-6: the common-cause events are part of each "
            "safeguard's latent_failure_rate, no longer added to the partner's); set "
            "coupling.demand_beta and coupling.latent_beta instead"});
  for (const auto& c : result.scenario->spec.components) {
    if (c.id != "filter") continue;
    const auto& filter = std::get<model::SafeguardSpec>(c.parameters);
    CHECK(filter.coupling.demand_beta == 0.2);
    CHECK(filter.coupling.latent_beta == 0.2);
  }

  const auto with_model = load_string(
      "[model]\nkind = \"ai\"\n[filter]\nkind = \"safeguard\"\n"
      "coupling = { with = \"model\", beta = 0.3 }\n" +
          tail,
      "old.toml");
  REQUIRE(with_model.ok());
  REQUIRE(with_model.diagnostics.size() == 1);
  CHECK(format(with_model.diagnostics[0]) ==
        "old.toml:5:37: warning: 'filter.coupling.beta' is the key of before its split: it set "
        "both the probability of missing with the partner on each demand and the common share of "
        "latent failures; read as coupling.demand_beta = 0.3; set coupling.demand_beta and "
        "coupling.latent_beta instead");

  // A value the key's rule refuses is an error under the old name.
  const auto bad = load_string(
      "[model]\nkind = \"ai\"\n[filter]\nkind = \"safeguard\"\n"
      "coupling = { with = \"model\", beta = 2 }\n" +
          tail,
      "old.toml");
  CHECK_FALSE(bad.ok());

  // By path (--set, a sweep dimension) there is no old meaning to read: the two are named.
  const std::string split =
      "'filter.coupling.beta' was split in two; expected 'filter.coupling.demand_beta' (a miss "
      "shared per demand) or 'filter.coupling.latent_beta' (the common share of latent failures)";
  const std::string modern =
      "[model]\nkind = \"ai\"\n[filter]\nkind = \"safeguard\"\n"
      "coupling = { with = \"model\" }\n" +
      tail;
  CHECK(diagnostics_of(modern, {{"filter.coupling.beta", 0.1}}) ==
        std::vector<std::string>{"<command line>:1:22: error: " + split});
  const auto swept = diagnostics_of(modern +
                                    "\n[sweep]\ndesign = \"grid\"\n[[sweep.dimensions]]\n"
                                    "path = \"filter.coupling.beta\"\nvalues = [0.1, 0.2]\n");
  REQUIRE(swept.size() == 1);
  CHECK_THAT(swept[0], Catch::EndsWith("error: " + split));
}

TEST_CASE("a file with several faults reports all of them, in file order", "[validation]") {
  const std::string text = R"toml(seed = 3
[scenario]
horizon = "0h"
replications = 1.5

[users]
kind = "source"
rate = true
next = "modle"

[model]
kind = "ai"
reliabilty = 0.9
reliability = 1.5
next = { pass = "world", block = "world" }

[filter]
kind = "safegard"

[world]
kind = "outcome"

[sweep]
design = "latin_hypercube"
points = 4
[[sweep.dimensions]]
path = "model.reliability"
low = 0.9
high = 0.5
)toml";
  CHECK(
      diagnostics_of(text, {{"model.reliability", 2.0}}) ==
      std::vector<std::string>{
          "bad.toml:1:1: error: 'seed' is outside any table; expected it inside [scenario]",
          "bad.toml:3:11: error: 'scenario.horizon' must be a duration > 0 and <= 1e7h; got \"0h\"",
          "bad.toml:4:16: error: 'scenario.replications' must be an integer >= 1; got 1.5",
          "bad.toml:8:8: error: 'users.rate' expects a rate such as \"12/h\", \"2/y\" or a number "
          "per hour; got a boolean",
          "bad.toml:9:8: error: 'users.next.pass' refers to 'modle', which is not a component; did "
          "you mean 'model'?",
          "bad.toml:13:1: error: unknown key 'reliabilty' in component 'model' (kind ai); did you "
          "mean 'reliability'?",
          "bad.toml:14:15: error: 'model.reliability' must be a probability in [0, 1]; got 1.5",
          "bad.toml:15:26: error: component 'model' (kind ai) has no port 'block'; expected pass, "
          "refuse or defer",
          "bad.toml:18:8: error: 'filter.kind' has unknown value \"safegard\"; did you mean "
          "\"safeguard\"?",
          "bad.toml:28:7: error: sweep dimension 'model.reliability' has low = 0.9 and high = 0.5; "
          "expected low < high",
          "<command line>:1:19: error: 'model.reliability' must be a probability in [0, 1]; got 2",
          "<command line>:1:1: warning: --set 'model.reliability' has no effect: the sweep sets it "
          "at every point "
          "(bad.toml:26:1); change the sweep's values instead"});
}

TEST_CASE("a sequential acceptance test without a red line is an error, unless the sweep sets one",
          "[validation]") {
  const std::string expected =
      "bad.toml:2:21: error: 'scenario.stop_when_decided' = true needs a red line to decide "
      "against; expected scenario.harm_rate_target > 0 (in the file, by --set or swept)";
  const std::string stop = "[scenario]\nstop_when_decided = true\n";
  CHECK(diagnostics_of(stop + tail) == std::vector<std::string>{expected});
  CHECK(diagnostics_of(stop + "harm_rate_target = 0\n" + tail) ==
        std::vector<std::string>{expected});
  CHECK(diagnostics_of(stop + "harm_rate_target = 1e-6\n" + tail).empty());
  CHECK(diagnostics_of(stop + tail, {{"scenario.harm_rate_target", 1e-6}}).empty());
  CHECK(diagnostics_of(stop + tail +
                       "\n[sweep]\ndesign = \"grid\"\n[[sweep.dimensions]]\n"
                       "path = \"scenario.harm_rate_target\"\nvalues = [1e-6, 1e-5]\n")
            .empty());
  // Set on the command line: the error is located there.
  CHECK(diagnostics_of(tail, {{"scenario.stop_when_decided", true}}) ==
        std::vector<std::string>{
            "<command line>:1:28: error: 'scenario.stop_when_decided' = true needs a red line to "
            "decide against; expected scenario.harm_rate_target > 0 (in the file, by --set or "
            "swept)"});
}

TEST_CASE("detection and false alarms by context: probabilities, by known contexts",
          "[validation]") {
  for (const std::string kind : {"safeguard", "vote"}) {
    INFO(kind);
    const std::string layer = "[filter]\nkind = \"" + kind + "\"\nnext = { pass = \"world\" }\n";
    CHECK(diagnostics_of(layer + "detect_error_by_context = { nowhere = 0.5 }\n" + tail) ==
          std::vector<std::string>{
              "bad.toml:4:29: error: 'filter.detect_error_by_context.nowhere' refers to context "
              "'nowhere', which does not exist; expected 'default'"});
    CHECK(diagnostics_of(layer + "false_alarm_by_context = { default = 1.5 }\n" + tail) ==
          std::vector<std::string>{
              "bad.toml:4:38: error: 'filter.false_alarm_by_context.default' must be a "
              "probability in [0, 1]; got 1.5"});
    CHECK(diagnostics_of(layer + "detect_misuse_by_context = { default = 0.5 }\n" + tail).empty());
  }
}

TEST_CASE("a router needs both of its edges", "[validation]") {
  CHECK(diagnostics_of("[triage]\nkind = \"router\"\nshare = 0.5\nnext = \"world\"\n" + tail) ==
        std::vector<std::string>{
            "bad.toml:1:1: error: component 'triage': no edge from port 'route'; expected next = "
            "{ pass = \"...\", route = \"...\" } (a router stops nothing)"});
  CHECK(diagnostics_of("[triage]\nkind = \"router\"\nshare_by_context = { nowhere = 1 }\n"
                       "next = { pass = \"world\", route = \"world\" }\n" +
                       tail) ==
        std::vector<std::string>{
            "bad.toml:3:22: error: 'triage.share_by_context.nowhere' refers to context "
            "'nowhere', which does not exist; expected 'default'"});
}

TEST_CASE("coverage is a probability, by known contexts, and only on layers", "[validation]") {
  const std::string layer = "[filter]\nkind = \"safeguard\"\nnext = { pass = \"world\" }\n";
  CHECK(diagnostics_of(layer + "coverage = 1.5\n" + tail) ==
        std::vector<std::string>{
            "bad.toml:4:12: error: 'filter.coverage' must be a probability in [0, 1]; got 1.5"});
  CHECK(diagnostics_of(layer + "coverage_by_context = { nowhere = 0 }\n" + tail) ==
        std::vector<std::string>{
            "bad.toml:4:25: error: 'filter.coverage_by_context.nowhere' refers to context "
            "'nowhere', which does not exist; expected 'default'"});
  CHECK(diagnostics_of(layer + "coverage_by_context = { default = 0.5 }\n" + tail).empty());
  for (const std::string kind : {"operators", "audit", "defence", "vote", "monitor"}) {
    INFO(kind);
    CHECK(diagnostics_of("[layer]\nkind = \"" + kind +
                         "\"\ncoverage = 0.5\nnext = { pass = \"world\" }\n" + tail)
              .empty());
  }
  // The model is where outputs come from, not a layer a task can bypass.
  const auto model = diagnostics_of("[model]\nkind = \"ai\"\ncoverage = 0.5\n" + tail);
  REQUIRE(model.size() == 1);
  CHECK_THAT(model[0], Catch::StartsWith("bad.toml:3:1: error: unknown key 'coverage' in "
                                         "component 'model' (kind ai)"));
}

TEST_CASE("a bounded edge: its bound, its fallback and its keys", "[validation][loops]") {
  // Lines 1-9; the edge's table is on line 6.
  const auto revision = [](const std::string& edge) {
    return "[model]\nkind = \"ai\"\nnext = \"check\"\n[check]\nkind = \"safeguard\"\n"
           "next = { pass = \"world\", block = " +
           edge + " }\n[stopped]\nkind = \"outcome\"\nacted = false\n" + tail;
  };
  const auto loaded =
      load_string(revision("{ to = \"model\", at_most = 2, fallback = \"stopped\" }"), "bad.toml");
  REQUIRE(loaded.ok());
  const model::ComponentSpec& check = loaded.scenario->spec.components[1];
  CHECK(check.target("block") == "model");
  REQUIRE(check.bound("block") != nullptr);
  CHECK(check.bound("block")->at_most == 2);
  CHECK(check.bound("block")->fallback == "stopped");
  CHECK(check.bound("pass") == nullptr);
  CHECK(get_parameter(loaded.scenario->spec, "check.next.block.at_most") ==
        std::optional<ParameterValue>(std::int64_t{2}));
  // The same as a table of its own.
  CHECK(diagnostics_of("[model]\nkind = \"ai\"\nnext = \"check\"\n[check]\nkind = \"safeguard\"\n"
                       "next.pass = \"world\"\n[check.next.block]\nto = \"model\"\nat_most = 1\n" +
                       tail)
            .empty());
  check_cases({
      {"a bound above 100",
       revision("{ to = \"model\", at_most = 101 }"),
       {"bad.toml:6:60: error: 'check.next.block.at_most' must be an integer <= 100; got 101"}},
      {"a negative bound",
       revision("{ to = \"model\", at_most = -1 }"),
       {"bad.toml:6:60: error: 'check.next.block.at_most' must be an integer >= 0; got -1"}},
      {"a bound that is not a number",
       revision("{ to = \"model\", at_most = \"twice\" }"),
       {"bad.toml:6:60: error: 'check.next.block.at_most' expects an integer >= 0; got the "
        "string \"twice\""}},
      {"a misspelt fallback",
       revision("{ to = \"model\", at_most = 2, fallback = \"stoped\" }"),
       {"bad.toml:6:74: error: 'check.next.block.fallback' refers to 'stoped', which is not a "
        "component; did you mean 'stopped'?"}},
      {"a fallback into a source",
       revision("{ to = \"model\", at_most = 2, fallback = \"users\" }"),
       {"bad.toml:6:74: error: 'check.next.block.fallback' refers to 'users', which is a source; "
        "tasks cannot be sent to a source"}},
      {"an unknown key of an edge",
       revision("{ to = \"model\", at_mots = 2 }"),
       {"bad.toml:6:50: error: unknown key 'at_mots' in 'check.next.block'; did you mean "
        "'at_most'?"}},
      {"a fallback with no bound",
       revision("{ to = \"world\", fallback = \"stopped\" }"),
       {"bad.toml:4:1: error: 'check.next.block.fallback' is where a task goes once a bound is "
        "reached, and the edge has none; expected check.next.block.at_most = <times> beside it"}},
      {"a bound with no target",
       revision("{ at_most = 2 }"),
       {"bad.toml:4:1: error: 'check.next.block.at_most' bounds no edge; expected "
        "check.next.block.to = \"<component id>\" beside it"}},
  });
}
