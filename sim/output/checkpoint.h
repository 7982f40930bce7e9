#pragma once
// Checkpoint files: a run's folded statistics saved as it goes, so that `stsim run
// --resume` continues an interrupted sweep. The file is replaced atomically (written
// beside it, flushed to disk, renamed), so a crash while saving leaves the previous one.

#include <optional>
#include <string>

#include "sim/output/hdf5_file.h"
#include "sim/runner/runner.h"

namespace stsim::output {

// Where `stsim run -o out.h5` keeps its checkpoint: "out.h5.checkpoint".
std::string checkpoint_path(const std::string& result_path);

// Throws FileError on any I/O failure; the previous checkpoint then stays in place.
void write_checkpoint(const runner::RunState& state, const std::string& path);

// Nothing when there is no file at `path`. Throws FileError when the file cannot be read
// or is not a checkpoint.
std::optional<runner::RunState> read_checkpoint(const std::string& path);

// The folded statistics stored in a shard file (`stsim run --shard`). Throws FileError
// when the file is not an stsim result file or holds no shard.
runner::RunState read_shard_state(const ResultFile& file, const std::string& path);

}  // namespace stsim::output
