#pragma once
// The per-task draw API: the one place where a kind's randomness about a task is keyed
// (docs/model.md, Randomness). A draw is addressed by (seed, point key, replication,
// the task's birth number and source, the component, purpose, k), so the same task
// meets the same draw at a component at every sweep point, whatever happened upstream,
// and a component draws only what it uses. Processes that are not about one task
// (arrivals, latent failures, proof tests) keep their own streams (Replication::stream).

#include <cstdint>

#include "sim/random/draw_address.h"
#include "sim/random/stream.h"

namespace stsim::model {

// The draws of one task at one component. Decisions that happen with a probability go
// through chance(), which knows the decision's purpose and its probability: an estimator
// that changes the probabilities it draws from (importance sampling) hooks in there and
// nowhere else.
class TaskDraws {
 public:
  TaskDraws(const random::DrawSpace& space, std::uint64_t birth, std::uint32_t source,
            std::uint32_t component)
      : space_(&space), birth_(birth), source_(source), component_(component) {}

  // The k-th uniform on (0, 1) of `purpose` for this task here.
  double uniform(random::Purpose purpose, std::uint32_t k = 0) const {
    return space_->uniform(birth_, source_, component_, purpose, k);
  }
  // True with `probability`: uniform(purpose, k) < probability. A certain or impossible
  // outcome draws nothing (the uniform is in (0, 1), so the answer is the same).
  bool chance(random::Purpose purpose, double probability, std::uint32_t k = 0) const {
    if (probability <= 0.0) return false;
    if (probability >= 1.0) return true;
    return uniform(purpose, k) < probability;
  }

 private:
  const random::DrawSpace* space_;
  std::uint64_t birth_;
  std::uint32_t source_;
  std::uint32_t component_;
};

}  // namespace stsim::model
