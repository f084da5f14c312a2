#include <gradflow/gates/table.hpp>
#include <gradflow/viz/gate_label.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace gradflow::viz {
namespace {

constexpr double kNoParam = std::numeric_limits<double>::quiet_NaN();

TEST(GateLabel, SymbolsComeFromTheTable) {
  EXPECT_EQ(gate_label("add", kNoParam), "+");
  EXPECT_EQ(gate_label("mul", kNoParam), "*");
  EXPECT_EQ(gate_label("sigmoid", kNoParam), "sigmoid");
  EXPECT_EQ(gate_label("reciprocal", kNoParam), "1/x");
  EXPECT_EQ(gate_label("sum", kNoParam), "sum");  // not a table gate: its own name
}

TEST(GateLabel, ConstantsAreWrittenIn) {
  EXPECT_EQ(gate_label("add_const", 1.0), "+1");
  EXPECT_EQ(gate_label("add_const", -2.0), "-2");
  EXPECT_EQ(gate_label("scale", -1.0), "*-1");
  EXPECT_EQ(gate_label("pow_const", 2.0), "^2");
  EXPECT_EQ(gate_label("div_by", 0.5), "/0.5");
  EXPECT_EQ(gate_label("div_into", 1.0), "1/x");
  EXPECT_EQ(gate_label("sub_from", 3.0), "3-x");
  EXPECT_EQ(gate_label("const_pow", 2.0), "2^x");
}

TEST(GateLabel, EveryGateIsFound) {
  gates::UnaryGates::for_each([]<class G>() { EXPECT_EQ(find_gate(G::name)->arity, 1u); });
  gates::BinaryGates::for_each([]<class G>() { EXPECT_EQ(find_gate(G::name)->arity, 2u); });
  gates::ParametricGates::for_each([]<class G>() { EXPECT_TRUE(find_gate(G::name)->parametric); });
  EXPECT_EQ(find_gate("leaf"), nullptr);
}

TEST(FormatNumber, SignificantDigits) {
  EXPECT_EQ(format_number(3.0, 3), "3.00");
  EXPECT_EQ(format_number(-0.0397, 3), "-0.0397");
  EXPECT_EQ(format_number(0.952574, 3), "0.953");
  EXPECT_EQ(format_number(100.0, 3), "100");
  EXPECT_EQ(format_number(12345.0, 3), "1.23e+04");
  EXPECT_EQ(format_number(-0.0, 3), "0.00");
  EXPECT_EQ(format_number(std::nan(""), 3), "nan");
  EXPECT_EQ(format_number(-INFINITY, 3), "-inf");
}

}  // namespace
}  // namespace gradflow::viz
