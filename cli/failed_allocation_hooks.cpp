// Linked into the ringtmp binary only (not the library the tests use): every allocation
// that fails notes its size (cli/memory_limit.hpp, take_failed_allocation), so a node out of
// memory under its budget can say "allocating 201 MiB" rather than just "std::bad_alloc".
// Two doors lead to the allocator: operator new (std::vector, std::string, Asio), replaced
// here, and malloc/realloc/calloc called directly (Eigen's aligned_malloc, under every
// Matrix and FloatBuffer), wrapped at link time with -Wl,--wrap (cli/CMakeLists.txt), which
// redirects only this binary's own objects' calls. The success path costs one branch.
#include <cstdlib>
#include <new>

#include "cli/memory_limit.hpp"

extern "C" {
void* __real_malloc(size_t size);
void* __real_realloc(void* p, size_t size);
void* __real_calloc(size_t n, size_t size);

void* __wrap_malloc(size_t size) {
  void* p = __real_malloc(size);
  if (!p && size) ringtmp::cli::note_failed_allocation(size);
  return p;
}
void* __wrap_realloc(void* old, size_t size) {
  void* p = __real_realloc(old, size);
  if (!p && size) ringtmp::cli::note_failed_allocation(size);
  return p;
}
void* __wrap_calloc(size_t n, size_t size) {
  void* p = __real_calloc(n, size);
  if (!p && n && size) ringtmp::cli::note_failed_allocation(n * size);
  return p;
}
}

namespace {

// What the standard operator new does (retry through the new-handler, else throw), with
// the failing size noted. malloc here is the wrapped one, which notes it too.
void* allocate(size_t size, size_t alignment) {
  if (size == 0) size = 1;
  while (true) {
    void* p = alignment ? std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment) : std::malloc(size);
    if (p) return p;
    std::new_handler handler = std::get_new_handler();
    if (!handler) {
      ringtmp::cli::note_failed_allocation(size);
      throw std::bad_alloc();
    }
    handler();
  }
}

}  // namespace

void* operator new(size_t size) { return allocate(size, 0); }
void* operator new[](size_t size) { return allocate(size, 0); }
void* operator new(size_t size, std::align_val_t alignment) { return allocate(size, size_t(alignment)); }
void* operator new[](size_t size, std::align_val_t alignment) { return allocate(size, size_t(alignment)); }
// Every variant, nothrow ones included: a block from one allocator freed by another is what
// AddressSanitizer caught (std::stable_sort's nothrow buffer, freed by the delete below).
void* operator new(size_t size, const std::nothrow_t&) noexcept {
  try { return allocate(size, 0); } catch (const std::bad_alloc&) { return nullptr; }
}
void* operator new[](size_t size, const std::nothrow_t&) noexcept {
  try { return allocate(size, 0); } catch (const std::bad_alloc&) { return nullptr; }
}
void* operator new(size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  try { return allocate(size, size_t(alignment)); } catch (const std::bad_alloc&) { return nullptr; }
}
void* operator new[](size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  try { return allocate(size, size_t(alignment)); } catch (const std::bad_alloc&) { return nullptr; }
}
// The matching deletes, so that every block goes back the way it came (free() takes what
// malloc and aligned_alloc give; a sanitizer checks that the pairs match).
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { std::free(p); }
