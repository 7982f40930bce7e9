// Each shipped scenario's headline finding, asserted with the run's own 95% intervals
// (reduced replications, fixed seeds: deterministic, and each claim is separated by many
// standard errors at these counts, so a correct model passes with a wide margin).

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "support.h"

using stsim::evidence::describe;
using stsim::evidence::ScenarioRun;
using stsim::runner::MetricId;

TEST_CASE("reliability-is-not-safety: layered at 0.7 beats bare at 0.999 and review flattens",
          "[scenarios]") {
  const ScenarioRun run("reliability-is-not-safety", 20, 101);
  const auto layered_07 = run.metric(
      run.point({{"model.next.pass", "layered"}, {"model.reliability", 0.7}}), MetricId::harm_rate);
  const auto bare_0999 =
      run.metric(run.point({{"model.next.pass", "bare model"}, {"model.reliability", 0.999}}),
                 MetricId::harm_rate);
  INFO("layered at 0.7: " << describe(layered_07) << "; bare at 0.999: " << describe(bare_0999));
  CHECK(layered_07.ci_high < bare_0999.ci_low);

  // Same model, same reliability, different systems: at 0.99 the three designs' harm
  // rates are ordered bare > review > layered with intervals apart.
  const auto at_099 = [&](const char* design) {
    return run.metric(run.point({{"model.next.pass", design}, {"model.reliability", 0.99}}),
                      MetricId::harm_rate);
  };
  INFO("at 0.99: bare " << describe(at_099("bare model")) << ", review "
                        << describe(at_099("human review")) << ", layered "
                        << describe(at_099("layered")));
  CHECK(at_099("human review").ci_high < at_099("bare model").ci_low);
  CHECK(at_099("layered").ci_high < at_099("human review").ci_low);

  // Review flattens: the share of the model's error rate that becomes harm rises with
  // reliability, as reviewers come to trust the model and stop checking.
  const auto share = [&](double reliability, bool high) {
    const auto p =
        run.point({{"model.next.pass", "human review"}, {"model.reliability", reliability}});
    const auto& harm = run.metric(p, MetricId::harm_rate);
    return (high ? harm.ci_high : harm.ci_low) / run.metric(p, MetricId::model_error_rate).mean;
  };
  INFO("review harm / model error at 0.7: <= " << share(0.7, true)
                                               << "; at 0.999: >= " << share(0.999, false));
  CHECK(share(0.999, false) > 2.0 * share(0.7, true));

  // Reliability is not sufficient: the bare model at 0.9999 still harms (misuse).
  const auto bare_09999 =
      run.metric(run.point({{"model.next.pass", "bare model"}, {"model.reliability", 0.9999}}),
                 MetricId::harm_rate);
  const auto bare_correct =
      run.metric(run.point({{"model.next.pass", "bare model"}, {"model.reliability", 0.9999}}),
                 MetricId::harm_with_correct_output_rate);
  INFO("bare at 0.9999: " << describe(bare_09999) << ", with correct output "
                          << describe(bare_correct));
  CHECK(bare_correct.ci_low > 0.0);
  CHECK(bare_09999.ci_low > 1.0 - 0.9999);
}

TEST_CASE("misuse: a perfectly reliable model harms and a downstream defence beats refusal",
          "[scenarios]") {
  const ScenarioRun run("misuse", 6, 202);
  const auto open =
      run.point({{"endpoint_defence.detect_misuse", "no defence"},
                 {"assistant.refusal_threshold", std::numeric_limits<double>::infinity()}});
  const auto& harm_open = run.metric(open, MetricId::harm_rate);
  INFO("no refusal, no defence: " << describe(harm_open));
  CHECK(run.metric(open, MetricId::model_error_rate).count == 0);
  CHECK(harm_open.ci_low > 0.0);

  // Refusing at threshold 0 (half of all benign requests) against a defence that stops
  // 90% of attacks and refuses no one.
  const auto strict = run.point(
      {{"endpoint_defence.detect_misuse", "no defence"}, {"assistant.refusal_threshold", 0.0}});
  const auto defended =
      run.point({{"endpoint_defence.detect_misuse", "defence stops 90%"},
                 {"assistant.refusal_threshold", std::numeric_limits<double>::infinity()}});
  const auto& harm_strict = run.metric(strict, MetricId::harm_rate);
  const auto& harm_defended = run.metric(defended, MetricId::harm_rate);
  const auto& lost_strict = run.metric(strict, MetricId::benign_lost_share);
  const auto& lost_defended = run.metric(defended, MetricId::benign_lost_share);
  INFO("refusal at 0: harm " << describe(harm_strict) << ", benign lost " << describe(lost_strict));
  INFO("defence 90%: harm " << describe(harm_defended) << ", benign lost "
                            << describe(lost_defended));
  CHECK(harm_defended.ci_high < harm_strict.ci_low);
  CHECK(lost_defended.ci_high < 0.01);
  CHECK(lost_strict.ci_low > 0.4);
}

TEST_CASE("common-cause: a coupled monitor gives far less protection than the independence product",
          "[scenarios]") {
  const ScenarioRun run("common-cause", 20, 303);
  const auto product = [&](std::uint32_t p) {
    return run.metric(p, MetricId::hazardous_output_rate).mean *
           (1.0 - run.resolved_number(p, "monitor.detect_error"));
  };
  const auto independent = run.point({{"monitor.coupling.difficulty_correlation", 0.0}});
  const auto coupled = run.point({{"monitor.coupling.difficulty_correlation", 0.3}});
  const auto& harm_independent = run.metric(independent, MetricId::harm_rate);
  const auto& harm_coupled = run.metric(coupled, MetricId::harm_rate);
  INFO("independent: " << describe(harm_independent) << " vs product " << product(independent));
  INFO("coupled 0.3: " << describe(harm_coupled) << " vs product " << product(coupled));
  // Independent: the product holds, within 4 standard errors.
  CHECK(std::abs(harm_independent.mean - product(independent)) <
        4.0 * harm_independent.standard_error);
  CHECK(harm_independent.count > 0);
  // Coupled at 0.3: more than ten times the product promised.
  CHECK(harm_coupled.ci_low > 10.0 * product(coupled));
}

TEST_CASE("operators: harm rises with load and with alarm false-alarm rate", "[scenarios]") {
  const ScenarioRun run("operators", 15, 404);
  const auto harm = [&](double false_alarm, const char* rate) {
    return run.metric(run.point({{"nurses.shift_length", "8-hour shifts"},
                                 {"red_flags.false_alarm", false_alarm},
                                 {"patients.rate", std::string(rate)}}),
                      MetricId::harm_rate);
  };
  const char* light = "40% of capacity";
  const char* over = "160%";
  const char* busy = "80%";
  INFO("40% load: " << describe(harm(0.01, light))
                    << "; 160% load: " << describe(harm(0.01, over)));
  CHECK(harm(0.01, over).ci_low > harm(0.01, light).ci_high);
  INFO("false alarms 1%: " << describe(harm(0.01, busy)) << "; 30%: " << describe(harm(0.3, busy)));
  CHECK(harm(0.3, busy).ci_low > harm(0.01, busy).ci_high);
}

TEST_CASE("latent-failures-and-drift: drift raises harm and untested safeguards stay failed",
          "[scenarios]") {
  const ScenarioRun run("latent-failures-and-drift", 20, 505);
  const auto point = [&](const char* drift, const char* testing) {
    return run.point({{"pharmacist.drift.enabled", drift}, {"dose_check.test_interval", testing}});
  };
  const auto& off = run.metric(point("drift off", "tested monthly"), MetricId::harm_rate);
  const auto& on = run.metric(point("drift on", "tested monthly"), MetricId::harm_rate);
  INFO("drift off: " << describe(off) << "; drift on: " << describe(on));
  CHECK(on.ci_low > off.ci_high);
  const auto& weekly = run.metric(point("drift off", "tested weekly"), MetricId::harm_rate);
  const auto& never = run.metric(point("drift off", "never tested"), MetricId::harm_rate);
  INFO("tested weekly: " << describe(weekly) << "; never tested: " << describe(never));
  CHECK(never.ci_low > weekly.ci_high);
  CHECK(run.at(point("drift off", "never tested")).harms_latent_involved >
        run.at(point("drift off", "tested weekly")).harms_latent_involved);
}

TEST_CASE("red-line: most deployments go a year without harm although harm is certain to come",
          "[scenarios]") {
  const ScenarioRun run("red-line", 60, 606);
  const auto at = [&](double reliability) {
    return run.point({{"agent.reliability", reliability}});
  };
  const auto& crossed_095 = run.metric(at(0.95), MetricId::first_harm_probability);
  const auto& crossed_0999 = run.metric(at(0.999), MetricId::first_harm_probability);
  const auto& rate_0999 = run.metric(at(0.999), MetricId::harm_rate);
  INFO("P(harm within a year) at 0.95: " << describe(crossed_095)
                                         << "; at 0.999: " << describe(crossed_0999));
  INFO("harm rate at 0.999: " << describe(rate_0999));
  CHECK(crossed_095.ci_low > 0.9);
  CHECK(crossed_0999.ci_high < 0.5);
  CHECK(rate_0999.ci_low > 0.0);
  // One failure-free year supports only a bound far above the true rate: the 95% bound
  // from one year's tasks without harm exceeds the simulated rate's upper limit.
  const double tasks_per_year = run.metric(at(0.999), MetricId::tasks_per_replication).mean;
  CHECK(-std::log(0.05) / tasks_per_year > rate_0999.ci_high);
}

TEST_CASE("marginal-risk: the AI adds risk at 0.9 and removes it at 0.99 against humans",
          "[scenarios]") {
  const ScenarioRun run("marginal-risk", 20, 707);
  const auto ai = [&](double reliability) {
    return run.point({{"customers.next.pass", "AI drafts + human approval"},
                      {"ai_drafter.reliability", reliability}});
  };
  const auto& worse = run.paired(ai(0.9), MetricId::harm_rate);
  const auto& better = run.paired(ai(0.99), MetricId::harm_rate);
  INFO("AI at 0.9 minus humans: " << describe(worse)
                                  << "; AI at 0.99 minus humans: " << describe(better));
  CHECK(worse.ci_low > 0.0);
  CHECK(better.ci_high < 0.0);
}

TEST_CASE("deployment-shift: the evaluation mix hides a falling reliability in deployment",
          "[scenarios]") {
  const ScenarioRun run("deployment-shift", 4, 1717);
  const std::string offlabel = "assistant.reliability_by_context.offlabel";
  const auto as_tested = run.point({{offlabel, 0.995}});
  const auto worst = run.point({{offlabel, 0.8}});
  const auto& tested_worst = run.metric(worst, MetricId::model_reliability_evaluation_mix);
  const auto& deployed_worst = run.metric(worst, MetricId::model_reliability);
  INFO("at 0.8 off-label: evaluation mix " << describe(tested_worst) << ", in deployment "
                                           << describe(deployed_worst));
  // The evaluation mix (0.1% off-label) cannot see the off-label reliability.
  CHECK(tested_worst.mean > 0.9945);
  CHECK(deployed_worst.ci_high < tested_worst.mean - 0.03);
  CHECK(run.metric(as_tested, MetricId::model_reliability).ci_low > 0.99);

  // Same tested reliability, harm per task grows several-fold with the off-label error.
  const auto& harm_tested = run.metric(as_tested, MetricId::harm_rate);
  const auto& harm_worst = run.metric(worst, MetricId::harm_rate);
  INFO("harm at 0.995: " << describe(harm_tested) << "; at 0.8: " << describe(harm_worst));
  CHECK(harm_worst.ci_low > 5.0 * harm_tested.ci_high);
}
