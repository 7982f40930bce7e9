// The limit for the simple model of benchmarks/simple.toml: a single-purpose program
// of exactly that model, as tight as it reasonably gets. A binary heap of review ends
// (at most four pending), the next arrival kept aside, a FIFO ring of waiting tasks,
// xoshiro256+ for uniforms, and a draw only where a decision needs one.
//
// Usage: tight_simple [REPLICATIONS] [HORIZON_HOURS]. Prints tasks, harms, seconds and
// tasks per second (CPU time, one core).

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <queue>
#include <vector>

namespace {

constexpr double rate = 100.0;  // tasks per hour
constexpr double reliability = 0.99;
constexpr double filter_detect = 0.9, filter_false_alarm = 0.01;
constexpr int reviewers = 4;
constexpr double review_time = 0.0326165, review_detect = 0.9;

class Xoshiro256Plus {
 public:
  explicit Xoshiro256Plus(std::uint64_t seed) {
    for (auto& word : s_) word = splitmix(seed);
  }
  double uniform() {  // (0, 1)
    const std::uint64_t result = s_[0] + s_[3];
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = (s_[3] << 45) | (s_[3] >> 19);
    return (static_cast<double>(result >> 12) + 0.5) * 0x1.0p-52;
  }

 private:
  static std::uint64_t splitmix(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  std::uint64_t s_[4];
};

struct ReviewEnd {
  double time;
  bool harm;
  bool operator>(const ReviewEnd& o) const { return time > o.time; }
};

struct Counts {
  std::uint64_t tasks = 0, harms = 0;
};

void replication(std::uint64_t seed, double horizon, Counts& counts) {
  Xoshiro256Plus rng(seed);
  std::priority_queue<ReviewEnd, std::vector<ReviewEnd>, std::greater<>> busy;
  std::vector<bool> waiting;  // FIFO ring of hazard flags
  std::size_t head = 0, size = 0;
  waiting.resize(1024);
  auto start_review = [&](double now, bool hazardous) {
    const double end = now - review_time * std::log(rng.uniform());
    const bool harm = hazardous && !(rng.uniform() < review_detect);
    busy.push({end, harm});
  };
  double next_arrival = -std::log(rng.uniform()) / rate;
  for (;;) {
    const double next_end = busy.empty() ? INFINITY : busy.top().time;
    if (next_arrival <= next_end) {  // arrivals after review ends at the same instant: never
      if (next_arrival >= horizon) break;
      const double now = next_arrival;
      next_arrival = now - std::log(rng.uniform()) / rate;
      ++counts.tasks;
      const bool hazardous = rng.uniform() > reliability;
      if (rng.uniform() < (hazardous ? filter_detect : filter_false_alarm)) continue;  // blocked
      if (static_cast<int>(busy.size()) < reviewers) {
        start_review(now, hazardous);
      } else {
        if (size == waiting.size()) {
          std::vector<bool> bigger(waiting.size() * 2);
          for (std::size_t i = 0; i < size; ++i) bigger[i] = waiting[(head + i) % waiting.size()];
          waiting.swap(bigger);
          head = 0;
        }
        waiting[(head + size) % waiting.size()] = hazardous;
        ++size;
      }
    } else {
      if (next_end >= horizon) break;
      const ReviewEnd done = busy.top();
      busy.pop();
      counts.harms += done.harm ? 1 : 0;
      if (size > 0) {
        const bool hazardous = waiting[head];
        head = (head + 1) % waiting.size();
        --size;
        start_review(done.time, hazardous);
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int replications = argc > 1 ? std::atoi(argv[1]) : 40;
  const double horizon = argc > 2 ? std::atof(argv[2]) : 1000.0;
  Counts counts;
  const std::clock_t start = std::clock();
  for (int r = 0; r < replications; ++r)
    replication(19 + static_cast<std::uint64_t>(r), horizon, counts);
  const double seconds = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
  std::printf("tasks %llu harms %llu seconds %.3f tasks_per_second %.4g\n",
              static_cast<unsigned long long>(counts.tasks),
              static_cast<unsigned long long>(counts.harms), seconds,
              static_cast<double>(counts.tasks) / seconds);
  return 0;
}
