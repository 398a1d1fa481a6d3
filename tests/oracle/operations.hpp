// The arithmetic operations the oracle tests sweep, and their printed names.
#pragma once

namespace test_ops {

enum class op { add, sub, mul, div, sqrt, fma };
inline const char* op_name(op o) {
  switch (o) {
    case op::add:
      return "+";
    case op::sub:
      return "-";
    case op::mul:
      return "*";
    case op::div:
      return "/";
    case op::sqrt:
      return "sqrt";
    case op::fma:
      return "fma";
  }
  return "?";
}

}  // namespace test_ops
