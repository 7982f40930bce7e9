#include "sim/model/kinds/outcome.h"

#include "sim/model/branching.h"
#include "sim/model/key_fields.h"

namespace stsim::model {

std::span<const ComponentKey> Outcome::keys() {
  static const std::vector<ComponentKey> keys = {
      {"acted", boolean(), "true",
       "Whether outputs reaching it are acted on (false: they are stopped)",
       field<&OutcomeSpec::acted>},
  };
  return keys;
}

void Outcome::branch(const Spec& o, Branching& b, std::uint32_t, const Branch& in) {
  if (o.acted) {
    if (in.hazardous)
      b.end(in, Terminal::harm);
    else
      b.end(in, in.output == Output::refused ? Terminal::lost : Terminal::served);
  } else {
    b.end(in, in.hazardous ? Terminal::near_miss : Terminal::lost);
  }
}

}  // namespace stsim::model
