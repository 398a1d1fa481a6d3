// Block-scaled quantisation against an independent oracle (tests/oracle/block_reference.hpp: plain double
// arithmetic from the spec texts, brute-force nearest-value element rounding): scale codes, element codes
// and decoded values bit-exact for every format and scale rule, on random, outlier, all-zero, tiny, huge,
// tie-heavy, wide-range and NaN/Inf inputs, full and partial blocks, both axes; plus storage (packing of
// every code, bytes()), idempotence, the documented special cases and stochastic rounding.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>
#include <gtest/gtest.h>

#include <lowp/block/quantize.hpp>

#include "oracle/block_reference.hpp"

namespace {

namespace bo = block_oracle;
using lowp::block_axis;

bool quick() {
  const char* value = std::getenv("LOWP_TEST_QUICK");
  return value != nullptr && std::strcmp(value, "1") == 0;
}

enum class input_kind { gaussian, outliers, zero_blocks, all_zero, tiny, huge, ties, wide_range, specials };
const input_kind all_kinds[] = {input_kind::gaussian, input_kind::outliers,   input_kind::zero_blocks,
                                input_kind::all_zero, input_kind::tiny,       input_kind::huge,
                                input_kind::ties,     input_kind::wide_range, input_kind::specials};
const char* name_of(input_kind k) {
  switch (k) {
    case input_kind::gaussian:
      return "gaussian";
    case input_kind::outliers:
      return "outliers";
    case input_kind::zero_blocks:
      return "zero_blocks";
    case input_kind::all_zero:
      return "all_zero";
    case input_kind::tiny:
      return "tiny";
    case input_kind::huge:
      return "huge";
    case input_kind::ties:
      return "ties";
    case input_kind::wide_range:
      return "wide_range";
    case input_kind::specials:
      return "specials";
  }
  return "?";
}

// Column-major test data.
std::vector<float> make_input(input_kind kind, long rows, long cols, unsigned seed) {
  std::mt19937 engine(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<int> small_int(-64, 64), exponent(-60, 60), percent(0, 99);
  std::vector<float> x(std::size_t(rows * cols));
  for (long i = 0; i < rows * cols; ++i) {
    float& v = x[std::size_t(i)];
    const long c = i / rows;
    switch (kind) {
      case input_kind::gaussian:
        v = normal(engine);
        break;
      case input_kind::outliers:
        v = normal(engine) * (percent(engine) == 0 ? 1000.0f : 1.0f);
        break;
      case input_kind::zero_blocks:
        v = c < cols / 2 ? 0.0f : normal(engine);
        break;
      case input_kind::all_zero:
        v = (i % 3 == 0) ? -0.0f : 0.0f;
        break;
      case input_kind::tiny:  // float subnormals and the bottom of the normal range: the scale clamps at
                              // 2^-127
        v = normal(engine) * (c % 2 == 0 ? 1e-40f : std::ldexp(1.0f, -120));
        break;
      case input_kind::huge:  // up to FLT_MAX: the largest exponents
        v = normal(engine) * 1e37f;
        if (percent(engine) == 0) v = std::numeric_limits<float>::max() * (v < 0 ? -1.0f : 1.0f);
        break;
      case input_kind::ties:
        v = float(small_int(engine)) / 8.0f;
        break;  // midpoints galore after scaling
      case input_kind::wide_range:
        v = std::ldexp(normal(engine), exponent(engine));
        break;
      case input_kind::specials:
        v = normal(engine);
        if (percent(engine) < 2) {
          const float specials[] = {std::numeric_limits<float>::quiet_NaN(),
                                    std::numeric_limits<float>::infinity(),
                                    -std::numeric_limits<float>::infinity()};
          v = specials[percent(engine) % 3];
        }
        break;
    }
  }
  return x;
}

Eigen::MatrixXf as_matrix(const std::vector<float>& x, long rows, long cols) {
  return Eigen::Map<const Eigen::MatrixXf>(x.data(), rows, cols);
}

bool same_float(float a, float b) {
  return (std::isnan(a) && std::isnan(b)) ||
         std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b);
}

// Every element's code, scale code and value (accessor and dequantize()) against the reference.
template <class F>
void expect_matches(const lowp::quantized_matrix<F>& q, const bo::reference& ref, const std::string& label) {
  const Eigen::MatrixXf deq = q.dequantize();
  long failures = 0;
  for (long c = 0; c < q.cols() && failures < 8; ++c) {
    for (long r = 0; r < q.rows() && failures < 8; ++r) {
      const std::size_t i = std::size_t(c * q.rows() + r);
      const bool ok = q.code(r, c) == ref.code[i] && std::uint32_t(q.scale_code(r, c)) == ref.scale_code[i] &&
                      same_float(q.value(r, c), ref.value[i]) && same_float(deq(r, c), ref.value[i]);
      if (!ok) {
        ++failures;
        ADD_FAILURE() << label << " at (" << r << ", " << c << "): code " << q.code(r, c) << " expected "
                      << ref.code[i] << ", scale code " << std::uint32_t(q.scale_code(r, c)) << " expected "
                      << ref.scale_code[i] << ", value " << q.value(r, c) << " / " << deq(r, c)
                      << " expected " << ref.value[i];
      }
    }
  }
  if constexpr (F::has_tensor_scale) {
    EXPECT_TRUE(same_float(q.tensor_scale(), float(ref.tensor_decode))) << label;
  }
}

struct shape_case {
  long rows, cols;
};
// Full blocks, and partial blocks on both axes with a row count that is not a multiple of the packing.
const shape_case shapes[] = {{64, 96}, {37, 70}};

template <class F, class Reference>
void sweep(const char* format_name, Reference reference) {
  unsigned seed = 1;
  for (const auto shape : shapes) {
    for (const block_axis axis : {block_axis::row, block_axis::column}) {
      for (const input_kind kind : all_kinds) {
        const auto x = make_input(kind, shape.rows, shape.cols, seed++);
        const auto q = lowp::quantize<F>(as_matrix(x, shape.rows, shape.cols), axis);
        const bo::matrix_shape ms{shape.rows, shape.cols, axis == block_axis::row, F::block_size,
                                  F::tile_rows};
        expect_matches(q, reference(x, ms),
                       std::string(format_name) + " " + name_of(kind) + " " + std::to_string(shape.rows) +
                           "x" + std::to_string(shape.cols) + " " + lowp::name_of(axis));
      }
    }
  }
}

template <class F>
void mx_sweep(const char* name, const bo::number_format& element, bo::mx_rule rule) {
  sweep<F>(name, [&](const std::vector<float>& x, const bo::matrix_shape& s) {
    return bo::mx_reference(x, s, element, rule);
  });
}

template <class Rule>
void mx_formats(bo::mx_rule rule) {
  using lowp::with_scale_rule;
  mx_sweep<with_scale_rule<lowp::mxfp8_e4m3, Rule>>("mxfp8_e4m3", bo::e4m3, rule);
  mx_sweep<with_scale_rule<lowp::mxfp8_e5m2, Rule>>("mxfp8_e5m2", bo::e5m2, rule);
  mx_sweep<with_scale_rule<lowp::mxfp6_e3m2, Rule>>("mxfp6_e3m2", bo::e3m2, rule);
  mx_sweep<with_scale_rule<lowp::mxfp6_e2m3, Rule>>("mxfp6_e2m3", bo::e2m3, rule);
  mx_sweep<with_scale_rule<lowp::mxfp4, Rule>>("mxfp4", bo::e2m1, rule);
  mx_sweep<with_scale_rule<lowp::mxint8, Rule>>("mxint8", bo::integer_format(8, 6), rule);
}

// The element rounding policy passes through (toward_zero: the largest value not above |V / 2^s|); the
// scale does not depend on it.
TEST(BlockOracle, MxElementsTowardZero) {
  using tz = lowp::rounding::toward_zero;
  unsigned seed = 500;
  for (const block_axis axis : {block_axis::row, block_axis::column}) {
    for (const input_kind kind : all_kinds) {
      const auto x = make_input(kind, 37, 70, seed++);
      const bo::matrix_shape ms{37, 70, axis == block_axis::row, 32, 1};
      const std::string label = std::string(name_of(kind)) + " " + lowp::name_of(axis);
      expect_matches(lowp::quantize<lowp::mxfp4, tz>(as_matrix(x, 37, 70), axis),
                     bo::mx_reference(x, ms, bo::e2m1, bo::mx_rule::floor, true),
                     "mxfp4 toward_zero " + label);
      expect_matches(lowp::quantize<lowp::mxfp8_e5m2, tz>(as_matrix(x, 37, 70), axis),
                     bo::mx_reference(x, ms, bo::e5m2, bo::mx_rule::floor, true),
                     "mxfp8_e5m2 toward_zero " + label);
      expect_matches(lowp::quantize<lowp::mxint8, tz>(as_matrix(x, 37, 70), axis),
                     bo::mx_reference(x, ms, bo::integer_format(8, 6), bo::mx_rule::floor, true),
                     "mxint8 toward_zero " + label);
    }
  }
}

// Integer elements at exact ties: every element of these blocks lies halfway between two codes, so a tie
// rule other than "to the even code" fails. MXINT8: amax 1.5 gives scale 2^0 and elements (2k+1)/128 sit at
// (k + 1/2) * 2^-6. INT4 groups with an fp32 scale: amax 7 gives S = 1 and elements +-(k + 1/2).
TEST(BlockOracle, IntegerElementTiesGoToTheEvenCode) {
  std::vector<float> mx(64), group(64);
  for (int i = 0; i < 64; ++i) {
    const int k = i % 31;
    mx[std::size_t(i)] = float(2 * k + 1) / 128.0f * (i % 2 == 0 ? 1.0f : -1.0f);
    group[std::size_t(i)] = (float(k % 7) + 0.5f) * (i % 3 == 0 ? -1.0f : 1.0f);
  }
  mx[31] = 1.5f;
  mx[63] = -1.5f;
  group[31] = 7.0f;
  group[63] = -7.0f;
  const bo::matrix_shape mx_shape{1, 64, true, 32, 1}, group_shape{1, 64, true, 32, 1};
  expect_matches(lowp::quantize<lowp::mxint8>(as_matrix(mx, 1, 64), block_axis::row),
                 bo::mx_reference(mx, mx_shape, bo::integer_format(8, 6), bo::mx_rule::floor, false),
                 "mxint8 ties");
  expect_matches(lowp::quantize<lowp::int_group<4, 32, float>>(as_matrix(group, 1, 64), block_axis::row),
                 bo::int_group_reference(group, group_shape, 4, nullptr, 0x7fc00000u), "int4 g32 fp32 ties");
  // The ties are really there: 1/128 -> 0.5 * 2^-6 -> code 0; 3/128 -> 1.5 * 2^-6 -> code 2.
  const auto q = lowp::quantize<lowp::mxint8>(as_matrix(mx, 1, 64), block_axis::row);
  EXPECT_EQ(q.code(0, 0), 0u);
  EXPECT_EQ(q.code(0, 2), 2u);
}

TEST(BlockOracle, MxFloorRuleIsOcpMx) {
  mx_formats<lowp::scale_rule::floor>(bo::mx_rule::floor);
}
TEST(BlockOracle, MxCeilRule) {
  mx_formats<lowp::scale_rule::ceil>(bo::mx_rule::ceil);
}
TEST(BlockOracle, MxRceilRule) {
  mx_formats<lowp::scale_rule::rceil>(bo::mx_rule::rceil);
}
TEST(BlockOracle, MxEvenRule) {
  mx_formats<lowp::scale_rule::even>(bo::mx_rule::even);
}

TEST(BlockOracle, Nvfp4OneByOneSixteenBlocks) {
  sweep<lowp::nvfp4>("nvfp4", [](const std::vector<float>& x, const bo::matrix_shape& s) {
    return bo::nvfp4_reference(x, s);
  });
}
TEST(BlockOracle, Nvfp4SixteenBySixteenTiles) {
  sweep<lowp::nvfp4_2d>("nvfp4_2d", [](const std::vector<float>& x, const bo::matrix_shape& s) {
    return bo::nvfp4_reference(x, s);
  });
}

// Inputs where the float32 order of NVFP4's steps decides the codes: a search (with the oracle's own
// arithmetic) for blocks whose e4m3 scale differs between the specified fl(amax_b * fl(ges * fl(1/6))) and
// the tempting fl(fl(amax_b * ges) / 6), and elements whose e2m1 code differs between fl(x * enc) and
// fl(x / fl(ds * gd)); each found case is then quantized and compared with the oracle.
TEST(BlockOracle, Nvfp4FloatStepsAsSpecified) {
  const auto e4m3_list = bo::magnitudes(bo::e4m3), e2m1_list = bo::magnitudes(bo::e2m1);
  std::mt19937 engine(77);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  int scale_cases = 0, element_cases = 0;
  std::uniform_int_distribution<int> nudge(-4, 4), e4m3_index(1, 60), e2m1_index(0, 6);
  const float e2m1_midpoints[] = {0.25f, 0.75f, 1.25f, 1.75f, 2.5f, 3.5f, 5.0f};
  for (int attempt = 0; attempt < 200000 && (scale_cases < 20 || element_cases < 20); ++attempt) {
    // Put fl(amax_b * fl(ges / 6)) a few float ulps from an e4m3 midpoint, and x * enc near an e2m1 one.
    const float amax_t = std::ldexp(1.0f + unit(engine), int(unit(engine) * 20) - 10);
    const float ges = 2688.0f / amax_t, gd = 1.0f / ges;
    const float sixth = 1.0f / 6.0f, ges_sixth = ges * sixth;
    const int i = e4m3_index(engine);
    const float midpoint = float((e4m3_list[std::size_t(i)].first + e4m3_list[std::size_t(i) + 1].first) / 2);
    float amax_b = midpoint / ges_sixth;
    for (int k = nudge(engine); k != 0; k += k > 0 ? -1 : 1)
      amax_b = std::nextafter(amax_b, k > 0 ? 1e30f : 0.0f);
    if (!(amax_b < amax_t)) continue;
    const float v = std::fmin(amax_b * ges_sixth, 448.0f);
    const std::uint32_t ds_code0 = bo::encode(bo::e4m3, v, e4m3_list);
    const float ds0 = float(bo::decode(bo::e4m3, ds_code0)), enc0 = 1.0f / (ds0 * gd);
    float x = e2m1_midpoints[e2m1_index(engine)] / enc0;
    for (int k = nudge(engine); k != 0; k += k > 0 ? -1 : 1) x = std::nextafter(x, k > 0 ? 1e30f : 0.0f);
    if (!(x <= amax_b)) continue;
    const float alternative_ab = amax_b * ges;
    const float alternative = std::fmin(alternative_ab / 6.0f, 448.0f);
    const std::uint32_t ds_code = bo::encode(bo::e4m3, v, e4m3_list);
    const bool scale_differs = ds_code != bo::encode(bo::e4m3, alternative, e4m3_list);
    const float ds = float(bo::decode(bo::e4m3, ds_code)), product = ds * gd;
    const float enc = 1.0f / product, y = std::fmin(std::fmax(x * enc, -6.0f), 6.0f);
    const float y_alternative = std::fmin(std::fmax(x / product, -6.0f), 6.0f);
    const bool element_differs =
        ds != 0.0f && bo::encode(bo::e2m1, y, e2m1_list) != bo::encode(bo::e2m1, y_alternative, e2m1_list);
    if (!(scale_differs && scale_cases < 20) && !(element_differs && element_cases < 20)) continue;
    scale_cases += scale_differs;
    element_cases += element_differs;
    // Block 0 sets amax_t; block 1 has amax_b and x.
    std::vector<float> data(32, 0.0f);
    data[0] = amax_t;
    data[16] = amax_b;
    data[17] = x;
    data[18] = -x;
    const bo::matrix_shape shape{1, 32, true, 16, 1};
    expect_matches(lowp::quantize<lowp::nvfp4>(as_matrix(data, 1, 32), block_axis::row),
                   bo::nvfp4_reference(data, shape), "nvfp4 float steps");
  }
  EXPECT_GE(scale_cases, 5);
  EXPECT_GE(element_cases, 5);
}

template <class F>
void group_sweep(const char* name, int bits, const bo::number_format* scale, std::uint32_t nan_code) {
  sweep<F>(name, [&](const std::vector<float>& x, const bo::matrix_shape& s) {
    return bo::int_group_reference(x, s, bits, scale, nan_code);
  });
}

TEST(BlockOracle, IntGroupsFp16Scale) {
  group_sweep<lowp::int_group<4, 32>>("int4 g32 fp16", 4, &bo::fp16, 0x7e00);
  group_sweep<lowp::int_group<8, 64>>("int8 g64 fp16", 8, &bo::fp16, 0x7e00);
}
TEST(BlockOracle, IntGroupsBf16AndFp32Scale) {
  group_sweep<lowp::int_group<4, 128, lowp::bfloat16>>("int4 g128 bf16", 4, &bo::bf16, 0x7fc0);
  group_sweep<lowp::int_group<4, 64, float>>("int4 g64 fp32", 4, nullptr, 0x7fc00000u);
  group_sweep<lowp::int_group<8, 32, float>>("int8 g32 fp32", 8, nullptr, 0x7fc00000u);
}

// ---- Documented special cases, spelled out ----------------------------------------------------------------

TEST(BlockSpecialCases, NonFiniteValuesPoisonTheirBlockOnly) {
  Eigen::MatrixXf x = Eigen::MatrixXf::Constant(1, 128, 0.75f);
  x(0, 3) = std::numeric_limits<float>::quiet_NaN();
  x(0, 40) = std::numeric_limits<float>::infinity();
  x(0, 70) = -std::numeric_limits<float>::infinity();
  const auto q = lowp::quantize<lowp::mxfp4>(x, block_axis::row);
  const Eigen::MatrixXf y = q.dequantize();
  for (int c = 0; c < 96; ++c) {
    EXPECT_EQ(q.scale_code(0, c), 0xff) << c;  // E8M0 NaN
    EXPECT_EQ(q.code(0, c), 0u) << c;
    EXPECT_TRUE(std::isnan(y(0, c))) << c;
  }
  for (int c = 96; c < 128; ++c) EXPECT_EQ(y(0, c), 0.75f) << c;  // 0.75 = 1.5 * 2^-1: exact in MXFP4

  const auto nv = lowp::quantize<lowp::nvfp4>(x, block_axis::row);
  EXPECT_EQ(nv.scale_code(0, 3), 0x7f);  // e4m3 NaN
  EXPECT_TRUE(std::isnan(nv.value(0, 0)));
  EXPECT_FALSE(std::isnan(nv.value(0, 16)));  // amax_t ignores the non-finite values
  const auto ig = lowp::quantize<lowp::int_group<4, 32>>(x, block_axis::row);
  EXPECT_EQ(ig.scale_code(0, 40), 0x7e00);  // fp16 quiet NaN
  EXPECT_TRUE(std::isnan(ig.value(0, 33)));
  EXPECT_NEAR(ig.value(0, 100), 0.75f, 1e-3);  // 7 * fp16(0.75 / 7)
}

TEST(BlockSpecialCases, ZeroBlocksHaveScaleCodeZeroAndDecodeToZero) {
  const Eigen::MatrixXf x = Eigen::MatrixXf::Zero(3, 64);
  const auto q = lowp::quantize<lowp::mxfp8_e4m3>(x, block_axis::row);
  EXPECT_EQ(q.scale_code(1, 5), 0);  // 2^-127
  EXPECT_EQ(q.block_scale(1, 5), std::ldexp(1.0f, -127));
  EXPECT_TRUE(q.dequantize().isZero(0.0f));
  const auto nv = lowp::quantize<lowp::nvfp4>(x, block_axis::row);
  EXPECT_EQ(nv.tensor_scale(), 1.0f);  // amax_t = 0 -> ges = 1
  EXPECT_EQ(nv.scale_code(0, 0), 0);
  EXPECT_TRUE(nv.dequantize().isZero(0.0f));
  const auto ig = lowp::quantize<lowp::int_group<4, 32>>(x, block_axis::row);
  EXPECT_EQ(ig.scale_code(2, 63), 0);
  EXPECT_TRUE(ig.dequantize().isZero(0.0f));
}

TEST(BlockSpecialCases, Mxint8ClipsSymmetricallyButDecodesMinus128) {
  // A block whose amax is 1.99 (floor exponent 0, s = 0): -1.99 * 64 = -127.4 -> -127, never -128.
  Eigen::MatrixXf x = Eigen::MatrixXf::Constant(1, 32, 0.5f);
  x(0, 0) = -1.99f;
  x(0, 1) = 1.995f;  // 127.68 -> clipped to 127
  const auto q = lowp::quantize<lowp::mxint8>(x, block_axis::row);
  EXPECT_EQ(q.scale_code(0, 0), 127);
  EXPECT_EQ(q.code(0, 0), 0x81u);  // -127 in two's complement
  EXPECT_EQ(q.code(0, 1), 0x7fu);
  EXPECT_EQ((lowp::detail::element_traits<lowp::int_element<8, 6>>::values[0x80]), -2.0f);
}

TEST(BlockSpecialCases, ScaleRulesDifferWhereTheyShould) {
  // amax = 7 in MXFP4 (max 6, emax 2): floor -> s = 0 and 7 saturates to 6; ceil/rceil -> s = 1 (3.5 -> 4);
  // even -> 7 rounds to 8 at one mantissa bit, s = 1.
  Eigen::MatrixXf x = Eigen::MatrixXf::Zero(1, 32);
  x(0, 0) = 7.0f;
  EXPECT_EQ(lowp::quantize<lowp::mxfp4>(x, block_axis::row).value(0, 0), 6.0f);
  EXPECT_EQ((lowp::quantize<lowp::with_scale_rule<lowp::mxfp4, lowp::scale_rule::ceil>>(x, block_axis::row)
                 .value(0, 0)),
            8.0f);
  EXPECT_EQ((lowp::quantize<lowp::with_scale_rule<lowp::mxfp4, lowp::scale_rule::rceil>>(x, block_axis::row)
                 .value(0, 0)),
            8.0f);
  EXPECT_EQ((lowp::quantize<lowp::with_scale_rule<lowp::mxfp4, lowp::scale_rule::even>>(x, block_axis::row)
                 .value(0, 0)),
            8.0f);
  // amax = 5: floor keeps s = 0 (5 -> 4 or 6: tie to even code, 4); even: 5 rounds half-up to 6, s = 0.
  x(0, 0) = 5.0f;
  EXPECT_EQ(lowp::quantize<lowp::mxfp4>(x, block_axis::row).value(0, 0), 4.0f);
}

// ---- Storage ----------------------------------------------------------------------------------------------

template <class F>
void pack_round_trip(const bo::number_format& element) {
  constexpr int bits = F::element_bits;
  const long rows = 37, cols = 8;  // 37: a column padded to 40 codes; 8 * 37 >= 256 codes
  lowp::quantized_matrix<F> q(rows, cols, block_axis::column);
  std::vector<std::uint8_t> in(std::size_t(q.padded_rows()), 0), out(std::size_t(q.padded_rows()));
  std::vector<bool> seen(std::size_t(1) << bits, false);
  for (long c = 0; c < cols; ++c) {
    for (long r = 0; r < rows; ++r) {
      in[std::size_t(r)] = std::uint8_t((c * rows + r) % (1 << bits));
      seen[in[std::size_t(r)]] = true;
    }
    lowp::detail::quantized_matrix_writer::pack_column(q, c, in.data());
    q.unpack_column(c, out.data());
    for (long r = 0; r < rows; ++r) {
      ASSERT_EQ(out[std::size_t(r)], in[std::size_t(r)]) << r << ", " << c;
      ASSERT_EQ(q.code(r, c), in[std::size_t(r)]) << r << ", " << c;
      // The decoded element of every code, against the oracle's textbook value.
      const double expected = bo::decode(element, in[std::size_t(r)]);
      const float actual = q.element(r, c);
      ASSERT_TRUE((std::isnan(expected) && std::isnan(actual)) || double(actual) == expected)
          << "code " << int(in[std::size_t(r)]) << ": " << actual << " expected " << expected;
    }
  }
  for (std::size_t code = 0; code < seen.size(); ++code)
    EXPECT_TRUE(seen[code]) << "code " << code << " not tried";
}

TEST(BlockStorage, PackUnpackEveryCode) {
  pack_round_trip<lowp::mxfp4>(bo::e2m1);
  pack_round_trip<lowp::mxfp6_e3m2>(bo::e3m2);
  pack_round_trip<lowp::mxfp6_e2m3>(bo::e2m3);
  pack_round_trip<lowp::mxfp8_e4m3>(bo::e4m3);
  pack_round_trip<lowp::mxfp8_e5m2>(bo::e5m2);
  pack_round_trip<lowp::mxint8>(bo::integer_format(8, 6));
  pack_round_trip<lowp::int_group<4, 32>>(bo::integer_format(4, 0));
}

TEST(BlockStorage, BytesPerElement) {
  const Eigen::MatrixXf x = Eigen::MatrixXf::Ones(64, 128);
  const double n = 64.0 * 128.0;
  EXPECT_EQ(lowp::quantize<lowp::mxfp4>(x, block_axis::row).bytes() * 8.0, n * (4 + 8.0 / 32));
  EXPECT_EQ(lowp::quantize<lowp::mxfp4>(x, block_axis::column).bytes() * 8.0, n * (4 + 8.0 / 32));
  EXPECT_EQ(lowp::quantize<lowp::mxfp6_e2m3>(x, block_axis::row).bytes() * 8.0, n * (6 + 8.0 / 32));
  EXPECT_EQ(lowp::quantize<lowp::mxfp8_e4m3>(x, block_axis::row).bytes() * 8.0, n * (8 + 8.0 / 32));
  EXPECT_EQ(lowp::quantize<lowp::nvfp4>(x, block_axis::row).bytes() * 8.0, n * (4 + 8.0 / 16) + 32);
  EXPECT_EQ(lowp::quantize<lowp::nvfp4_2d>(x, block_axis::row).bytes() * 8.0, n * (4 + 8.0 / 256) + 32);
  EXPECT_EQ((lowp::quantize<lowp::int_group<4, 128>>(x, block_axis::row).bytes() * 8.0),
            n * (4 + 16.0 / 128));
}

TEST(BlockStorage, DequantizeIsIdempotentForMx) {
  // Not with FLT_MAX under ceil/even: there amax can round up to 2^128, which decodes to Inf (documented).
  auto check = [](auto format_tag, const char* name) {
    using F = decltype(format_tag);
    for (const input_kind kind : {input_kind::gaussian, input_kind::outliers, input_kind::wide_range,
                                  input_kind::tiny, input_kind::huge}) {
      if (kind == input_kind::huge && !std::is_same_v<typename F::rule, lowp::scale_rule::floor>) continue;
      for (const block_axis axis : {block_axis::row, block_axis::column}) {
        const Eigen::MatrixXf x = as_matrix(make_input(kind, 37, 70, 99), 37, 70);
        const Eigen::MatrixXf once = lowp::fake_quantize<F>(x, axis);
        const Eigen::MatrixXf twice = lowp::fake_quantize<F>(once, axis);
        EXPECT_TRUE(once.cwiseEqual(twice).all())
            << name << " " << name_of(kind) << " " << lowp::name_of(axis);
      }
    }
  };
  check(lowp::mxfp8_e4m3{}, "mxfp8_e4m3");
  check(lowp::mxfp8_e5m2{}, "mxfp8_e5m2");
  check(lowp::mxfp6_e3m2{}, "mxfp6_e3m2");
  check(lowp::mxfp6_e2m3{}, "mxfp6_e2m3");
  check(lowp::mxfp4{}, "mxfp4");
  check(lowp::mxint8{}, "mxint8");
  check(lowp::with_scale_rule<lowp::mxfp4, lowp::scale_rule::ceil>{}, "mxfp4 ceil");
  check(lowp::with_scale_rule<lowp::mxfp4, lowp::scale_rule::even>{}, "mxfp4 even");
}

TEST(BlockStorage, ExpressionsAndDoubleInputs) {
  const Eigen::MatrixXf x = as_matrix(make_input(input_kind::gaussian, 40, 64, 5), 40, 64);
  const Eigen::MatrixXf direct = lowp::fake_quantize<lowp::mxfp4>(x, block_axis::row);
  // A transposed expression, a block of a bigger matrix and double input: the same values.
  const Eigen::MatrixXf xt = x.transpose();
  EXPECT_TRUE(lowp::fake_quantize<lowp::mxfp4>(xt.transpose(), block_axis::row).cwiseEqual(direct).all());
  Eigen::MatrixXf big = Eigen::MatrixXf::Zero(50, 80);
  big.block(3, 7, 40, 64) = x;
  EXPECT_TRUE(
      lowp::fake_quantize<lowp::mxfp4>(big.block(3, 7, 40, 64), block_axis::row).cwiseEqual(direct).all());
  const Eigen::MatrixXd xd = x.cast<double>();
  EXPECT_TRUE(lowp::fake_quantize<lowp::mxfp4>(xd, block_axis::row).cwiseEqual(direct).all());
  EXPECT_TRUE(lowp::fake_quantize<lowp::mxfp4>(x.array(), block_axis::row).cwiseEqual(direct).all());
}

// ---- Stochastic rounding
// ------------------------------------------------------------------------------------

using sr = lowp::rounding::stochastic<>;

TEST(BlockStochastic, ReproducibleWithTheSeed) {
  const Eigen::MatrixXf x = as_matrix(make_input(input_kind::gaussian, 33, 64, 11), 33, 64);
  const Eigen::MatrixXf a = lowp::fake_quantize<lowp::nvfp4, sr>(x, block_axis::row, 42);
  const Eigen::MatrixXf b = lowp::fake_quantize<lowp::nvfp4, sr>(x, block_axis::row, 42);
  const Eigen::MatrixXf c = lowp::fake_quantize<lowp::nvfp4, sr>(x, block_axis::row, 43);
  EXPECT_TRUE(a.cwiseEqual(b).all());
  EXPECT_FALSE(a.cwiseEqual(c).all());
  lowp::sr_stream stream(42);
  EXPECT_TRUE((lowp::fake_quantize<lowp::nvfp4, sr>(x, block_axis::row, stream).cwiseEqual(a).all()));
  // The thread stream, reseeded, gives the same bits as an explicit stream with that seed.
  lowp::seed_stochastic_rounding(42);
  EXPECT_TRUE((lowp::fake_quantize<lowp::nvfp4, sr>(x, block_axis::row).cwiseEqual(a).all()));
  // Element i draws word i of the stream whatever the axis: the codes of one element differ between axes
  // only through the scale, so an all-equal-scale matrix gives the same values along both axes.
  const Eigen::MatrixXf ones_ish = Eigen::MatrixXf::Constant(32, 32, 1.3f);
  const Eigen::MatrixXf by_row = lowp::fake_quantize<lowp::mxfp4, sr>(ones_ish, block_axis::row, 7);
  const Eigen::MatrixXf by_column = lowp::fake_quantize<lowp::mxfp4, sr>(ones_ish, block_axis::column, 7);
  EXPECT_TRUE(by_row.cwiseEqual(by_column).all());
}

// Each result is one of the two values that bracket the scaled input (the oracle's neighbours, same scale
// as round-to-nearest), and the mean over seeds is the input (4.5 standard errors).
template <class F>
void stochastic_is_unbiased(const bo::number_format& element, int trials) {
  const long rows = 4, cols = 32;
  const Eigen::MatrixXf x = as_matrix(make_input(input_kind::gaussian, rows, cols, 3), rows, cols);
  const auto nearest = lowp::quantize<F>(x, block_axis::row);
  const auto list = bo::magnitudes(element);
  Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(rows, cols);
  for (int t = 0; t < trials; ++t) {
    const auto q = lowp::quantize<F, sr>(x, block_axis::row, std::uint64_t(1000 + t));
    for (long c = 0; c < cols; ++c) {
      for (long r = 0; r < rows; ++r) {
        ASSERT_EQ(q.scale_code(r, c), nearest.scale_code(r, c));
        const double scale = q.block_scale(r, c), a = std::fabs(double(x(r, c))) / scale;
        double below = 0, above = list.back().first;
        for (const auto& [v, code] : list) {
          if (v <= a) below = v;
          if (v >= a && v < above) above = v;
        }
        const double got = std::fabs(double(q.value(r, c))) / scale;
        ASSERT_TRUE(got == below || got == above) << a << " -> " << got;
        sum(r, c) += q.value(r, c);
      }
    }
  }
  // The variance is the Bernoulli one of the two neighbours, p (1 - p) (above - below)^2, not a sample
  // estimate (which is 0 when a small p never fired).
  for (long c = 0; c < cols; ++c) {
    for (long r = 0; r < rows; ++r) {
      const double scale = nearest.block_scale(r, c), a = std::fabs(double(x(r, c))) / scale;
      double below = 0, above = list.back().first;
      for (const auto& [v, code] : list) {
        if (v <= a) below = v;
        if (v >= a && v < above) above = v;
      }
      const double p = above == below ? 0.0 : (a - below) / (above - below);
      const double sd = std::sqrt(p * (1 - p) / trials) * (above - below) * scale;
      const double mean = sum(r, c) / trials;
      EXPECT_LE(std::fabs(mean - x(r, c)), 4.5 * sd + 1e-9 * std::fabs(x(r, c)))
          << r << ", " << c << " p " << p;
    }
  }
}

TEST(BlockStochastic, UnbiasedAndBetweenNeighbours) {
  const int trials = quick() ? 300 : 2000;
  stochastic_is_unbiased<lowp::mxfp4>(bo::e2m1, trials);
  stochastic_is_unbiased<lowp::mxfp8_e4m3>(bo::e4m3, trials);
  stochastic_is_unbiased<lowp::mxint8>(bo::integer_format(8, 6), trials);
}

// ---- Bad input
// ------------------------------------------------------------------------------------------------

TEST(BlockBadInput, InvalidAxisAndOutOfRangeAccess) {
  const Eigen::MatrixXf x = Eigen::MatrixXf::Ones(4, 32);
  EXPECT_THROW(lowp::quantize<lowp::mxfp4>(x, static_cast<block_axis>(7)), std::invalid_argument);
  const auto q = lowp::quantize<lowp::mxfp4>(x, block_axis::row);
  EXPECT_THROW((void)q.code(4, 0), std::out_of_range);
  EXPECT_THROW((void)q.value(0, 32), std::out_of_range);
}

}  // namespace
