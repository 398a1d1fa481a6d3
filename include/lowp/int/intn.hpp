// Narrow integers: intn<Bits, Signed, Rounding>, a Bits-wide two's-complement (or unsigned) integer.
// Conversion from float/double rounds with the policy and saturates (NaN gives 0); + - * saturate;
// / rounds the exact quotient with the policy (toward_zero is C++'s `/`) and throws on division by zero.
#pragma once

#include <concepts>
#include <cstdint>
#include <iosfwd>
#include <limits>
#include <string>  // to_string; also declares std::hash, specialised below
#include <type_traits>

#include "../core/config.hpp"
#include "../core/domain_error.hpp"
#include "../core/libm.hpp"
#include "../core/random.hpp"
#include "../core/round_to_integer.hpp"
#include "../core/rounding.hpp"

namespace lowp {

namespace detail {
template <int Bits, bool Signed>
using intn_storage_t =
    std::conditional_t<Signed,
                       std::conditional_t<(Bits <= 8), std::int8_t,
                                          std::conditional_t<(Bits <= 16), std::int16_t, std::int32_t>>,
                       std::conditional_t<(Bits <= 8), std::uint8_t,
                                          std::conditional_t<(Bits <= 16), std::uint16_t, std::uint32_t>>>;
}  // namespace detail

template <int Bits, bool Signed = true, class Rounding = rounding::nearest_even>
class intn {
  static_assert(Bits >= 1 && Bits <= 32, "intn<Bits>: Bits must be in 1..32");
  static_assert(!Signed || Bits >= 2,
                "intn<Bits, true>: a signed integer needs at least 2 bits (sign and value)");
  static_assert(rounding::is_policy_v<Rounding>, "intn: Rounding must be one of the lowp::rounding policies");

 public:
  using storage_type = detail::intn_storage_t<Bits, Signed>;
  using rounding_policy = Rounding;
  static constexpr int bits_width = Bits;
  static constexpr bool is_signed = Signed;
  static constexpr std::int64_t min_value = Signed ? -(std::int64_t{1} << (Bits - 1)) : 0;
  static constexpr std::int64_t max_value =
      Signed ? (std::int64_t{1} << (Bits - 1)) - 1 : (std::int64_t{1} << Bits) - 1;

  constexpr intn() noexcept = default;
  // Integers convert implicitly and saturate (generic code such as Eigen writes `T x = 0`).
  template <std::integral I>
  LOWP_HOST_DEVICE constexpr intn(I value) noexcept
      : value_(static_cast<storage_type>(saturate_integer(value))) {}
  // Floating-point values convert explicitly: a rounding is always visible in the source.
  LOWP_HOST_DEVICE explicit intn(double value) noexcept
      : value_(static_cast<storage_type>(round_value(value))) {}
  LOWP_HOST_DEVICE explicit intn(float value) noexcept : intn(static_cast<double>(value)) {}

  // The low Bits bits of `code` are the encoding (two's complement when signed); higher bits are ignored.
  LOWP_HOST_DEVICE static constexpr intn from_bits(std::uint32_t code) noexcept {
    const std::uint32_t low = code & code_mask;
    std::int64_t v = low;
    if constexpr (Signed) {
      if ((low >> (Bits - 1)) != 0) v -= std::int64_t{1} << Bits;
    }
    intn result;
    result.value_ = static_cast<storage_type>(v);
    return result;
  }
  LOWP_HOST_DEVICE constexpr std::uint32_t bits() const noexcept {
    return static_cast<std::uint32_t>(value_) & code_mask;
  }
  LOWP_HOST_DEVICE constexpr std::int64_t value() const noexcept { return value_; }

  template <class A>
  requires std::is_arithmetic_v<A> LOWP_HOST_DEVICE constexpr explicit operator A() const noexcept {
    return static_cast<A>(value_);
  }

  LOWP_HOST_DEVICE friend constexpr intn operator+(intn a, intn b) noexcept {
    return from_exact(a.value() + b.value());
  }
  LOWP_HOST_DEVICE friend constexpr intn operator-(intn a, intn b) noexcept {
    return from_exact(a.value() - b.value());
  }
  LOWP_HOST_DEVICE friend constexpr intn operator*(intn a, intn b) noexcept {
    return from_exact(a.value() * b.value());
  }
  LOWP_HOST_DEVICE friend constexpr intn operator/(intn a, intn b) {
    if (b.value() == 0) core::domain_error("lowp::intn: division by zero");
    return from_exact(divide_rounded(a.value(), b.value()));
  }
  LOWP_HOST_DEVICE constexpr intn operator+() const noexcept { return *this; }
  LOWP_HOST_DEVICE constexpr intn operator-() const noexcept { return from_exact(-value()); }
  LOWP_HOST_DEVICE constexpr intn& operator+=(intn b) noexcept { return *this = *this + b; }
  LOWP_HOST_DEVICE constexpr intn& operator-=(intn b) noexcept { return *this = *this - b; }
  LOWP_HOST_DEVICE constexpr intn& operator*=(intn b) noexcept { return *this = *this * b; }
  LOWP_HOST_DEVICE constexpr intn& operator/=(intn b) { return *this = *this / b; }

  LOWP_HOST_DEVICE friend constexpr bool operator==(intn a, intn b) noexcept { return a.value_ == b.value_; }
  friend constexpr auto operator<=>(intn a, intn b) noexcept { return a.value() <=> b.value(); }
  // Spelled out as well: <=>'s std::strong_ordering is host-only under nvcc, and these are what <, <=, >
  // and >= pick first (the same answers).
  LOWP_HOST_DEVICE friend constexpr bool operator<(intn a, intn b) noexcept { return a.value_ < b.value_; }
  LOWP_HOST_DEVICE friend constexpr bool operator<=(intn a, intn b) noexcept { return a.value_ <= b.value_; }
  LOWP_HOST_DEVICE friend constexpr bool operator>(intn a, intn b) noexcept { return a.value_ > b.value_; }
  LOWP_HOST_DEVICE friend constexpr bool operator>=(intn a, intn b) noexcept { return a.value_ >= b.value_; }

  // Rounds an exact value (double) to an integer with the policy; saturates; NaN gives 0.
  LOWP_HOST_DEVICE static std::int64_t round_value(double x) noexcept {
    if (core::libm::isnan(x)) return 0;
    if (x >= static_cast<double>(max_value)) return max_value;
    if (x <= static_cast<double>(min_value)) return min_value;
    return clamp(static_cast<std::int64_t>(core::round_to_integer<Rounding>(x, random_word())));
  }

 private:
  static constexpr std::uint32_t code_mask = Bits == 32 ? ~std::uint32_t{0} : (std::uint32_t{1} << Bits) - 1;

  LOWP_HOST_DEVICE static constexpr std::int64_t clamp(std::int64_t v) noexcept {
    return v < min_value ? min_value : (v > max_value ? max_value : v);
  }
  template <class I>
  LOWP_HOST_DEVICE static constexpr std::int64_t saturate_integer(I v) noexcept {
    if constexpr (std::is_signed_v<I>) {
      return clamp(static_cast<std::int64_t>(v));
    } else {
      return static_cast<std::uint64_t>(v) > static_cast<std::uint64_t>(max_value)
                 ? max_value
                 : static_cast<std::int64_t>(v);
    }
  }
  LOWP_HOST_DEVICE static constexpr intn from_exact(std::int64_t v) noexcept {
    intn result;
    result.value_ = static_cast<storage_type>(clamp(v));
    return result;
  }

  LOWP_HOST_DEVICE static std::uint64_t random_word() noexcept {
    if constexpr (rounding::is_stochastic_v<Rounding>) {
      return core::next_thread_u64();
    } else {
      return 0;
    }
  }

  // The exact quotient a / b (b != 0) rounded with the policy. The deterministic policies only need the
  // floor of |a / b| and whether the rest is below, at or above 1/2, which a stand-in value with the same
  // floor and the same comparison (.25, .5, .75) carries exactly; stochastic ones get the quotient in
  // binary64, its probability rounded to 52 bits.
  LOWP_HOST_DEVICE static std::int64_t divide_rounded(std::int64_t a, std::int64_t b) noexcept {
    const bool negative = (a < 0) != (b < 0);
    const auto num = static_cast<std::uint64_t>(a < 0 ? -a : a),
               den = static_cast<std::uint64_t>(b < 0 ? -b : b);
    const std::uint64_t low = num / den, remainder = num % den;
    if (remainder == 0) return negative ? -static_cast<std::int64_t>(low) : static_cast<std::int64_t>(low);
    double rest = 2 * remainder < den ? 0.25 : (2 * remainder == den ? 0.5 : 0.75);
    if constexpr (rounding::is_stochastic_v<Rounding>) {
      rest = static_cast<double>(remainder) / static_cast<double>(den);
    }
    const double magnitude = static_cast<double>(low) + rest;
    return static_cast<std::int64_t>(
        core::round_to_integer<Rounding>(negative ? -magnitude : magnitude, random_word()));
  }

  storage_type value_ = 0;
};

template <int B, bool S, class R>
inline std::string to_string(intn<B, S, R> x) {
  return std::to_string(x.value());
}
// A template on the stream so this header needs only <iosfwd>.
template <class Char, class Traits, int B, bool S, class R>
std::basic_ostream<Char, Traits>& operator<<(std::basic_ostream<Char, Traits>& out, intn<B, S, R> x) {
  return out << x.value();
}
template <int B, bool S, class R>
LOWP_HOST_DEVICE constexpr intn<B, S, R> abs(intn<B, S, R> x) noexcept {
  return x.value() < 0 ? -x : x;
}

using int2 = intn<2>;
using int4 = intn<4>;
using uint4 = intn<4, false>;
using int8 = intn<8>;
using uint8 = intn<8, false>;

}  // namespace lowp

template <int B, bool S, class R>
struct std::hash<lowp::intn<B, S, R>> {
  std::size_t operator()(lowp::intn<B, S, R> x) const noexcept {
    return static_cast<std::size_t>(x.bits());  // the identity, as the standard library hashes integers
  }
};

template <int B, bool S, class R>
class std::numeric_limits<lowp::intn<B, S, R>> {
  using T = lowp::intn<B, S, R>;

 public:
  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = S;
  static constexpr bool is_integer = true;
  static constexpr bool is_exact = true;
  static constexpr bool is_bounded = true;
  static constexpr bool is_modulo = false;  // arithmetic saturates
  static constexpr int digits = S ? B - 1 : B;
  static constexpr int radix = 2;
  LOWP_HOST_DEVICE static constexpr T min() noexcept { return T(T::min_value); }
  LOWP_HOST_DEVICE static constexpr T lowest() noexcept { return T(T::min_value); }
  LOWP_HOST_DEVICE static constexpr T max() noexcept { return T(T::max_value); }
  LOWP_HOST_DEVICE static constexpr T epsilon() noexcept { return T(0); }
  LOWP_HOST_DEVICE static constexpr T round_error() noexcept { return T(0); }
};
