// posit<N, ES>: a value of the Posit Standard (2022) format of N bits with ES exponent bits. Every operation
// computes the exact result, or an integer significand wide enough that its rounding is the exact one, and
// encodes it once (posit_detail::encode: round to nearest even on the unbounded encoding, saturating to
// ±minpos/±maxpos; NaR only from NaR operands, x/0, sqrt of a negative value, or NaN/Inf inputs).
#pragma once

#include <array>
#include <bit>
#include <compare>
#include <concepts>
#include <cstdint>
#include <iosfwd>
#include <limits>
#include <string>  // to_string; also declares std::hash, specialised below
#include <type_traits>

#include "../core/bit.hpp"
#include "../core/config.hpp"
#include "../core/libm.hpp"
#include "../core/shortest_decimal.hpp"
#include "operations.hpp"
#include "posit_format.hpp"
#include "posit_lanes.hpp"

namespace lowp {

// Declared here so that a posit converts to and from any minifloat without this header including float/:
// the conversions are templates, instantiated only where the user has included <lowp/float/minifloat.hpp>.
template <class Format, class Rounding, class Overflow>
class minifloat;

template <int N, int ES>
class posit {
 public:
  using format = posit_format<N, ES>;
  using storage_type = typename format::storage_type;

  // Zero (code 0).
  constexpr posit() noexcept = default;
  // NaN and ±Inf give NaR; -0.0 gives 0.
  LOWP_HOST_DEVICE constexpr explicit posit(double value) noexcept : bits_(from_double(value)) {}
  LOWP_HOST_DEVICE constexpr explicit posit(float value) noexcept
      : bits_(from_double(static_cast<double>(value))) {}
  // Integers convert implicitly (posit16 x = 0; x == 1), as generic numerical code such as Eigen's expects;
  // floating-point values convert explicitly, so a rounding is always visible in the source.
  template <std::integral I>
  LOWP_HOST_DEVICE constexpr posit(I value) noexcept : bits_(from_integer(value)) {}
  // Another posit configuration: its value is exact in double (N <= 32), so this rounds once.
  template <int N2, int ES2>
  requires(N2 != N || ES2 != ES) LOWP_HOST_DEVICE constexpr explicit posit(posit<N2, ES2> value) noexcept
      : bits_(from_double(static_cast<double>(value))) {}
  // A minifloat: its value is exact in double; NaN and Inf give NaR.
  template <class F, class R, class O>
  LOWP_HOST_DEVICE constexpr explicit posit(minifloat<F, R, O> value) noexcept
      : bits_(from_double(static_cast<double>(value))) {}

  // Bits above N are ignored.
  LOWP_HOST_DEVICE static constexpr posit from_bits(std::uint32_t bits) noexcept {
    posit result;
    result.bits_ = static_cast<storage_type>(bits & format::code_mask);
    return result;
  }
  LOWP_HOST_DEVICE constexpr storage_type bits() const noexcept { return bits_; }

  LOWP_HOST_DEVICE static constexpr posit nar() noexcept { return from_bits(format::nar_code); }
  LOWP_HOST_DEVICE static constexpr posit maxpos() noexcept { return from_bits(format::maxpos_code); }
  LOWP_HOST_DEVICE static constexpr posit minpos() noexcept { return from_bits(format::minpos_code); }
  // Rounds a binary64 value once (the same as the explicit constructor).
  LOWP_HOST_DEVICE static constexpr posit round_from(double value) noexcept {
    return from_bits(from_double(value));
  }

  // Exact: every posit of at most 32 bits is a binary64 value. NaR gives a quiet NaN.
  LOWP_HOST_DEVICE constexpr explicit operator double() const noexcept {
    const auto d = posit_detail::decode_lanes<N, ES>(std::uint64_t{bits_});
    // |scale| <= 30 * 16 = 480 and the significand has at most 30 bits: a normal double, built directly.
    const std::uint64_t fraction = (d.sig << 21) & ((std::uint64_t(1) << 52) - 1);
    const std::uint64_t value =
        (d.negative << 63) | ((d.scale - posit_detail::scale_bias<ES> + 1023) << 52) | fraction;
    // 0 and NaR picked without a branch, as the arithmetic does.
    constexpr std::uint64_t quiet_nan = 0x7ff8000000000000u;
    const std::uint64_t special = core::blend(bits_ == 0, std::uint64_t{0}, quiet_nan);
    return core::bit_cast<double>(core::blend(is_special(), special, value));
  }
  // Rounded once from the exact double (round to nearest even, as float(double) does).
  LOWP_HOST_DEVICE constexpr explicit operator float() const noexcept {
    return static_cast<float>(static_cast<double>(*this));
  }
  // Truncates toward zero, as C++'s floating-to-integer conversion does, and saturates at the integer's
  // range; NaR gives the integer's lowest value (the Standard maps NaR to the integer "NaN" 100...0).
  template <std::integral I>
  LOWP_HOST_DEVICE explicit operator I() const noexcept {
    if constexpr (std::is_same_v<I, bool>) {
      return bits_ != 0;
    } else {
      // I's range spelled out: std::numeric_limits is host-only under nvcc.
      constexpr I lowest = std::is_signed_v<I> ? static_cast<I>(I(1) << (sizeof(I) * 8 - 1)) : I(0);
      constexpr I highest = static_cast<I>(~lowest);
      if (bits_ == format::nar_code) return lowest;
      const double value = core::libm::trunc(static_cast<double>(*this));
      if (value <= static_cast<double>(lowest)) return lowest;
      if (value >= static_cast<double>(highest)) return highest;
      return static_cast<I>(value);
    }
  }
  // To any minifloat, rounded once with its policy from the exact double; NaR gives the minifloat's NaN
  // (or whatever that format makes of a NaN).
  template <class F, class R, class O>
  LOWP_HOST_DEVICE constexpr explicit operator minifloat<F, R, O>() const noexcept {
    return minifloat<F, R, O>(static_cast<double>(*this));
  }

  // The four operations run without a branch on the data; operations.hpp says which implementation runs
  // where (integer lane kernels, binary64 with an exact error term, tables for 8 bits): all give the same
  // codes.
  LOWP_HOST_DEVICE friend constexpr posit operator+(posit a, posit b) noexcept {
    return from_bits(posit_detail::scalar_operation<N, ES, posit_detail::operation::add>(a.bits_, b.bits_));
  }
  LOWP_HOST_DEVICE friend constexpr posit operator-(posit a, posit b) noexcept { return a + (-b); }
  LOWP_HOST_DEVICE friend constexpr posit operator*(posit a, posit b) noexcept {
    return from_bits(
        posit_detail::scalar_operation<N, ES, posit_detail::operation::multiply>(a.bits_, b.bits_));
  }
  LOWP_HOST_DEVICE friend constexpr posit operator/(posit a, posit b) noexcept {
    return from_bits(
        posit_detail::scalar_operation<N, ES, posit_detail::operation::divide>(a.bits_, b.bits_));
  }
  LOWP_HOST_DEVICE constexpr posit& operator+=(posit b) noexcept { return *this = *this + b; }
  LOWP_HOST_DEVICE constexpr posit& operator-=(posit b) noexcept { return *this = *this - b; }
  LOWP_HOST_DEVICE constexpr posit& operator*=(posit b) noexcept { return *this = *this * b; }
  LOWP_HOST_DEVICE constexpr posit& operator/=(posit b) noexcept { return *this = *this / b; }

  LOWP_HOST_DEVICE constexpr posit operator+() const noexcept { return *this; }
  // Two's-complement negation of the code: exact, and NaR and 0 are their own negatives.
  LOWP_HOST_DEVICE constexpr posit operator-() const noexcept { return from_bits(0u - std::uint32_t{bits_}); }

  // The Standard's total order: codes compared as two's-complement integers, so NaR is below every value
  // and equal to itself.
  LOWP_HOST_DEVICE friend constexpr bool operator==(posit a, posit b) noexcept { return a.bits_ == b.bits_; }
  friend constexpr auto operator<=>(posit a, posit b) noexcept { return order(a) <=> order(b); }
  // Spelled out as well: <=>'s std::strong_ordering is host-only under nvcc, and these are what <, <=, >
  // and >= pick first (the same answers).
  LOWP_HOST_DEVICE friend constexpr bool operator<(posit a, posit b) noexcept { return order(a) < order(b); }
  LOWP_HOST_DEVICE friend constexpr bool operator<=(posit a, posit b) noexcept {
    return order(a) <= order(b);
  }
  LOWP_HOST_DEVICE friend constexpr bool operator>(posit a, posit b) noexcept { return order(a) > order(b); }
  LOWP_HOST_DEVICE friend constexpr bool operator>=(posit a, posit b) noexcept {
    return order(a) >= order(b);
  }

  // Mixed with a built-in floating type: computed in that type, unrounded (the posit's value is exact in
  // double; in float it is rounded once).
  template <std::floating_point F>
  LOWP_HOST_DEVICE friend constexpr F operator+(posit a, F b) noexcept {
    return static_cast<F>(a) + b;
  }
  template <std::floating_point F>
  LOWP_HOST_DEVICE friend constexpr F operator+(F a, posit b) noexcept {
    return a + static_cast<F>(b);
  }
  template <std::floating_point F>
  LOWP_HOST_DEVICE friend constexpr F operator-(posit a, F b) noexcept {
    return static_cast<F>(a) - b;
  }
  template <std::floating_point F>
  LOWP_HOST_DEVICE friend constexpr F operator-(F a, posit b) noexcept {
    return a - static_cast<F>(b);
  }
  template <std::floating_point F>
  LOWP_HOST_DEVICE friend constexpr F operator*(posit a, F b) noexcept {
    return static_cast<F>(a) * b;
  }
  template <std::floating_point F>
  LOWP_HOST_DEVICE friend constexpr F operator*(F a, posit b) noexcept {
    return a * static_cast<F>(b);
  }
  template <std::floating_point F>
  LOWP_HOST_DEVICE friend constexpr F operator/(posit a, F b) noexcept {
    return static_cast<F>(a) / b;
  }
  template <std::floating_point F>
  LOWP_HOST_DEVICE friend constexpr F operator/(F a, posit b) noexcept {
    return a / static_cast<F>(b);
  }

  // Found by argument-dependent lookup. NaR plays the role of NaN (and of the projective infinity).
  LOWP_HOST_DEVICE friend constexpr bool isnan(posit x) noexcept { return x.bits_ == format::nar_code; }
  LOWP_HOST_DEVICE friend constexpr bool isnar(posit x) noexcept { return x.bits_ == format::nar_code; }
  LOWP_HOST_DEVICE friend constexpr bool isinf(posit) noexcept { return false; }
  LOWP_HOST_DEVICE friend constexpr bool isfinite(posit x) noexcept { return x.bits_ != format::nar_code; }
  LOWP_HOST_DEVICE friend constexpr bool signbit(posit x) noexcept {
    return (x.bits_ & format::nar_code) != 0;
  }
  LOWP_HOST_DEVICE friend constexpr posit abs(posit x) noexcept { return signbit(x) ? -x : x; }
  LOWP_HOST_DEVICE friend constexpr posit fabs(posit x) noexcept { return abs(x); }
  LOWP_HOST_DEVICE friend posit sqrt(posit x) noexcept {
    if constexpr (N <= 8 && !LOWP_DEVICE_PASS) {
      return from_bits(sqrt_table()[x.bits_]);  // one load: faster than any computation (host only)
    } else {
      return computed_sqrt(x);
    }
  }
  // a * b + c with one rounding.
  LOWP_HOST_DEVICE friend constexpr posit fma(posit a, posit b, posit c) noexcept {
    return from_bits(static_cast<std::uint32_t>(posit_detail::fma_codes<N, ES>(
        std::uint64_t{a.bits_}, std::uint64_t{b.bits_}, std::uint64_t{c.bits_})));
  }

 private:
  // 0 or NaR: the codes whose low N-1 bits are all zero.
  LOWP_HOST_DEVICE constexpr bool is_special() const noexcept { return (bits_ & format::maxpos_code) == 0; }
  LOWP_HOST_DEVICE static constexpr std::int32_t order(posit x) noexcept {
    return posit_detail::signed_code<N>(x.bits_);
  }

  LOWP_HOST_DEVICE static posit computed_sqrt(posit x) noexcept {
    if (x.bits_ == 0) return x;
    if (signbit(x)) return nar();  // NaR and negative values
    const auto d = posit_detail::decode<N, ES>(x.bits_);
    // x = sig * 2^(scale - 31); make the power of two even by widening sig to 62 or 63 bits.
    const int widen = 31 + (d.scale & 1);  // radicand's unit 2^(scale - 31 - widen): an even power
    const std::uint64_t radicand = std::uint64_t{d.sig} << widen;
    const std::uint64_t root = isqrt(radicand);  // in [2^31, 2^32)
    const bool inexact = root * root != radicand;
    const int half = (d.scale - 31 - widen) / 2;
    return from_bits(posit_detail::encode<N, ES>(false, half + 31, root << 32, inexact));
  }

  // Every code's square root, for N <= 8, computed once.
  static const std::array<storage_type, 256>& sqrt_table() noexcept {
    static const std::array<storage_type, 256> table = [] {
      std::array<storage_type, 256> roots{};
      for (std::uint32_t code = 0; code < (std::uint32_t(1) << N); ++code) {
        roots[code] = computed_sqrt(from_bits(code)).bits_;
      }
      return roots;
    }();
    return table;
  }

  // floor(sqrt(v)) for v < 2^64: binary64's square root is within one of it; fix up exactly.
  LOWP_HOST_DEVICE static std::uint64_t isqrt(std::uint64_t v) noexcept {
    std::uint64_t r = static_cast<std::uint64_t>(core::libm::sqrt(static_cast<double>(v)));
    if (r > 0xffffffffu) r = 0xffffffffu;
    while (r * r > v) --r;
    while (r < 0xffffffffu && (r + 1) * (r + 1) <= v) ++r;
    return r;
  }

  LOWP_HOST_DEVICE static constexpr std::uint32_t from_double(double value) noexcept {
    const auto raw = core::bit_cast<std::uint64_t>(value);
    const int biased = static_cast<int>((raw >> 52) & 0x7ff);
    std::uint64_t mantissa = raw & ((std::uint64_t(1) << 52) - 1);
    if (biased == 0x7ff) return format::nar_code;  // NaN and ±Inf
    int scale = biased - 1023;
    std::uint64_t sig;
    if (biased == 0) {
      if (mantissa == 0) return 0;                   // ±0
      const int lead = core::countl_zero(mantissa);  // subnormal: normalise
      sig = mantissa << lead;
      scale = -1011 - lead;  // mantissa's top bit 63 - lead carries weight 2^(-1074 + 63 - lead)
    } else {
      sig = (mantissa << 11) | (std::uint64_t(1) << 63);
    }
    return posit_detail::encode<N, ES>((raw >> 63) != 0, scale, sig);
  }

  template <std::integral I>
  LOWP_HOST_DEVICE static constexpr std::uint32_t from_integer(I value) noexcept {
    if (value == 0) return 0;
    const bool negative = std::is_signed_v<I> && value < 0;
    const std::uint64_t magnitude =
        negative ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
    const int lead = core::countl_zero(magnitude);
    return posit_detail::encode<N, ES>(negative, 63 - lead, magnitude << lead);
  }

  storage_type bits_ = 0;
};

template <class T>
struct is_posit : std::false_type {};
template <int N, int ES>
struct is_posit<posit<N, ES>> : std::true_type {};
template <class T>
inline constexpr bool is_posit_v = is_posit<T>::value;

// The shortest decimal that rounds back to the same code ("0.1" for posit16(0.1)); integers below 10^9 print
// in full; NaR prints as "NaR".
template <int N, int ES>
std::string to_string(posit<N, ES> x) {
  if (isnar(x)) return "NaR";
  return core::shortest_decimal(static_cast<double>(x), [x](double candidate) {
    return posit<N, ES>(candidate) == x &&
           core::libm::fabs(candidate) <= static_cast<double>(posit<N, ES>::maxpos());
  });
}

// A template on the stream so this header needs only <iosfwd>.
template <class Char, class Traits, int N, int ES>
std::basic_ostream<Char, Traits>& operator<<(std::basic_ostream<Char, Traits>& out, posit<N, ES> x) {
  return out << to_string(x).c_str();
}

}  // namespace lowp

template <int N, int ES>
struct std::hash<lowp::posit<N, ES>> {
  // One zero and one NaR: equal values have equal codes.
  std::size_t operator()(lowp::posit<N, ES> x) const noexcept {
    return static_cast<std::size_t>(x.bits());  // the identity, as the standard library hashes integers
  }
};

template <int N, int ES>
class std::numeric_limits<lowp::posit<N, ES>> {
  using T = lowp::posit<N, ES>;
  using F = lowp::posit_format<N, ES>;

 public:
  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = true;
  static constexpr bool is_integer = false;
  static constexpr bool is_exact = false;
  static constexpr bool has_infinity = false;
  static constexpr bool has_quiet_NaN = true;  // NaR
  static constexpr bool has_signaling_NaN = false;
  static constexpr std::float_denorm_style has_denorm = std::denorm_absent;
  static constexpr bool has_denorm_loss = false;
  static constexpr std::float_round_style round_style = std::round_to_nearest;
  static constexpr bool is_iec559 = false;
  static constexpr bool is_bounded = true;
  static constexpr bool is_modulo = false;
  // Precision next to 1, where it is largest: the hidden bit and the fraction bits.
  static constexpr int digits = F::max_fraction_bits + 1;
  static constexpr int digits10 = (digits - 1) * 30103 / 100000;
  static constexpr int max_digits10 = 2 + digits * 30103 / 100000;
  static constexpr int radix = 2;
  static constexpr int min_exponent = F::min_scale + 1;
  static constexpr int min_exponent10 = -((-F::min_scale) * 30103 / 100000);
  static constexpr int max_exponent = F::max_scale + 1;
  static constexpr int max_exponent10 = F::max_scale * 30103 / 100000;
  static constexpr bool traps = false;
  static constexpr bool tinyness_before = false;

  LOWP_HOST_DEVICE static constexpr T min() noexcept { return T::minpos(); }
  LOWP_HOST_DEVICE static constexpr T max() noexcept { return T::maxpos(); }
  LOWP_HOST_DEVICE static constexpr T lowest() noexcept { return -T::maxpos(); }
  // The gap between 1 and the next posit (rounded into the format where it is not a posit itself).
  LOWP_HOST_DEVICE static constexpr T epsilon() noexcept {
    return T(static_cast<double>(T::from_bits(T(1).bits() + 1u)) - 1.0);
  }
  LOWP_HOST_DEVICE static constexpr T round_error() noexcept { return T(0.5); }
  // No infinity: NaR is the posit's single exceptional value (the projective point at infinity).
  LOWP_HOST_DEVICE static constexpr T infinity() noexcept { return T::nar(); }
  LOWP_HOST_DEVICE static constexpr T quiet_NaN() noexcept { return T::nar(); }
  LOWP_HOST_DEVICE static constexpr T signaling_NaN() noexcept { return T::nar(); }
  LOWP_HOST_DEVICE static constexpr T denorm_min() noexcept { return T::minpos(); }
};
