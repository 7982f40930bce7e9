#pragma once
// The per-task draw API: the one place where a kind's randomness about a task is keyed
// (docs/model.md, Randomness). A draw is addressed by (seed, point key, replication,
// the task's birth number and source, its visit, the component, purpose, k), so the same task
// meets the same draw at a component at every sweep point, whatever happened upstream,
// and a component draws only what it uses. Processes that are not about one task
// (arrivals, latent failures, proof tests) keep their own streams (Replication::stream).

#include <cstdint>

#include "sim/model/failure_biasing.h"
#include "sim/random/draw_address.h"
#include "sim/random/stream.h"

namespace stsim::model {

// The draws of one task at one component. Decisions that happen with a probability go
// through chance(), which knows the decision's purpose and its probability: an estimator
// that changes the probabilities it draws from (importance sampling) hooks in there and
// nowhere else.
class TaskDraws {
 public:
  // `visit`: how many times the task was sent back by a bounded loop; a new pass draws
  // afresh, the first draws what a task without loops draws.
  TaskDraws(const random::DrawSpace& space, std::uint64_t birth, std::uint32_t source,
            std::uint32_t component, std::uint32_t visit = 0)
      : space_(&space), birth_(birth), source_(source), component_(component), visit_(visit) {}
  // Under importance sampling: the component's failure sides are drawn biased
  // (failure_biasing.h) and `weight`, the task's likelihood ratio, multiplied by each
  // biased draw's.
  TaskDraws(const random::DrawSpace& space, std::uint64_t birth, std::uint32_t source,
            std::uint32_t component, std::uint32_t visit, const FailureSides* sides, double* weight)
      : space_(&space),
        birth_(birth),
        source_(source),
        component_(component),
        visit_(visit),
        sides_(sides),
        weight_(weight) {}

  // The k-th uniform on (0, 1) of `purpose` for this task here.
  double uniform(random::Purpose purpose, std::uint32_t k = 0) const {
    return space_->uniform(birth_, source_, component_, purpose, k, visit_);
  }
  // True with `probability`: uniform(purpose, k) < probability. A certain or impossible
  // outcome draws nothing (the uniform is in (0, 1), so the answer is the same).
  bool chance(random::Purpose purpose, double probability, std::uint32_t k = 0) const {
    if (probability <= 0.0) return false;
    if (probability >= 1.0) return true;
    const double u = uniform(purpose, k);
    if (sides_ == nullptr) return u < probability;
    const std::uint64_t bit = purpose_bit(purpose);
    if ((sides_->when_true & bit) != 0 && probability < biased_failure) {
      const bool failed = u < biased_failure;
      *weight_ *=
          failed ? probability / biased_failure : (1.0 - probability) / (1.0 - biased_failure);
      return failed;
    }
    const double miss = 1.0 - probability;
    if ((sides_->when_false & bit) != 0 && miss < biased_failure) {
      const bool failed = u < biased_failure;
      *weight_ *= failed ? miss / biased_failure : probability / (1.0 - biased_failure);
      return !failed;
    }
    return u < probability;
  }
  // The k-th uniform of `purpose`, where a value above `threshold` is a failure (an AI's
  // difficulty above its reliability is an error). Unbiased, uniform(purpose, k). Under
  // importance sampling, when failure is rarer than biased_failure, drawn from the
  // density that puts biased_failure above the threshold (uniform within each side), so
  // that what a later component does with the value (judge by it) stays exact.
  double uniform_beyond(random::Purpose purpose, double threshold, std::uint32_t k = 0) const {
    const double u = uniform(purpose, k);
    const double above = 1.0 - threshold;
    if (sides_ == nullptr || (sides_->above & purpose_bit(purpose)) == 0 || !(above > 0.0) ||
        above >= biased_failure)
      return u;
    if (u < biased_failure) {
      *weight_ *= above / biased_failure;
      return threshold + above * (u / biased_failure);
    }
    *weight_ *= threshold / (1.0 - biased_failure);
    return threshold * ((u - biased_failure) / (1.0 - biased_failure));
  }

 private:
  const random::DrawSpace* space_;
  std::uint64_t birth_;
  std::uint32_t source_;
  std::uint32_t component_;
  std::uint32_t visit_;
  const FailureSides* sides_ = nullptr;  // null: no importance sampling
  double* weight_ = nullptr;
};

}  // namespace stsim::model
