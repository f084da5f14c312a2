#pragma once
/// @file
/// An allocator whose value-initialisation does nothing, for buffers that are always written
/// before they are read: `std::vector::resize` then grows them without zero-filling.

#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace gradflow::detail {

/// std::allocator, except that `construct(p)` with no arguments default-initialises (leaving a
/// trivial T indeterminate) instead of value-initialising it to zero.
template <class T>
class UninitializedAllocator : public std::allocator<T> {
 public:
  static_assert(std::is_trivially_default_constructible_v<T>,
                "only for trivial element types: the point is to skip their zero-fill");
  using value_type = T;
  template <class U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };

  UninitializedAllocator() noexcept = default;
  template <class U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}  // NOLINT: rebinding

  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    std::allocator_traits<std::allocator<T>>::construct(static_cast<std::allocator<T>&>(*this), p,
                                                        std::forward<Args>(args)...);
  }
};

}  // namespace gradflow::detail
