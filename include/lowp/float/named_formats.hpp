// The formats people know by name (ml_dtypes' names and bit semantics; OCP FP8 and MX v1.0; IEEE 754).
#pragma once

#include "float_format.hpp"
#include "minifloat_scalar.hpp"

namespace lowp {

using float8_e4m3fn = minifloat<float_format<4, 3, encoding::fn>>;             // OCP FP8 E4M3: max 448
using float8_e5m2 = minifloat<float_format<5, 2>>;                             // OCP FP8 E5M2: max 57344, Inf
using float8_e4m3fnuz = minifloat<float_format<4, 3, encoding::fnuz, 8>>;      // max 240, NaN = 0x80
using float8_e5m2fnuz = minifloat<float_format<5, 2, encoding::fnuz, 16>>;     // max 57344, NaN = 0x80
using float8_e4m3b11fnuz = minifloat<float_format<4, 3, encoding::fnuz, 11>>;  // max 30, NaN = 0x80
using float8_e4m3 = minifloat<float_format<4, 3>>;                             // IEEE-like: max 240, Inf
using float8_e3m4 = minifloat<float_format<3, 4>>;                             // IEEE-like: max 15.5, Inf
using float6_e2m3fn = minifloat<float_format<2, 3, encoding::finite>>;         // OCP MX FP6: max 7.5
using float6_e3m2fn = minifloat<float_format<3, 2, encoding::finite>>;         // OCP MX FP6: max 28
using float4_e2m1fn = minifloat<float_format<2, 1, encoding::finite>>;         // OCP MX FP4: max 6
using float8_e8m0fnu = minifloat<float_format<8, 0, encoding::unsigned_exponent>>;  // MX scale: 2^-127..2^127
using float16 = minifloat<float_format<5, 10>>;                                     // IEEE binary16
using bfloat16 = minifloat<float_format<8, 7>>;                                     // bfloat16
using tfloat32 = minifloat<float_format<8, 10>>;                                    // NVIDIA TF32 (19 bits)

namespace detail {
template <class T, class R>
struct rebind_rounding;
template <class F, class R0, class O, class R>
struct rebind_rounding<minifloat<F, R0, O>, R> {
  using type = minifloat<F, R, O>;
};
template <class T, class O>
struct rebind_overflow;
template <class F, class R, class O0, class O>
struct rebind_overflow<minifloat<F, R, O0>, O> {
  using type = minifloat<F, R, O>;
};
}  // namespace detail

// T with another policy: with_rounding<bfloat16, rounding::stochastic<>>.
template <class T, class Rounding>
using with_rounding = typename detail::rebind_rounding<T, Rounding>::type;
template <class T, class Overflow>
using with_overflow = typename detail::rebind_overflow<T, Overflow>::type;

}  // namespace lowp
