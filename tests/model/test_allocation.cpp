// A warm replication allocates nothing: the contract of Simulation::run().

#include <catch2/catch.hpp>

#include "tests/model/helpers.h"

// Defined with the replaced operator new in allocation_counter.cpp.
std::size_t allocation_count();

using namespace stsim::model;

TEST_CASE("a warm replication allocates nothing", "[model]") {
  auto spec = testing::every_kind();
  spec.horizon = 100.0;
  Simulation sim(spec);
  ReplicationMetrics m;
  for (std::uint32_t r = 0; r < 3; ++r) sim.run(1, 0, r, m);  // warm up: pools reach their peak
  const std::size_t before = allocation_count();
  std::uint64_t tasks = 0;
  for (std::uint32_t r = 0; r < 3; ++r) {
    sim.run(1, 0, r, m);
    tasks += m.tasks;
  }
  CHECK(allocation_count() == before);
  CHECK(tasks > 10000);
  // The counter works: a cold simulation does allocate.
  Simulation cold(spec);
  const std::size_t cold_before = allocation_count();
  ReplicationMetrics fresh;
  cold.run(1, 0, 0, fresh);
  CHECK(allocation_count() > cold_before);
}
