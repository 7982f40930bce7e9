#pragma once
// Where finished runs whose final write failed are kept, so that `stsim run --resume -o
// OTHER.h5` finishes one into another file without being told where its checkpoint is.
// A record is one small file per run identity (stsim version, seed, resolved
// configuration, slice and the options that shape the plan) holding the checkpoint's
// absolute path. Only a checkpoint of exactly the same identity is ever continued, so the
// result is the one an uninterrupted run would write.
//
// The records live in $STSIM_STATE_DIR, else $XDG_STATE_HOME/stsim, else
// ~/.local/state/stsim, under kept-runs/.

#include <optional>
#include <string>

#include "sim/runner/runner.h"

namespace stsim::output {

// Records that the checkpoint at `checkpoint` holds the finished run `identity`. Returns
// false (and records nothing) when there is no state directory or it cannot be written:
// the caller then names the checkpoint itself.
bool remember_kept_run(const runner::RunState& identity, const std::string& checkpoint);

// The recorded checkpoint of `identity`, when there is one that still exists.
std::optional<std::string> find_kept_run(const runner::RunState& identity);

// Removes the record of `identity`, if any.
void forget_kept_run(const runner::RunState& identity);

}  // namespace stsim::output
