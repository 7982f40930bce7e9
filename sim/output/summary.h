#pragma once
// The human summary of a result file: what `stsim run` prints after writing it and
// what `stsim inspect` prints.

#include <string>
#include <vector>

#include "sim/output/hdf5_file.h"

namespace stsim::output {

// Run facts (scenario, status, seed, design, stopping rule, times), one "key: value" per line.
std::string describe(const ResultFile& file);

// One row per point: replications, model error rate, harm rate with its 95% interval
// (or the zero-event upper bound), the paired difference in harm rate against the
// baseline when there is one, and the point's whole label last.
std::string headline_table(const ResultFile& file);

// The metrics of /results, in name order.
std::vector<std::string> metric_names(const ResultFile& file);

// "out.h5: the file has no metric 'harm_rat'; did you mean 'harm_rate'?"
FileError unknown_metric(const ResultFile& file, const std::string& metric,
                         const std::vector<std::string>& known);

// The same table for one metric: a line naming it (kind, unit, interval, description),
// then per point replications, estimate, standard error, 95% interval, the paired
// difference when there is one, and the label. Throws FileError for an unknown metric.
std::string metric_table(const ResultFile& file, const std::string& metric);

// One row per point and operator pool (/queues): the share of reviews that waited, the
// mean time in system with its 95% interval, its 90% and 99% quantiles, the utilisation,
// then the pool and the point's label. Empty when the file has no operator pool.
std::string queue_table(const ResultFile& file);

// One row per point, individual pool and reviewer (/reviewers): its share of the pool's
// reviews, the share of the hazards it reviewed that it caught with its 95% interval,
// the hazards it passed per replication and its trust at the horizon, then the pool, the
// reviewer and the point's label. Empty when the file has no individual pool.
std::string reviewer_table(const ResultFile& file);

// The results that are not per point, each as a short table when the file has it: the
// red team's best response per search (/worst_case), the harm rate's distribution over
// uncertain parameters (/uncertainty), and the harm rate's sensitivity indices per swept
// dimension (/sensitivity). Empty when the file has none of them.
std::string study_tables(const ResultFile& file);

}  // namespace stsim::output
