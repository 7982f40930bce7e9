// Counts every allocation in the model's test program, so a test can check that a warm
// replication allocates nothing. Kept alone in its file: with callers of new and delete
// inlined beside these definitions GCC reports a false mismatched-new-delete.

#include <atomic>
#include <cstdlib>
#include <new>

// All the plain forms are replaced together (on malloc/free), so that no allocation is
// ever freed by a mismatched partner, which AddressSanitizer would rightly report.
namespace {
std::atomic<std::size_t> allocations{0};

void* counted_allocate(std::size_t size) noexcept {
  ++allocations;
  return std::malloc(size == 0 ? 1 : size);
}
}  // namespace

void* operator new(std::size_t size) {
  if (void* p = counted_allocate(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  if (void* p = counted_allocate(size)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return counted_allocate(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return counted_allocate(size);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

std::size_t allocation_count() { return allocations.load(); }
