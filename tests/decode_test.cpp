// Decoding: every code of every named format of at most 16 bits must give exactly the value the
// independent oracle (tests/oracle/value_table.hpp) computes from the format's plain description, through
// static_cast<float>, static_cast<double> and the span convert paths, bit for bit: -0 keeps its sign, Inf
// codes give ±Inf, NaN codes give the canonical quiet NaN with the code's sign bit (API.md). tfloat32's
// 2^19 codes are all checked too (cheap). The ml_dtypes decode tables are a second, external reference.
#include <bit>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <lowp/float/minifloat.hpp>

#include "oracle/named_formats.hpp"
#include "oracle/value_table.hpp"

namespace {

using oracle::table_for;

template <class T>
class Decode : public ::testing::Test {};
TYPED_TEST_SUITE(Decode, oracle::formats_up_to_16_bits, oracle::format_name);

// The plain numbers of the oracle must agree with lowp's descriptor: if they did not, one of the two
// misdescribes the format, and every other comparison would be meaningless.
template <class T>
void check_descriptor_matches_plain_numbers() {
  using F = typename T::format;
  const auto& spec = oracle::named<T>::spec;
  const auto& table = table_for<T>();
  EXPECT_EQ(F::exponent_bits, spec.exp_bits);
  EXPECT_EQ(F::mantissa_bits, spec.man_bits);
  EXPECT_EQ(F::bias, spec.bias);
  EXPECT_EQ(F::bits, table.bits());
  EXPECT_EQ(sizeof(T), sizeof(typename F::storage_type));
  EXPECT_EQ(table.max(), oracle::named<T>::known_max) << "oracle table max vs the published max";
  EXPECT_EQ(F::max(), oracle::named<T>::known_max) << "lowp float_format::max() vs the published max";
  EXPECT_EQ(F::has_inf, table.has_inf());
  EXPECT_EQ(F::has_nan, table.has_nan());
  EXPECT_EQ(F::has_negative_zero, table.has_negative_zero());
  EXPECT_EQ(F::min_subnormal(), table.smallest_positive());
  EXPECT_EQ(static_cast<double>(std::numeric_limits<T>::max()), table.max());
}

TYPED_TEST(Decode, DescriptorMatchesPlainNumbersAndPublishedMax) {
  check_descriptor_matches_plain_numbers<TypeParam>();
}

template <class T>
void check_every_code(std::uint32_t stride) {
  using Code = typename T::storage_type;
  const auto& table = table_for<T>();
  const std::uint32_t n = table.code_count();
  std::vector<T> codes;
  for (std::uint32_t c = 0; c < n; c += stride) codes.push_back(T::from_bits(static_cast<Code>(c)));
  if (stride > 1) codes.push_back(T::from_bits(static_cast<Code>(n - 1)));
  // The span decoders run a SIMD body and a scalar tail: decode a longer span whose length is not a
  // multiple of 16 (every code, then the first 13 again), starting one element off the allocation.
  std::vector<T> padded(1, T::from_bits(0));
  padded.insert(padded.end(), codes.begin(), codes.end());
  for (std::size_t i = 0; i < 13; ++i) padded.push_back(codes[i % codes.size()]);
  const auto span_in = std::span<const T>(padded).subspan(1);
  std::vector<float> span_float(span_in.size());
  std::vector<double> span_double(span_in.size());
  lowp::convert(span_in, std::span<float>(span_float));
  lowp::convert(span_in, std::span<double>(span_double));
  for (std::size_t i = codes.size(); i < span_in.size(); ++i) {
    EXPECT_EQ(std::bit_cast<std::uint32_t>(span_float[i]), table.float_bits(span_in[i].bits()))
        << "tail " << i;
    EXPECT_EQ(std::bit_cast<std::uint64_t>(span_double[i]), table.double_bits(span_in[i].bits()))
        << "tail " << i;
  }
  const std::vector<float> as_float(span_float.begin(), span_float.begin() + std::ptrdiff_t(codes.size()));
  const std::vector<double> as_double(span_double.begin(),
                                      span_double.begin() + std::ptrdiff_t(codes.size()));

  int reported = 0;
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < codes.size(); ++i) {
    const std::uint32_t c = codes[i].bits();
    const std::uint32_t want_f = table.float_bits(c);
    const std::uint64_t want_d = table.double_bits(c);
    const std::uint32_t got_scalar_f = std::bit_cast<std::uint32_t>(static_cast<float>(codes[i]));
    const std::uint64_t got_scalar_d = std::bit_cast<std::uint64_t>(static_cast<double>(codes[i]));
    const std::uint32_t got_span_f = std::bit_cast<std::uint32_t>(as_float[i]);
    const std::uint64_t got_span_d = std::bit_cast<std::uint64_t>(as_double[i]);
    const bool bad =
        got_scalar_f != want_f || got_scalar_d != want_d || got_span_f != want_f || got_span_d != want_d;
    if (bad) {
      ++mismatches;
      if (reported++ < 10) {
        ADD_FAILURE() << table.name() << " code 0x" << std::hex << c << ": want float 0x" << want_f
                      << " double 0x" << want_d << "; got float() 0x" << got_scalar_f << " double() 0x"
                      << got_scalar_d << " convert->float 0x" << got_span_f << " convert->double 0x"
                      << got_span_d;
      }
    }
  }
  EXPECT_EQ(mismatches, 0u) << table.name() << ": " << codes.size() << " codes decoded";
}

TYPED_TEST(Decode, EveryCodeDecodesToTheOracleValueBitForBit) {
  check_every_code<TypeParam>(1);
}

TEST(DecodeTFloat32, EveryCodeDecodesToTheOracleValueBitForBit) {
  check_every_code<lowp::tfloat32>(1);
}
TEST(DecodeTFloat32, DescriptorMatchesPlainNumbersAndPublishedMax) {
  check_descriptor_matches_plain_numbers<lowp::tfloat32>();
}

// The oracle's own classification, against facts stated in API.md and the vectors' README, so that a
// wrong oracle cannot silently agree with a wrong library.
TEST(DecodeOracle, SpecialCodesAreWhereThePublishedFormatsPutThem) {
  using namespace oracle;
  const auto& e4m3fn = table_for<lowp::float8_e4m3fn>();
  EXPECT_TRUE(e4m3fn.is_nan(0x7f));
  EXPECT_TRUE(e4m3fn.is_nan(0xff));
  EXPECT_EQ(e4m3fn.value(0x7e), 448.0);
  EXPECT_TRUE(e4m3fn.is_negative_zero(0x80));
  EXPECT_EQ(e4m3fn.value(0x01), 0x1p-9);
  const auto& e5m2 = table_for<lowp::float8_e5m2>();
  EXPECT_TRUE(e5m2.is_inf(0x7c));
  EXPECT_TRUE(e5m2.is_inf(0xfc));
  EXPECT_TRUE(e5m2.is_nan(0x7d) && e5m2.is_nan(0x7e) && e5m2.is_nan(0x7f));
  EXPECT_EQ(e5m2.quiet_nan_code(false), 0x7eu);
  EXPECT_EQ(table_for<lowp::float8_e4m3>().quiet_nan_code(true), 0xfcu);
  EXPECT_EQ(table_for<lowp::float8_e3m4>().quiet_nan_code(false), 0x78u);
  for (const auto* fnuz : {&table_for<lowp::float8_e4m3fnuz>(), &table_for<lowp::float8_e5m2fnuz>(),
                           &table_for<lowp::float8_e4m3b11fnuz>()}) {
    int nans = 0;
    for (std::uint32_t c = 0; c < 256; ++c) nans += fnuz->is_nan(c) ? 1 : 0;
    EXPECT_EQ(nans, 1) << fnuz->name();
    EXPECT_TRUE(fnuz->is_nan(0x80)) << fnuz->name();
    EXPECT_EQ(fnuz->float_bits(0x80), 0xffc00000u) << fnuz->name() << ": NaN with the code's sign bit";
  }
  const auto& e2m1 = table_for<lowp::float4_e2m1fn>();
  const double expected_e2m1[8] = {0, 0.5, 1, 1.5, 2, 3, 4, 6};
  for (std::uint32_t c = 0; c < 8; ++c) {
    EXPECT_EQ(e2m1.value(c), expected_e2m1[c]);
    EXPECT_EQ(e2m1.value(c | 8), -expected_e2m1[c]);
  }
  EXPECT_TRUE(e2m1.is_negative_zero(0x8));
  const auto& e8m0 = table_for<lowp::float8_e8m0fnu>();
  EXPECT_EQ(e8m0.value(0x00), 0x1p-127);
  EXPECT_EQ(e8m0.value(0x7f), 1.0);
  EXPECT_EQ(e8m0.value(0xfe), 0x1p127);
  EXPECT_TRUE(e8m0.is_nan(0xff));
  EXPECT_EQ(e8m0.float_bits(0xff), 0x7fc00000u);
  const auto& f16 = table_for<lowp::float16>();
  EXPECT_EQ(f16.value(0x0001), 0x1p-24);
  EXPECT_EQ(f16.value(0x3c00), 1.0);
  EXPECT_EQ(f16.quiet_nan_code(true), 0xfe00u);
  EXPECT_EQ(table_for<lowp::bfloat16>().quiet_nan_code(false), 0x7fc0u);
}

// A few values by hand, through the public API only.
TEST(DecodeByHand, WellKnownCodes) {
  EXPECT_EQ(static_cast<float>(lowp::float8_e4m3fn::from_bits(0x7e)), 448.0f);
  EXPECT_EQ(static_cast<float>(lowp::float8_e5m2::from_bits(0x7b)), 57344.0f);
  EXPECT_EQ(static_cast<float>(lowp::float8_e5m2::from_bits(0xfc)), -INFINITY);
  EXPECT_EQ(static_cast<double>(lowp::float8_e4m3fnuz::from_bits(0x7f)), 240.0);
  EXPECT_EQ(static_cast<double>(lowp::float8_e4m3b11fnuz::from_bits(0x7f)), 30.0);
  EXPECT_EQ(static_cast<float>(lowp::float6_e3m2fn::from_bits(0x1f)), 28.0f);
  EXPECT_EQ(static_cast<float>(lowp::float6_e2m3fn::from_bits(0x3f)), -7.5f);
  EXPECT_EQ(static_cast<float>(lowp::float8_e8m0fnu::from_bits(0x00)), 0x1p-127f);
  EXPECT_EQ(static_cast<float>(lowp::float16::from_bits(0x7bff)), 65504.0f);
  EXPECT_EQ(std::bit_cast<std::uint32_t>(static_cast<float>(lowp::float16::from_bits(0x8000))), 0x80000000u);
  EXPECT_EQ(std::bit_cast<std::uint32_t>(static_cast<float>(lowp::bfloat16::from_bits(0xffc1))), 0xffc00000u)
      << "NaN payloads are not carried: canonical quiet NaN with the sign";
}

// ml_dtypes: static_cast<float>(T::FromRep(code)) for every code.
template <class T>
class DecodeMlDtypes : public ::testing::Test {};
TYPED_TEST_SUITE(DecodeMlDtypes, oracle::formats_with_mldtypes_vectors, oracle::format_name);

TYPED_TEST(DecodeMlDtypes, EveryCodeMatchesTheMlDtypesDecodeTable) {
  using T = TypeParam;
  using Code = typename T::storage_type;
  const std::string file = std::string("mldtypes_decode_") + oracle::named<T>::spec.name + ".txt";
  const auto vectors = oracle::read_pairs(file);
  if (!vectors.found) {
    GTEST_SKIP() << "ml_dtypes vectors not found (" << file << "); set LOWP_VECTORS_DIR to the directory "
                 << "holding them (normally <repo>/../shared/vectors)";
  }
  const auto& table = table_for<T>();
  ASSERT_EQ(vectors.rows.size(), table.code_count()) << vectors.path;
  std::size_t mismatches = 0;
  for (const auto& [code, float_bits] : vectors.rows) {
    const T x = T::from_bits(static_cast<Code>(code));
    const std::uint32_t got = std::bit_cast<std::uint32_t>(static_cast<float>(x));
    if (got != float_bits || table.float_bits(std::uint32_t(code)) != float_bits) {
      if (mismatches++ < 10) {
        ADD_FAILURE() << vectors.path << ": code 0x" << std::hex << code << " ml_dtypes 0x" << float_bits
                      << " lowp 0x" << got << " oracle 0x" << table.float_bits(std::uint32_t(code));
      }
    }
  }
  EXPECT_EQ(mismatches, 0u);
}

}  // namespace
