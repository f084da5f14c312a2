#pragma once
// The three gate lists of gates/table.hpp as one ::testing::Types list, so that a typed test
// runs over every gate; GateTypeNames names each instantiation after the gate ("sigmoid").

#include <gradflow/gates/table.hpp>

#include <gtest/gtest.h>

#include <string>

namespace gradflow::testing_support {

template <class... Lists>
struct ConcatGateLists;

template <class... Gs>
struct ConcatGateLists<gates::GateList<Gs...>> {
  using type = ::testing::Types<Gs...>;
};

template <class... As, class... Bs, class... Rest>
struct ConcatGateLists<gates::GateList<As...>, gates::GateList<Bs...>, Rest...>
    : ConcatGateLists<gates::GateList<As..., Bs...>, Rest...> {};

using AllGates =
    ConcatGateLists<gates::UnaryGates, gates::ParametricGates, gates::BinaryGates>::type;

struct GateTypeNames {
  template <class G>
  static std::string GetName(int) {
    return std::string(G::name);
  }
};

}  // namespace gradflow::testing_support
