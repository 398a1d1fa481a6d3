// Arithmetic against MPFR, bit for bit: + - * / over all pairs of codes of every format of at most 8 bits,
// sqrt of every code, fma exhaustively for the 4- and 6-bit formats and on a million random (a quarter of
// them nearly cancelling) triples per 8-bit format; for float16, bfloat16 and tfloat32 a million random pairs
// per operation, sqrt of every code and a million fma triples. Every case runs under all six deterministic
// rounding modes and both overflow policies. The oracle (oracle/mpfr_round.hpp) knows the formats only as
// plain numbers and applies API.md's special-value rules from their text; NaN results may carry either sign
// (IEEE 754 6.3 leaves the sign of an operation's NaN unspecified), everything else must match exactly, zeros
// included.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <lowp/float/minifloat.hpp>

#include "oracle/lowp_cases.hpp"
#include "oracle/mpfr_round.hpp"
#include "oracle/operations.hpp"

namespace {

using namespace lowp_test;
using mpfr_oracle::rounding;

// Precision of MPFR's results. + - * are exact at 256 bits for every format here except bfloat16/tfloat32
// sums of operands more than ~230 binades apart; those, / sqrt and fma are inexact in general, and then
// MPFR's ternary value settles every comparison the oracle makes (it needs only M + 2 bits for that).
constexpr mpfr_prec_t oracle_precision = 256;

using test_ops::op;
using test_ops::op_name;

// MPFR's values of the operands and the result, with the MPFR rounding mode whose signed-zero rule we need:
// an exact zero sum is +0 in every direction except downward (IEEE 754 6.3), and MPFR follows IEEE there.
class mpfr_evaluator {
 public:
  explicit mpfr_evaluator(const mpfr_oracle::format& f) : f_(f), rounder_(f, oracle_precision) {
    mpfr_inits2(oracle_precision, a_, b_, c_, r_, static_cast<mpfr_ptr>(nullptr));
  }
  ~mpfr_evaluator() { mpfr_clears(a_, b_, c_, r_, static_cast<mpfr_ptr>(nullptr)); }

  mpfr_oracle::rounder& rounder() { return rounder_; }

  // Analyses of op(a, b, c): [0] with MPFR_RNDN (every policy but downward), [1] with MPFR_RNDD.
  std::array<mpfr_oracle::analysis, 2> analyse(op o, std::uint32_t a, std::uint32_t b, std::uint32_t c = 0) {
    set(a_, a);
    set(b_, b);
    if (o == op::fma) set(c_, c);
    std::array<mpfr_oracle::analysis, 2> result;
    int ternary = compute(o, MPFR_RNDN);
    result[0] = rounder_.analyse(r_, ternary);
    if (mpfr_zero_p(r_)) {
      ternary = compute(o, MPFR_RNDD);
      result[1] = rounder_.analyse(r_, ternary);
    } else {
      result[1] = result[0];
    }
    return result;
  }

 private:
  void set(mpfr_ptr x, std::uint32_t code) {
    const mpfr_oracle::decoded d = mpfr_oracle::decode(f_, code);
    mpfr_set_d(x, d.value, MPFR_RNDN);  // exact: every value is a double (NaN and +-Inf included)
  }
  int compute(op o, mpfr_rnd_t mode) {
    switch (o) {
      case op::add:
        return mpfr_add(r_, a_, b_, mode);
      case op::sub:
        return mpfr_sub(r_, a_, b_, mode);
      case op::mul:
        return mpfr_mul(r_, a_, b_, mode);
      case op::div:
        return mpfr_div(r_, a_, b_, mode);
      case op::sqrt:
        return mpfr_sqrt(r_, a_, mode);
      case op::fma:
        return mpfr_fma(r_, a_, b_, c_, mode);
    }
    return 0;
  }

  mpfr_oracle::format f_;
  mpfr_oracle::rounder rounder_;
  mpfr_t a_, b_, c_, r_;
};

template <class T>
std::uint32_t apply(op o, std::uint32_t a, std::uint32_t b, std::uint32_t c = 0) {
  using storage = typename T::storage_type;
  const T x = T::from_bits(storage(a)), y = T::from_bits(storage(b)), z = T::from_bits(storage(c));
  switch (o) {
    case op::add:
      return (x + y).bits();
    case op::sub:
      return (x - y).bits();
    case op::mul:
      return (x * y).bits();
    case op::div:
      return (x / y).bits();
    case op::sqrt:
      return sqrt(x).bits();
    case op::fma:
      return fma(x, y, z).bits();
  }
  return 0;
}

// Checks op on one operand tuple under all 12 policies; returns the number of policy results checked.
template <class Case>
int check_all_policies(mpfr_evaluator& mpfr, mismatch_log& log, op o, std::uint32_t a, std::uint32_t b,
                       std::uint32_t c = 0) {
  const mpfr_oracle::format& f = Case::desc;
  const auto analyses = mpfr.analyse(o, a, b, c);
  int checked = 0;
  for_each_policy<typename Case::type>([&]<class T>(mpfr_oracle::rounding r, mpfr_oracle::overflow ov) {
    const mpfr_oracle::expectation expected =
        mpfr.rounder().expect(analyses[r == rounding::downward ? 1 : 0], r, ov);
    const std::uint32_t got = apply<T>(o, a, b, c);
    ++checked;
    if (!mpfr_oracle::matches(f, expected, got)) {
      std::string operands = mpfr_oracle::describe_code(f, a);
      if (o != op::sqrt) operands += ", " + mpfr_oracle::describe_code(f, b);
      if (o == op::fma) operands += ", " + mpfr_oracle::describe_code(f, c);
      log.record(std::string(Case::name) + " " + op_name(o) + "(" + operands + ") under " +
                 mpfr_oracle::name(r) + "/" + mpfr_oracle::name(ov) + ": expected " +
                 mpfr_oracle::describe(f, expected) + ", got " + mpfr_oracle::describe_code(f, got));
    }
  });
  return checked;
}

void report(const mismatch_log& log, long checked) {
  EXPECT_EQ(log.count(), 0) << log.count() << " mismatches in " << checked << " results; first ones:\n"
                            << log.text();
  ::testing::Test::RecordProperty("results_checked", std::to_string(checked));
}

// ---------------------------------------------------------------------------------------------------------
// Oracle self-checks: the derived constants against the numbers the specifications print, and a few
// conversions whose answers API.md states outright. If these fail, nothing below can be trusted.

TEST(MpfrOracle, DerivedConstantsMatchTheSpecifications) {
  EXPECT_EQ(float8_e4m3fn_case::desc.max_value(), 448.0);
  EXPECT_EQ(float8_e5m2_case::desc.max_value(), 57344.0);
  EXPECT_EQ(float8_e4m3fnuz_case::desc.max_value(), 240.0);
  EXPECT_EQ(float8_e5m2fnuz_case::desc.max_value(), 57344.0);
  EXPECT_EQ(float8_e4m3b11fnuz_case::desc.max_value(), 30.0);
  EXPECT_EQ(float8_e4m3_case::desc.max_value(), 240.0);
  EXPECT_EQ(float8_e3m4_case::desc.max_value(), 15.5);
  EXPECT_EQ(float6_e2m3fn_case::desc.max_value(), 7.5);
  EXPECT_EQ(float6_e3m2fn_case::desc.max_value(), 28.0);
  EXPECT_EQ(float4_e2m1fn_case::desc.max_value(), 6.0);
  EXPECT_EQ(float8_e8m0fnu_case::desc.max_value(), std::ldexp(1.0, 127));
  EXPECT_EQ(float16_case::desc.max_value(), 65504.0);
  EXPECT_EQ(bfloat16_case::desc.max_value(), 0x1.fep127);
  EXPECT_EQ(float8_e4m3fn_case::desc.min_subnormal(), 0x1p-9);
  EXPECT_EQ(float8_e5m2fnuz_case::desc.min_subnormal(), 0x1p-17);
  EXPECT_EQ(float16_case::desc.min_subnormal(), 0x1p-24);
  EXPECT_EQ(float8_e8m0fnu_case::desc.min_subnormal(), 0x1p-127);
  // Codes: e4m3fn 0x7e = 448, 0x7f = NaN; e5m2 0x7c = Inf, 0x7e = NaN; fnuz 0x80 = NaN; e8m0 0x7f = 1.
  EXPECT_EQ(mpfr_oracle::decode(float8_e4m3fn_case::desc, 0x7e).value, 448.0);
  EXPECT_EQ(mpfr_oracle::decode(float8_e4m3fn_case::desc, 0x7f).kind, mpfr_oracle::decoded::nan);
  EXPECT_EQ(mpfr_oracle::decode(float8_e5m2_case::desc, 0x7c).kind, mpfr_oracle::decoded::infinity);
  EXPECT_EQ(mpfr_oracle::decode(float8_e5m2_case::desc, 0x7e).kind, mpfr_oracle::decoded::nan);
  EXPECT_EQ(mpfr_oracle::decode(float8_e4m3fnuz_case::desc, 0x80).kind, mpfr_oracle::decoded::nan);
  EXPECT_EQ(mpfr_oracle::decode(float8_e8m0fnu_case::desc, 0x7f).value, 1.0);
  EXPECT_EQ(mpfr_oracle::decode(float4_e2m1fn_case::desc, 0x7).value, 6.0);
  EXPECT_EQ(mpfr_oracle::decode(float4_e2m1fn_case::desc, 0x1).value, 0.5);
}

TEST(MpfrOracle, StatedConversions) {
  using R = mpfr_oracle::rounding;
  using O = mpfr_oracle::overflow;
  mpfr_oracle::rounder e4m3fn(float8_e4m3fn_case::desc);
  auto code = [](mpfr_oracle::expectation e) { return e.value; };
  EXPECT_EQ(code(e4m3fn.expect_double(464, R::nearest_even, O::ieee)), 0x7eu);  // 464 -> 448
  EXPECT_EQ(code(e4m3fn.expect_double(465, R::nearest_even, O::ieee)), 0x7fu);  // 465 -> NaN
  EXPECT_EQ(code(e4m3fn.expect_double(1000, R::toward_zero, O::ieee)), 0x7eu);  // toward_zero(1000) = 448
  EXPECT_EQ(code(e4m3fn.expect_double(1000, R::upward, O::ieee)), 0x7fu);       // upward(1000) = NaN
  EXPECT_EQ(code(e4m3fn.expect_double(1000, R::to_odd, O::ieee)), 0x7eu);       // to_odd never overflows
  EXPECT_EQ(code(e4m3fn.expect_double(-1000, R::upward, O::ieee)), 0xfeu);      // toward zero: -448
  EXPECT_EQ(code(e4m3fn.expect_double(1e9, R::nearest_even, O::saturate)), 0x7eu);
  EXPECT_EQ(code(e4m3fn.expect_double(INFINITY, R::nearest_even, O::saturate)), 0x7eu);
  EXPECT_EQ(code(e4m3fn.expect_double(0x1p-10, R::nearest_even, O::ieee)), 0x00u);  // tie with 0: even
  EXPECT_EQ(code(e4m3fn.expect_double(0x1.8p-9, R::nearest_even, O::ieee)), 0x02u);
  EXPECT_EQ(code(e4m3fn.expect_double(-0x1p-11, R::toward_zero, O::ieee)), 0x80u);  // -0
  EXPECT_EQ(code(e4m3fn.expect_double(0x1p-11, R::to_odd, O::ieee)), 0x01u);
  mpfr_oracle::rounder fnuz(float8_e4m3fnuz_case::desc);
  EXPECT_EQ(code(fnuz.expect_double(-0x1p-20, R::toward_zero, O::ieee)), 0x00u);  // no -0 in fnuz
  EXPECT_EQ(code(fnuz.expect_double(-0.0, R::nearest_even, O::ieee)), 0x00u);
  mpfr_oracle::rounder e8m0(float8_e8m0fnu_case::desc);
  EXPECT_EQ(code(e8m0.expect_double(1.5, R::nearest_even, O::ieee)), 0x80u);  // tie goes up
  EXPECT_EQ(code(e8m0.expect_double(1.4, R::nearest_even, O::ieee)), 0x7fu);
  EXPECT_EQ(code(e8m0.expect_double(0x1p-130, R::upward, O::ieee)), 0x00u);   // below 2^-127
  EXPECT_EQ(code(e8m0.expect_double(0.0, R::nearest_even, O::ieee)), 0xffu);  // zero is invalid
  EXPECT_EQ(code(e8m0.expect_double(-1.0, R::nearest_even, O::saturate)), 0x00u);
  EXPECT_EQ(code(e8m0.expect_double(0x1p128, R::nearest_even, O::ieee)), 0xffu);
  EXPECT_EQ(code(e8m0.expect_double(0x1p128, R::toward_zero, O::ieee)), 0xfeu);
  mpfr_oracle::rounder e2m1(float4_e2m1fn_case::desc);
  EXPECT_EQ(code(e2m1.expect_double(7.0, R::nearest_even, O::ieee)), 0x7u);  // no Inf, no NaN: max
  EXPECT_EQ(code(e2m1.expect_double(-INFINITY, R::nearest_even, O::ieee)), 0xfu);
  EXPECT_EQ(code(e2m1.expect_double(2.5, R::nearest_even, O::ieee)), 0x4u);  // 2.5 -> 2
  EXPECT_EQ(code(e2m1.expect_double(2.5, R::nearest_away, O::ieee)), 0x5u);  // 2.5 -> 3
  mpfr_oracle::rounder e5m2(float8_e5m2_case::desc);
  EXPECT_EQ(code(e5m2.expect_double(61440, R::nearest_even, O::ieee)), 0x7cu);  // max + half ulp -> Inf
  EXPECT_EQ(code(e5m2.expect_double(61439, R::nearest_even, O::ieee)), 0x7bu);
  EXPECT_EQ(code(e5m2.expect_double(-61440, R::downward, O::ieee)), 0xfcu);
  EXPECT_EQ(code(e5m2.expect_double(-61440, R::upward, O::ieee)), 0xfbu);
}

// ---------------------------------------------------------------------------------------------------------
// Readable spot checks of the special rules (the sweeps below cover them again, in bulk).

TEST(ArithmeticSpecials, SignedZeroSums) {
  using namespace lowp;
  using down = with_rounding<float8_e5m2, lowp::rounding::downward>;
  using up = with_rounding<float8_e5m2, lowp::rounding::upward>;
  const auto one = float8_e5m2(1.0), minus_one = float8_e5m2(-1.0);
  const auto zero = float8_e5m2(0.0), minus_zero = float8_e5m2(-0.0);
  EXPECT_EQ((one + minus_one).bits(), 0x00);  // x + (-x) = +0
  EXPECT_EQ((one - one).bits(), 0x00);
  EXPECT_EQ((up::from_bits(one.bits()) + up::from_bits(minus_one.bits())).bits(), 0x00);
  EXPECT_EQ((down::from_bits(one.bits()) + down::from_bits(minus_one.bits())).bits(),
            0x80);                                    // -0 under downward
  EXPECT_EQ((minus_zero + minus_zero).bits(), 0x80);  // -0 + -0 = -0
  EXPECT_EQ((zero + minus_zero).bits(), 0x00);
  EXPECT_EQ((down::from_bits(zero.bits()) + down::from_bits(minus_zero.bits())).bits(), 0x80);
  EXPECT_EQ((down::from_bits(zero.bits()) + down::from_bits(zero.bits())).bits(), 0x00);  // +0 + +0 = +0
  EXPECT_EQ((minus_zero - zero).bits(), 0x80);
  EXPECT_EQ((zero * minus_one).bits(), 0x80);
  // fnuz has no -0: every zero result is +0, even under downward.
  using fnuz_down = with_rounding<float8_e4m3fnuz, lowp::rounding::downward>;
  EXPECT_EQ((fnuz_down(1.0) - fnuz_down(1.0)).bits(), 0x00);
  EXPECT_EQ((fnuz_down(-1.0) * fnuz_down(0.0)).bits(), 0x00);
}

TEST(ArithmeticSpecials, InfinitiesAndNaN) {
  using namespace lowp;
  const auto one = float8_e5m2(1.0), zero = float8_e5m2(0.0);
  const auto inf = std::numeric_limits<float8_e5m2>::infinity();
  EXPECT_EQ((one / zero).bits(), 0x7c);  // x/0 = Inf
  EXPECT_EQ((-one / zero).bits(), 0xfc);
  EXPECT_EQ((one / float8_e5m2(-0.0)).bits(), 0xfc);
  EXPECT_TRUE(isnan(zero / zero));  // 0/0 = NaN
  EXPECT_TRUE(isnan(inf - inf));    // Inf - Inf = NaN
  EXPECT_TRUE(isnan(inf * zero));
  EXPECT_EQ((inf + one).bits(), 0x7c);
  EXPECT_TRUE(isnan(float8_e5m2::from_bits(0x7d) + one));  // any NaN code propagates
  // No Inf in e4m3fn: x/0 is NaN under ieee, 448 when saturating; to_odd/toward_zero do not change that,
  // because the exact result is Inf, not a finite overflow.
  EXPECT_EQ((float8_e4m3fn(1.0) / float8_e4m3fn(0.0)).bits(), 0x7f);
  using sat = with_overflow<float8_e4m3fn, overflow::saturate>;
  EXPECT_EQ((sat(1.0) / sat(0.0)).bits(), 0x7e);
  EXPECT_EQ((sat(-1.0) / sat(0.0)).bits(), 0xfe);
  // e2m1 has neither: x/0 is +-max.
  EXPECT_EQ((float4_e2m1fn(1.0) / float4_e2m1fn(0.0)).bits(), 0x7);
  // e8m0 has no zero: x - x is invalid (NaN), or the smallest code when saturating.
  EXPECT_EQ((float8_e8m0fnu(1.0) - float8_e8m0fnu(1.0)).bits(), 0xff);
  using e8m0_sat = with_overflow<float8_e8m0fnu, overflow::saturate>;
  EXPECT_EQ((e8m0_sat(1.0) - e8m0_sat(1.0)).bits(), 0x00);
}

// ---------------------------------------------------------------------------------------------------------
// Exhaustive sweeps over every format of at most 8 bits.

template <class Case>
class SmallFormatArithmetic : public ::testing::Test {};
using small_formats =
    ::testing::Types<float8_e4m3fn_case, float8_e5m2_case, float8_e4m3fnuz_case, float8_e5m2fnuz_case,
                     float8_e4m3b11fnuz_case, float8_e4m3_case, float8_e3m4_case, float6_e2m3fn_case,
                     float6_e3m2fn_case, float4_e2m1fn_case, float8_e8m0fnu_case>;
TYPED_TEST_SUITE(SmallFormatArithmetic, small_formats, case_names);

template <class Case>
void check_all_pairs(op o) {
  const mpfr_oracle::format& f = Case::desc;
  mpfr_evaluator mpfr(f);
  mismatch_log log;
  long checked = 0;
  const std::uint32_t n = f.code_count();
  // Quick mode: every 7th first operand (all second operands), which still meets every special.
  const std::uint32_t stride = quick_mode() && n > 64 ? 7 : 1;
  for (std::uint32_t a = 0; a < n; a += stride) {
    for (std::uint32_t b = 0; b < n; ++b) checked += check_all_policies<Case>(mpfr, log, o, a, b);
  }
  report(log, checked);
}

TYPED_TEST(SmallFormatArithmetic, AddAllPairs) {
  check_all_pairs<TypeParam>(op::add);
}
TYPED_TEST(SmallFormatArithmetic, SubtractAllPairs) {
  check_all_pairs<TypeParam>(op::sub);
}
TYPED_TEST(SmallFormatArithmetic, MultiplyAllPairs) {
  check_all_pairs<TypeParam>(op::mul);
}
TYPED_TEST(SmallFormatArithmetic, DivideAllPairs) {
  check_all_pairs<TypeParam>(op::div);
}

TYPED_TEST(SmallFormatArithmetic, SqrtAllCodes) {
  const mpfr_oracle::format& f = TypeParam::desc;
  mpfr_evaluator mpfr(f);
  mismatch_log log;
  long checked = 0;
  for (std::uint32_t a = 0; a < f.code_count(); ++a)
    checked += check_all_policies<TypeParam>(mpfr, log, op::sqrt, a, 0);
  report(log, checked);
}

// All triples where that is cheap (4- and 6-bit formats: 4096 and 262144 triples); a million random triples
// for the 8-bit ones, a quarter of them built so that a*b and c nearly cancel: c is -round(a*b) moved by up
// to two codes, where the binary64 round-to-odd sum and the final rounding are hardest to get right.
template <class Case>
void check_fma(std::uint64_t random_triples) {
  const mpfr_oracle::format& f = Case::desc;
  mpfr_evaluator mpfr(f);
  mismatch_log log;
  long checked = 0;
  const std::uint32_t n = f.code_count();
  if (f.bits() <= 6) {
    const std::uint32_t stride = quick_mode() && n > 16 ? 7 : 1;
    for (std::uint32_t a = 0; a < n; a += stride) {
      for (std::uint32_t b = 0; b < n; ++b) {
        for (std::uint32_t c = 0; c < n; ++c)
          checked += check_all_policies<Case>(mpfr, log, op::fma, a, b, c);
      }
    }
  } else {
    std::mt19937_64 engine(0x10f3a);  // fixed: a failure reproduces
    std::uniform_int_distribution<std::uint32_t> any_code(0, n - 1);
    std::uniform_int_distribution<int> nudge(-2, 2);
    mpfr_oracle::rounder& nearest = mpfr.rounder();
    for (std::uint64_t i = 0; i < random_triples; ++i) {
      const std::uint32_t a = any_code(engine), b = any_code(engine);
      std::uint32_t c = any_code(engine);
      if (i % 4 == 0) {
        const double product = mpfr_oracle::decode(f, a).value * mpfr_oracle::decode(f, b).value;  // exact
        if (std::isfinite(product)) {
          const mpfr_oracle::expectation e = nearest.expect_double(
              -product, mpfr_oracle::rounding::nearest_even, mpfr_oracle::overflow::saturate);
          const std::int64_t moved = std::int64_t(e.value) + nudge(engine);
          if (e.kind == mpfr_oracle::expectation::code && moved >= 0 && moved < std::int64_t(n))
            c = std::uint32_t(moved);
        }
      }
      checked += check_all_policies<Case>(mpfr, log, op::fma, a, b, c);
    }
  }
  report(log, checked);
}

TYPED_TEST(SmallFormatArithmetic, Fma) {
  check_fma<TypeParam>(quick_mode() ? 1'000'000 / 8 : 1'000'000);
}

// ---------------------------------------------------------------------------------------------------------
// float16 and bfloat16 (and tfloat32): random pairs, drawn to reach the subnormal range, the top binade, the
// specials and the hard cases (equal magnitudes that cancel, exponents a few precisions apart where sticky
// bits matter).

template <class Case>
class WideFormatArithmetic : public ::testing::Test {};
using wide_formats = ::testing::Types<float16_case, bfloat16_case, tfloat32_case>;
TYPED_TEST_SUITE(WideFormatArithmetic, wide_formats, case_names);

class operand_source {
 public:
  operand_source(const mpfr_oracle::format& f, std::uint64_t seed) : f_(f), engine_(seed) {
    const std::uint32_t sign = f.sign_mask(), top = f.max_code();
    specials_ = {0,
                 sign,
                 1,
                 sign | 1,
                 top,
                 sign | top,
                 top - 1,
                 std::uint32_t(1) << f.man_bits,
                 (std::uint32_t(1) << f.man_bits) - 1,
                 f.inf_magnitude(),
                 sign | f.inf_magnitude(),
                 f.nan_magnitude(),
                 sign | f.nan_magnitude(),
                 f.inf_magnitude() + 1};
  }
  // The first operand.
  std::uint32_t first() { return draw(random_code()); }
  // A second operand, often related to the first.
  std::uint32_t second(std::uint32_t a) {
    switch (pick(engine_)) {
      case 0:
      case 1:
      case 2: {  // near +-a: catastrophic cancellation and exact zero results
        std::uniform_int_distribution<int> delta(-4, 4);
        const std::int64_t moved = std::int64_t(a & f_.magnitude_mask()) + delta(engine_);
        const std::uint32_t magnitude =
            std::uint32_t(std::clamp<std::int64_t>(moved, 0, f_.magnitude_mask()));
        return magnitude | (bit(engine_) ? f_.sign_mask() : 0);
      }
      case 3:
      case 4:
      case 5: {  // exponent within a few precisions of a's
        const int span = f_.precision() + 3;
        std::uniform_int_distribution<int> delta(-span, span);
        const int field = std::clamp<int>(int((a & f_.magnitude_mask()) >> f_.man_bits) + delta(engine_), 0,
                                          int(f_.all_ones_field()) - 1);
        return (std::uint32_t(field) << f_.man_bits) |
               (random_code() & ((std::uint32_t(1) << f_.man_bits) - 1)) |
               (bit(engine_) ? f_.sign_mask() : 0);
      }
      default:
        return draw(random_code());
    }
  }

 private:
  std::uint32_t random_code() {
    return std::uniform_int_distribution<std::uint32_t>(0, f_.code_count() - 1)(engine_);
  }
  std::uint32_t draw(std::uint32_t uniform) {
    const std::uint32_t sign = uniform & f_.sign_mask();
    const std::uint32_t fraction = uniform & ((std::uint32_t(1) << f_.man_bits) - 1);
    switch (pick(engine_)) {
      case 0:
        return specials_[std::uniform_int_distribution<std::size_t>(0, specials_.size() - 1)(engine_)];
      case 1:
        return sign | fraction;  // subnormal (or zero)
      case 2: {                  // one of the two top finite binades
        const std::uint32_t field = f_.all_ones_field() - (bit(engine_) ? 1 : 2);
        return sign | (field << f_.man_bits) | fraction;
      }
      default:
        return uniform;
    }
  }

  mpfr_oracle::format f_;
  std::mt19937_64 engine_;
  std::uniform_int_distribution<int> pick{0, 11};
  std::bernoulli_distribution bit{0.5};
  std::vector<std::uint32_t> specials_;
};

template <class Case>
void check_random_pairs(op o, std::uint64_t pairs) {
  const mpfr_oracle::format& f = Case::desc;
  mpfr_evaluator mpfr(f);
  mismatch_log log;
  long checked = 0;
  operand_source source(f, 0x5eed0000 + std::uint64_t(o));
  for (std::uint64_t i = 0; i < pairs; ++i) {
    const std::uint32_t a = source.first();
    checked += check_all_policies<Case>(mpfr, log, o, a, source.second(a));
  }
  report(log, checked);
}

std::uint64_t wide_pairs() {
  return quick_mode() ? 1'000'000 / 8 : 1'000'000;
}
TYPED_TEST(WideFormatArithmetic, AddRandomPairs) {
  check_random_pairs<TypeParam>(op::add, wide_pairs());
}
TYPED_TEST(WideFormatArithmetic, SubtractRandomPairs) {
  check_random_pairs<TypeParam>(op::sub, wide_pairs());
}
TYPED_TEST(WideFormatArithmetic, MultiplyRandomPairs) {
  check_random_pairs<TypeParam>(op::mul, wide_pairs());
}
TYPED_TEST(WideFormatArithmetic, DivideRandomPairs) {
  check_random_pairs<TypeParam>(op::div, wide_pairs());
}

TYPED_TEST(WideFormatArithmetic, SqrtAllCodes) {
  const mpfr_oracle::format& f = TypeParam::desc;
  mpfr_evaluator mpfr(f);
  mismatch_log log;
  long checked = 0;
  for (std::uint32_t a = 0; a < f.code_count(); ++a)
    checked += check_all_policies<TypeParam>(mpfr, log, op::sqrt, a, 0);
  report(log, checked);
}

// fma on random triples, half of them nearly cancelling (c = -round(a*b) moved by up to 8 codes).
TYPED_TEST(WideFormatArithmetic, FmaRandomTriples) {
  const mpfr_oracle::format& f = TypeParam::desc;
  mpfr_evaluator mpfr(f);
  mismatch_log log;
  long checked = 0;
  operand_source source(f, 0xf3a);
  std::mt19937_64 engine(0xf3a1);
  std::uniform_int_distribution<int> nudge(-8, 8);
  const std::uint64_t triples = quick_mode() ? 1'000'000 / 8 : 1'000'000;
  for (std::uint64_t i = 0; i < triples; ++i) {
    const std::uint32_t a = source.first(), b = source.second(a);
    std::uint32_t c = source.second(a);
    if (i % 2 == 0) {
      const double product = mpfr_oracle::decode(f, a).value * mpfr_oracle::decode(f, b).value;
      if (std::isfinite(product)) {
        const mpfr_oracle::expectation e = mpfr.rounder().expect_double(
            -product, mpfr_oracle::rounding::nearest_even, mpfr_oracle::overflow::saturate);
        const std::int64_t moved = std::int64_t(e.value & f.magnitude_mask()) + nudge(engine);
        if (moved >= 0 && moved <= std::int64_t(f.max_code()))
          c = std::uint32_t(moved) | (e.value & f.sign_mask());
      }
    }
    checked += check_all_policies<TypeParam>(mpfr, log, op::fma, a, b, c);
  }
  report(log, checked);
}

}  // namespace
