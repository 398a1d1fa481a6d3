// minifloat<Format, Rounding, Overflow>: a value of a small binary format. Every operation computes the
// exact result (or its binary64 round-to-odd stand-in) and rounds it once through core::round_to_format.
#pragma once

#include <bit>
#include <concepts>
#include <cstdint>
#include <iosfwd>
#include <limits>
#include <string>  // to_string; also declares std::hash, specialised below
#include <type_traits>

#include "../core/bit.hpp"
#include "../core/config.hpp"
#include "../core/libm.hpp"
#include "../core/odd_arithmetic.hpp"
#include "../core/random.hpp"
#include "../core/round_to_format.hpp"
#include "../core/rounding.hpp"
#include "../core/shortest_decimal.hpp"
#include "float_format.hpp"

namespace lowp {

namespace detail {
// An integer as a binary64 rounded to odd: exact below 2^53, and otherwise a value that rounds like the
// integer into any format of precision <= 51.
template <std::integral I>
LOWP_HOST_DEVICE constexpr double integer_to_double_odd(I value) {
  if constexpr (sizeof(I) < 8) {
    return static_cast<double>(value);
  } else {
    const bool negative = std::is_signed_v<I> && value < 0;
    std::uint64_t magnitude =
        negative ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
    const int width = core::bit_width(magnitude);
    if (width > 53) {
      const int dropped = width - 53;
      const std::uint64_t sticky = (magnitude & ((std::uint64_t(1) << dropped) - 1)) != 0 ? 1 : 0;
      magnitude = (magnitude >> dropped) | sticky;
      double result = static_cast<double>(magnitude);
      for (int i = 0; i < dropped; ++i) result *= 2.0;
      return negative ? -result : result;
    }
    return negative ? -static_cast<double>(magnitude) : static_cast<double>(magnitude);
  }
}
}  // namespace detail

template <class Format, class Rounding = rounding::nearest_even, class Overflow = overflow::ieee>
class minifloat {
  static_assert(rounding::is_policy_v<Rounding>,
                "minifloat: Rounding must be one of the lowp::rounding policies");
  static_assert(overflow::is_policy_v<Overflow>,
                "minifloat: Overflow must be lowp::overflow::ieee or saturate");

 public:
  using format = Format;
  using rounding_policy = Rounding;
  using overflow_policy = Overflow;
  using storage_type = typename Format::storage_type;

  // Zero (code 0; for e8m0, which has no zero, code 0 is its smallest value 2^-127).
  constexpr minifloat() noexcept = default;
  LOWP_HOST_DEVICE constexpr explicit minifloat(float value) noexcept : bits_(encode(value)) {}
  LOWP_HOST_DEVICE constexpr explicit minifloat(double value) noexcept : bits_(encode(value)) {}
  // Integers convert implicitly (T x = 0; x == 1), as generic numerical code such as Eigen's expects;
  // floating-point values convert explicitly, so a rounding is always visible in the source.
  template <std::integral I>
  LOWP_HOST_DEVICE constexpr minifloat(I value) noexcept
      : bits_(encode(detail::integer_to_double_odd(value))) {}
  // Rounds a value of another minifloat type (its value is exactly a float).
  template <class F, class R, class O>
  requires(!std::is_same_v<minifloat<F, R, O>, minifloat>) LOWP_HOST_DEVICE
      constexpr explicit minifloat(minifloat<F, R, O> value) noexcept
      : bits_(encode(static_cast<float>(value))) {}

  // Bits above the format's width are ignored.
  LOWP_HOST_DEVICE static constexpr minifloat from_bits(storage_type bits) noexcept {
    minifloat result;
    result.bits_ = static_cast<storage_type>(bits & code_mask);
    return result;
  }
  LOWP_HOST_DEVICE constexpr storage_type bits() const noexcept { return bits_; }

  LOWP_HOST_DEVICE constexpr explicit operator float() const noexcept {
    if constexpr (core::fits_lanes_of<Format, float>) {
      return core::bit_cast<float>(core::decode_format<Format, float>(std::uint32_t{bits_}));
    } else {
      return static_cast<float>(static_cast<double>(*this));
    }
  }
  LOWP_HOST_DEVICE constexpr explicit operator double() const noexcept {
    return core::bit_cast<double>(core::decode_format<Format, double>(std::uint64_t{bits_}));
  }

  // Rounds a binary64 value once. For arithmetic, `value` is the exact result or its round-to-odd form.
  LOWP_HOST_DEVICE static constexpr minifloat round_from(double value) noexcept {
    return from_bits(encode(value));
  }

  LOWP_HOST_DEVICE friend minifloat operator+(minifloat a, minifloat b) noexcept {
    return round_from(add(wide(a), wide(b)));
  }
  LOWP_HOST_DEVICE friend minifloat operator-(minifloat a, minifloat b) noexcept {
    return round_from(add(wide(a), -wide(b)));
  }
  LOWP_HOST_DEVICE friend minifloat operator*(minifloat a, minifloat b) noexcept {
    return round_from(wide(a) * wide(b));
  }
  LOWP_HOST_DEVICE friend minifloat operator/(minifloat a, minifloat b) noexcept {
    if constexpr (rounding::is_nearest_v<Rounding>) {
      return round_from(wide(a) / wide(b));
    } else {
      return round_from(core::divide_odd(wide(a), wide(b)));
    }
  }
  LOWP_HOST_DEVICE minifloat& operator+=(minifloat b) noexcept { return *this = *this + b; }
  LOWP_HOST_DEVICE minifloat& operator-=(minifloat b) noexcept { return *this = *this - b; }
  LOWP_HOST_DEVICE minifloat& operator*=(minifloat b) noexcept { return *this = *this * b; }
  LOWP_HOST_DEVICE minifloat& operator/=(minifloat b) noexcept { return *this = *this / b; }

  LOWP_HOST_DEVICE constexpr minifloat operator+() const noexcept { return *this; }
  LOWP_HOST_DEVICE constexpr minifloat operator-() const noexcept {
    if constexpr (!Format::is_signed) {
      return round_from(
          -wide(*this));  // no sign bit: -x is out of range (NaN, or the smallest when saturating)
    } else if constexpr (!Format::has_negative_zero) {
      return (bits_ & Format::magnitude_mask) == 0 ? *this : from_bits(bits_ ^ Format::sign_mask);  // fnuz
    } else {
      return from_bits(static_cast<storage_type>(bits_ ^ Format::sign_mask));
    }
  }

  // IEEE comparisons: exact through float (every value is a float), NaN unordered.
  LOWP_HOST_DEVICE friend constexpr bool operator==(minifloat a, minifloat b) noexcept {
    return narrow(a) == narrow(b);
  }
  LOWP_HOST_DEVICE friend constexpr bool operator!=(minifloat a, minifloat b) noexcept {
    return narrow(a) != narrow(b);
  }
  LOWP_HOST_DEVICE friend constexpr bool operator<(minifloat a, minifloat b) noexcept {
    return narrow(a) < narrow(b);
  }
  LOWP_HOST_DEVICE friend constexpr bool operator<=(minifloat a, minifloat b) noexcept {
    return narrow(a) <= narrow(b);
  }
  LOWP_HOST_DEVICE friend constexpr bool operator>(minifloat a, minifloat b) noexcept {
    return narrow(a) > narrow(b);
  }
  LOWP_HOST_DEVICE friend constexpr bool operator>=(minifloat a, minifloat b) noexcept {
    return narrow(a) >= narrow(b);
  }

  // Mixed with a built-in floating type: computed in the wider of the two (float or double), unrounded.
  template <std::floating_point F>
  LOWP_HOST_DEVICE friend constexpr auto operator+(minifloat a, F b) noexcept {
    return promote<F>(a) + b;
  }
  template <std::floating_point F>
  LOWP_HOST_DEVICE friend constexpr auto operator+(F a, minifloat b) noexcept {
    return a + promote<F>(b);
  }
  template <std::floating_point F>
  LOWP_HOST_DEVICE friend constexpr auto operator-(minifloat a, F b) noexcept {
    return promote<F>(a) - b;
  }
  template <std::floating_point F>
  LOWP_HOST_DEVICE friend constexpr auto operator-(F a, minifloat b) noexcept {
    return a - promote<F>(b);
  }
  template <std::floating_point F>
  LOWP_HOST_DEVICE friend constexpr auto operator*(minifloat a, F b) noexcept {
    return promote<F>(a) * b;
  }
  template <std::floating_point F>
  LOWP_HOST_DEVICE friend constexpr auto operator*(F a, minifloat b) noexcept {
    return a * promote<F>(b);
  }
  template <std::floating_point F>
  LOWP_HOST_DEVICE friend constexpr auto operator/(minifloat a, F b) noexcept {
    return promote<F>(a) / b;
  }
  template <std::floating_point F>
  LOWP_HOST_DEVICE friend constexpr auto operator/(F a, minifloat b) noexcept {
    return a / promote<F>(b);
  }
  template <std::floating_point F>
  LOWP_HOST_DEVICE friend constexpr bool operator==(minifloat a, F b) noexcept {
    return promote<F>(a) == b;
  }
  template <std::floating_point F>
  LOWP_HOST_DEVICE friend constexpr bool operator<(minifloat a, F b) noexcept {
    return promote<F>(a) < b;
  }
  template <std::floating_point F>
  LOWP_HOST_DEVICE friend constexpr bool operator<(F a, minifloat b) noexcept {
    return a < promote<F>(b);
  }
  template <std::floating_point F>
  LOWP_HOST_DEVICE friend constexpr bool operator>(minifloat a, F b) noexcept {
    return promote<F>(a) > b;
  }
  template <std::floating_point F>
  LOWP_HOST_DEVICE friend constexpr bool operator>(F a, minifloat b) noexcept {
    return a > promote<F>(b);
  }
  template <std::floating_point F>
  LOWP_HOST_DEVICE friend constexpr bool operator<=(minifloat a, F b) noexcept {
    return promote<F>(a) <= b;
  }
  template <std::floating_point F>
  LOWP_HOST_DEVICE friend constexpr bool operator<=(F a, minifloat b) noexcept {
    return a <= promote<F>(b);
  }
  template <std::floating_point F>
  LOWP_HOST_DEVICE friend constexpr bool operator>=(minifloat a, F b) noexcept {
    return promote<F>(a) >= b;
  }
  template <std::floating_point F>
  LOWP_HOST_DEVICE friend constexpr bool operator>=(F a, minifloat b) noexcept {
    return a >= promote<F>(b);
  }

  // Found by argument-dependent lookup.
  LOWP_HOST_DEVICE friend constexpr bool isnan(minifloat x) noexcept { return narrow(x) != narrow(x); }
  LOWP_HOST_DEVICE friend constexpr bool isinf(minifloat x) noexcept {
    const float v = narrow(x);
    constexpr float infinity = core::bit_cast<float>(0x7f800000u);  // numeric_limits is host-only under nvcc
    return v == infinity || v == -infinity;
  }
  LOWP_HOST_DEVICE friend constexpr bool isfinite(minifloat x) noexcept { return !isnan(x) && !isinf(x); }
  LOWP_HOST_DEVICE friend constexpr bool signbit(minifloat x) noexcept {
    return (x.bits_ & Format::sign_mask) != 0;
  }
  LOWP_HOST_DEVICE friend constexpr minifloat abs(minifloat x) noexcept {
    if constexpr (Format::enc == encoding::fnuz) {
      if (x.bits_ == Format::nan_code) return x;  // the NaN code is the sign bit alone
    }
    return from_bits(static_cast<storage_type>(x.bits_ & ~Format::sign_mask));
  }
  LOWP_HOST_DEVICE friend minifloat sqrt(minifloat x) noexcept {
    if constexpr (rounding::is_nearest_v<Rounding>) {
      return round_from(core::libm::sqrt(wide(x)));
    } else {
      return round_from(core::sqrt_odd(wide(x)));
    }
  }
  // a * b + c with one rounding.
  LOWP_HOST_DEVICE friend minifloat fma(minifloat a, minifloat b, minifloat c) noexcept {
    const double product = wide(a) * wide(b);  // exact: at most 24 + 24 significant bits
    return round_from(signed_zero_sum(product, wide(c), core::add_odd(product, wide(c))));
  }

 private:
  static constexpr std::uint32_t code_mask =
      Format::bits >= 32 ? 0xffffffffu : (std::uint32_t(1) << Format::bits) - 1;

  LOWP_HOST_DEVICE static constexpr double wide(minifloat x) noexcept { return static_cast<double>(x); }
  LOWP_HOST_DEVICE static constexpr float narrow(minifloat x) noexcept { return static_cast<float>(x); }
  template <class F>
  LOWP_HOST_DEVICE static constexpr auto promote(minifloat x) noexcept {
    if constexpr (sizeof(F) > sizeof(float)) {
      return static_cast<F>(static_cast<double>(x));
    } else {
      return static_cast<float>(x);
    }
  }

  // IEEE 754 6.3: an exact zero sum is +0 in every direction but downward, where it is -0, except that
  // (+0) + (+0) stays +0 and (-0) + (-0) stays -0. Binary64 round-to-nearest already gives the former.
  LOWP_HOST_DEVICE static constexpr double signed_zero_sum(double a, double b, double sum) noexcept {
    if constexpr (std::is_same_v<Rounding, rounding::downward>) {
      if (sum == 0.0 && !(a == 0.0 && b == 0.0 && !core::libm::signbit(a) && !core::libm::signbit(b)))
        return -0.0;
    }
    return sum;
  }
  LOWP_HOST_DEVICE static constexpr double add(double a, double b) noexcept {
    if constexpr (rounding::is_nearest_v<Rounding>) {
      return a + b;
    } else {
      return signed_zero_sum(a, b, core::add_odd(a, b));
    }
  }

  template <class Source>
  LOWP_HOST_DEVICE static constexpr storage_type encode(Source value) noexcept {
    using bits_type = typename core::ieee_binary<Source>::bits_type;
    if constexpr (std::is_same_v<Source, float> && !core::fits_lanes_of<Format, float>) {
      return encode(static_cast<double>(value));
    } else {
      bits_type random = 0;
      if constexpr (rounding::is_stochastic_v<Rounding>) {
        if constexpr (sizeof(bits_type) == 8) {
          random = core::next_thread_u64();
        } else {
          random = core::next_thread_u32();
        }
      }
      return static_cast<storage_type>(core::round_to_format<Format, Rounding, Overflow, Source>(
          core::bit_cast<bits_type>(value), random));
    }
  }

  storage_type bits_ = 0;
};

// The shortest decimal that rounds back to the same code under nearest_even ("0.1" for bfloat16(0.1f));
// integers below 10^9 print in full ("448"). "nan", "inf", "-0" as fmt prints them.
template <class F, class R, class O>
std::string to_string(minifloat<F, R, O> x) {
  // A candidate beyond max would "round back" only by overflowing (saturating formats): not allowed.
  return core::shortest_decimal(static_cast<double>(x), [x](double candidate) {
    return minifloat<F>(candidate).bits() == minifloat<F>::from_bits(x.bits()).bits() &&
           (candidate <= F::max() && candidate >= -F::max());
  });
}

// A template on the stream so this header needs only <iosfwd>.
template <class Char, class Traits, class F, class R, class O>
std::basic_ostream<Char, Traits>& operator<<(std::basic_ostream<Char, Traits>& out, minifloat<F, R, O> x) {
  return out << to_string(x).c_str();
}

}  // namespace lowp

template <class F, class R, class O>
struct std::hash<lowp::minifloat<F, R, O>> {
  std::size_t operator()(lowp::minifloat<F, R, O> x) const noexcept {
    // +0 and -0 compare equal, so they must hash alike.
    const auto bits = static_cast<float>(x) == 0.0f ? 0 : x.bits();
    return static_cast<std::size_t>(bits);  // the identity, as the standard library hashes integers
  }
};

template <class F, class R, class O>
class std::numeric_limits<lowp::minifloat<F, R, O>> {
  using T = lowp::minifloat<F, R, O>;
  using code = typename F::storage_type;

 public:
  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = F::is_signed;
  static constexpr bool is_integer = false;
  static constexpr bool is_exact = false;
  static constexpr bool has_infinity = F::has_inf;
  static constexpr bool has_quiet_NaN = F::has_nan;
  static constexpr bool has_signaling_NaN = false;
  static constexpr std::float_denorm_style has_denorm =
      F::has_subnormals ? std::denorm_present : std::denorm_absent;
  static constexpr bool has_denorm_loss = false;
  static constexpr std::float_round_style round_style =
      std::is_same_v<R, lowp::rounding::nearest_even>  ? std::round_to_nearest
      : std::is_same_v<R, lowp::rounding::toward_zero> ? std::round_toward_zero
      : std::is_same_v<R, lowp::rounding::upward>      ? std::round_toward_infinity
      : std::is_same_v<R, lowp::rounding::downward>    ? std::round_toward_neg_infinity
                                                       : std::round_indeterminate;
  static constexpr bool is_iec559 = F::enc == lowp::encoding::ieee && F::has_subnormals;
  static constexpr bool is_bounded = true;
  static constexpr bool is_modulo = false;
  static constexpr int digits = F::precision;
  static constexpr int digits10 = (F::precision - 1) * 30103 / 100000;    // floor((p-1) log10 2)
  static constexpr int max_digits10 = 2 + F::precision * 30103 / 100000;  // ceil(1 + p log10 2)
  static constexpr int radix = 2;
  static constexpr int min_exponent = F::emin + 1;
  static constexpr int min_exponent10 = -((-F::emin) * 30103 / 100000);  // ceil(log10 2^emin) for emin <= 0
  static constexpr int max_exponent = F::emax + 1;
  static constexpr int max_exponent10 = F::emax * 30103 / 100000;  // floor(log10 2^emax), a lower bound
  static constexpr bool traps = false;
  static constexpr bool tinyness_before = false;

  LOWP_HOST_DEVICE static constexpr T min() noexcept {
    return T::from_bits(F::has_subnormals ? code(code(1) << F::mantissa_bits) : 0);
  }
  LOWP_HOST_DEVICE static constexpr T max() noexcept { return T::from_bits(code(F::max_code)); }
  LOWP_HOST_DEVICE static constexpr T lowest() noexcept {
    return F::is_signed ? T::from_bits(code(F::max_code | F::sign_mask)) : min();
  }
  LOWP_HOST_DEVICE static constexpr T epsilon() noexcept {
    return T::from_bits(lowp::minifloat<F>(lowp::detail::power_of_two(-F::mantissa_bits)).bits());
  }
  LOWP_HOST_DEVICE static constexpr T round_error() noexcept {
    return T::from_bits(lowp::minifloat<F>(round_style == std::round_to_nearest ? 0.5 : 1.0).bits());
  }
  LOWP_HOST_DEVICE static constexpr T infinity() noexcept {
    return T::from_bits(F::has_inf ? code(F::infinity_code) : code(0));
  }
  LOWP_HOST_DEVICE static constexpr T quiet_NaN() noexcept {
    return T::from_bits(F::has_nan ? code(F::nan_code) : code(0));
  }
  LOWP_HOST_DEVICE static constexpr T signaling_NaN() noexcept { return quiet_NaN(); }
  LOWP_HOST_DEVICE static constexpr T denorm_min() noexcept {
    return T::from_bits(F::has_subnormals ? code(1) : code(0));
  }
};
