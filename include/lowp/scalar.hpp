// lowp::scalar: the concept every lowp number type satisfies (minifloat, posit, intn, lmul_float), so that
// an adapter (Eigen's NumTraits and product glue, eigen/) is written once for all of them rather than once
// per family. Forward declarations only: this header includes no family, so any header may use it and a
// type satisfies the concept as soon as its own header is included.
#pragma once

namespace lowp {

template <class Format, class Rounding, class Overflow>
class minifloat;
template <int N, int ES>
class posit;
template <int Bits, bool Signed, class Rounding>
class intn;
template <int M>
class lmul_float;

// Opt-in by specialisation: a type that is not lowp's own never becomes a lowp scalar by accident.
template <class T>
inline constexpr bool is_scalar_v = false;
template <class F, class R, class O>
inline constexpr bool is_scalar_v<minifloat<F, R, O>> = true;
template <int N, int ES>
inline constexpr bool is_scalar_v<posit<N, ES>> = true;
template <int B, bool S, class R>
inline constexpr bool is_scalar_v<intn<B, S, R>> = true;
template <int M>
inline constexpr bool is_scalar_v<lmul_float<M>> = true;

template <class T>
concept scalar = is_scalar_v<T>;

}  // namespace lowp
