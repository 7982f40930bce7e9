// The MPI job: the first rank runs the runner's engine, whose remote workers are the
// other ranks; they run blocks with their own threads and send each one back encoded.
//
// Protocol (all messages between rank 0 and one other rank, which MPI keeps in order):
//   rank r -> 0: hello (threads, fingerprint) or failed (why it cannot take part)
//   0 -> rank r: task (point, block) ... stop
//   rank r -> 0: result (an encoded block), one per task, until it sees stop; then bye
// Rank 0 keeps receiving until every rank has said bye, so no message is left in flight
// at MPI_Finalize. MPI calls are made by one thread at a time (MPI_THREAD_SERIALIZED):
// on rank 0 by the engine's remote thread during the run, by the main thread otherwise.

#include "sim/mpi/job.h"

#include <fmt/core.h>
#include <mpi.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace stsim::mpi {

namespace {

enum Tag : int { hello = 1, failed, task, result, stop, bye };

constexpr auto poll = std::chrono::milliseconds(1);

void check(int code, const char* what) {
  if (code != MPI_SUCCESS)
    throw std::runtime_error(fmt::format("MPI: {} failed (error {})", what, code));
}

void send(int to, Tag tag, const void* data, std::size_t size) {
  check(MPI_Send(data, static_cast<int>(size), MPI_BYTE, to, tag, MPI_COMM_WORLD), "send");
}

void send(int to, Tag tag, const std::string& text) { send(to, tag, text.data(), text.size()); }

struct Message {
  int from = 0;
  int tag = 0;
  std::vector<std::uint8_t> bytes;
};

// The next message from `source` (any rank when MPI_ANY_SOURCE), if one has arrived.
std::optional<Message> receive(int source) {
  int arrived = 0;
  MPI_Status status;
  check(MPI_Iprobe(source, MPI_ANY_TAG, MPI_COMM_WORLD, &arrived, &status), "probe");
  if (!arrived) return std::nullopt;
  int size = 0;
  check(MPI_Get_count(&status, MPI_BYTE, &size), "count");
  Message m{status.MPI_SOURCE, status.MPI_TAG,
            std::vector<std::uint8_t>(static_cast<std::size_t>(size))};
  check(MPI_Recv(m.bytes.data(), size, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE),
        "receive");
  return m;
}

std::string text_of(const Message& m) { return {m.bytes.begin(), m.bytes.end()}; }

// Rank 0's view of the other ranks, served on the engine's remote thread.
class OtherRanks final : public runner::RemoteWorkers {
 public:
  OtherRanks(int size, std::string fingerprint)
      : size_(size),
        fingerprint_(std::move(fingerprint)),
        blocks_run_(static_cast<std::size_t>(size), 0) {}

  // Blocks each rank delivered (rank 0's own are not counted here).
  const std::vector<std::uint64_t>& blocks_run() const { return blocks_run_; }

  void serve(runner::WorkQueue& queue) override {
    std::vector<std::uint32_t> free_threads(static_cast<std::size_t>(size_), 0);
    int byes = 0;
    bool stopping = false;
    while (byes < size_ - 1) {
      if (!stopping && queue.over()) {
        release();
        stopping = true;
      }
      if (auto m = receive(MPI_ANY_SOURCE)) {
        const auto r = static_cast<std::size_t>(m->from);
        switch (m->tag) {
          case hello: {
            std::uint32_t threads = 0;
            if (m->bytes.size() >= sizeof threads)
              std::memcpy(&threads, m->bytes.data(), sizeof threads);
            const std::string fingerprint(m->bytes.begin() + sizeof threads, m->bytes.end());
            if (fingerprint != fingerprint_) {
              queue.fail(fmt::format(
                  "MPI rank {} resolved another configuration (fingerprint {}, rank 0 has {}): "
                  "do all ranks see the same scenario file and options?",
                  m->from, fingerprint, fingerprint_));
            }
            free_threads[r] += threads;
            break;
          }
          case failed:
            queue.fail(fmt::format("MPI rank {} cannot take part: {}", m->from, text_of(*m)));
            break;
          case result:
            ++free_threads[r];
            ++blocks_run_[r];
            // After the stop, blocks still arriving are beyond every point's end.
            if (!stopping) {
              // A bad block fails the run, but this loop must go on to let every rank go.
              try {
                queue.deliver(m->bytes);
              } catch (const std::exception& e) {
                queue.fail(fmt::format("MPI rank {}: {}", m->from, e.what()));
              }
            }
            break;
          case bye:
            ++byes;
            break;
          default:
            queue.fail(
                fmt::format("MPI rank {} sent an unknown message (tag {})", m->from, m->tag));
        }
        continue;
      }
      bool handed = false;
      for (int r = 1; r < size_ && !stopping; ++r) {
        auto& free = free_threads[static_cast<std::size_t>(r)];
        while (free > 0) {
          const auto next = queue.take();
          if (!next) break;
          const std::uint32_t words[2] = {next->point, next->block};
          send(r, task, words, sizeof words);
          --free;
          handed = true;
        }
      }
      if (!handed) queue.wait(poll);
    }
    released_ = true;
  }

  // Tells every other rank to stop (once). After serve() has run, that is already done.
  void release() {
    if (stop_sent_) return;
    for (int r = 1; r < size_; ++r) send(r, stop, nullptr, 0);
    stop_sent_ = true;
  }

  // Without serve(): stops the other ranks and waits for their goodbyes.
  void release_and_wait() {
    if (released_) return;
    release();
    int byes = 0;
    while (byes < size_ - 1) {
      if (auto m = receive(MPI_ANY_SOURCE)) {
        if (m->tag == bye) ++byes;
      } else {
        std::this_thread::sleep_for(poll);
      }
    }
    released_ = true;
  }

 private:
  int size_;
  std::string fingerprint_;
  std::vector<std::uint64_t> blocks_run_;
  bool stop_sent_ = false;
  bool released_ = false;
};

// A rank other than the first: threads run the tasks it receives; the main thread
// talks to rank 0.
class Worker {
 public:
  Worker(const runner::Plan& plan, unsigned threads) : plan_(plan), threads_(threads) {}

  void run() {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads_; ++t) pool.emplace_back([this] { work(); });
    for (;;) {
      if (auto m = receive(0)) {
        if (m->tag == stop) break;
        std::uint32_t words[2] = {0, 0};
        if (m->tag != task || m->bytes.size() != sizeof words) continue;
        std::memcpy(words, m->bytes.data(), sizeof words);
        {
          std::lock_guard lock(mutex_);
          tasks_.push_back({words[0], words[1]});
        }
        changed_.notify_all();
        continue;
      }
      std::deque<std::pair<Tag, std::vector<std::uint8_t>>> outgoing;
      {
        std::unique_lock lock(mutex_);
        if (outbox_.empty()) changed_.wait_for(lock, poll);
        outgoing.swap(outbox_);
      }
      for (const auto& [tag, bytes] : outgoing) send(0, tag, bytes.data(), bytes.size());
    }
    stopping_ = true;
    changed_.notify_all();
    for (auto& t : pool) t.join();
  }

 private:
  void work() {
    try {
      runner::BlockWorker worker(plan_);
      for (;;) {
        runner::BlockTask next;
        {
          std::unique_lock lock(mutex_);
          changed_.wait(lock, [&] { return stopping_.load() || !tasks_.empty(); });
          if (stopping_) return;
          next = tasks_.front();
          tasks_.pop_front();
        }
        auto block = worker.run(next, &stopping_);
        if (!block) return;
        {
          std::lock_guard lock(mutex_);
          outbox_.emplace_back(result, std::move(*block));
        }
        changed_.notify_all();
      }
    } catch (const std::exception& e) {
      const std::string why = e.what();
      {
        std::lock_guard lock(mutex_);
        outbox_.emplace_back(failed, std::vector<std::uint8_t>(why.begin(), why.end()));
      }
      changed_.notify_all();
    }
  }

  const runner::Plan& plan_;
  unsigned threads_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<runner::BlockTask> tasks_;
  std::deque<std::pair<Tag, std::vector<std::uint8_t>>> outbox_;
  std::atomic<bool> stopping_{false};
};

class MpiJob final : public Job {
 public:
  MpiJob(int rank, int size) : rank_(rank), size_(size) {}

  ~MpiJob() override {
    // Rank 0 may end without running (bad options, refused resume): the other ranks are
    // waiting for work and must be let go before MPI shuts down.
    try {
      if (rank_ == 0 && size_ > 1) {
        if (!others_) others_ = std::make_unique<OtherRanks>(size_, "");
        others_->release_and_wait();
      }
    } catch (const std::exception& e) {
      fmt::print(stderr, "stsim: error: {}\n", e.what());
    }
    MPI_Finalize();
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }

  runner::RunResult run_plan(const runner::Plan& plan,
                             const runner::RunOptions& options) const override {
    if (size_ == 1) return runner::run_plan(plan, options);
    others_ = std::make_unique<OtherRanks>(size_, runner::run_identity(plan, options).fingerprint);
    auto with_ranks = options;
    with_ranks.remote = others_.get();
    auto result = runner::run_plan(plan, with_ranks);
    // How the work spread: a rank that ran nothing points at a launch or network problem.
    std::string spread;
    for (int r = 1; r < size_; ++r) {
      spread += fmt::format("{}rank {}: {}", r > 1 ? ", " : "", r,
                            others_->blocks_run()[static_cast<std::size_t>(r)]);
    }
    fmt::print(stderr, "stsim: blocks run by the other MPI ranks: {}\n", spread);
    return result;
  }

  int serve_blocks(const runner::Plan* plan, const std::string& fault,
                   unsigned threads) const override {
    if (!plan) {
      send(0, failed, fault.empty() ? std::string("it could not load the scenario") : fault);
    } else {
      const unsigned count =
          threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
      std::vector<std::uint8_t> hello_message(sizeof(std::uint32_t));
      const auto words = static_cast<std::uint32_t>(count);
      std::memcpy(hello_message.data(), &words, sizeof words);
      const auto fingerprint = runner::run_identity(*plan, runner::RunOptions{}).fingerprint;
      hello_message.insert(hello_message.end(), fingerprint.begin(), fingerprint.end());
      send(0, hello, hello_message.data(), hello_message.size());
      Worker(*plan, count).run();
    }
    if (!plan) {
      // Wait for rank 0's stop so that no message is left unreceived.
      for (;;) {
        if (auto m = receive(0); m && m->tag == stop) break;
        std::this_thread::sleep_for(poll);
      }
    }
    send(0, bye, nullptr, 0);
    // The job failed as a whole (rank 0 says why): the same code from every rank.
    return plan ? 0 : 1;
  }

 private:
  int rank_;
  int size_;
  mutable std::unique_ptr<OtherRanks> others_;
};

bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    if (std::getenv(name)) return true;
  }
  return false;
}

}  // namespace

std::unique_ptr<Job> join(int& argc, char**& argv) {
  if (!launched_by_mpi()) return std::make_unique<Job>();
  int provided = 0;
  if (MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS) {
    fmt::print(stderr, "stsim: error: MPI_Init_thread failed\n");
    std::exit(1);
  }
  if (provided < MPI_THREAD_SERIALIZED) {
    fmt::print(stderr,
               "stsim: error: this MPI library does not support threads (MPI_THREAD_SERIALIZED)\n");
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return std::make_unique<MpiJob>(rank, size);
}

std::string library_version() {
  // Allowed before MPI_Init (MPI 3.0), so --version works outside a launcher.
  char text[MPI_MAX_LIBRARY_VERSION_STRING] = {};
  int length = 0;
  if (MPI_Get_library_version(text, &length) != MPI_SUCCESS) return "unknown";
  std::string version(text, static_cast<std::size_t>(length));
  // The first line is the name and version; the rest are build details.
  version = version.substr(0, version.find_first_of("\n,"));
  while (!version.empty() && (version.back() == ' ' || version.back() == '\0')) version.pop_back();
  return version;
}

}  // namespace stsim::mpi
