// Every hand-made vector of MMA.md §11 that names a unit lowp has, through lowp::mma::dot<unit<...>>: one
// test per vector (MmaVectors/Section11.Vector/<number>). Each vector separates its unit from plain fp32
// accumulation or from a neighbouring unit (the table's "reason" column). The K&M comparison models (km_*:
// #39, #48-#51) are Khattak & Mikaitis' MATLAB models, not lowp units: they get no test here (the list below
// leaves them out; EveryNonKmVectorHasAUnit counts the rest). The same vectors check the reference itself in
// mma_oracle_test.
#include "oracle/mma_vectors.hpp"

#include <bit>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <lowp/mma.hpp>

#include "oracle/mma_lowp_units.hpp"

namespace {

namespace mma = lowp::mma;
using lowp::bfloat16;
using lowp::float16;
using lowp::tfloat32;
using mma_units::code_of;

// An operand from the table's hex: TF32 entries are fp32 patterns, which the hardware truncates (MMA.md §2),
// so they go through lowp::mma::truncate_to_tfloat32 -- vector #10 is about exactly that.
template <class T>
T operand_from(std::uint64_t code) {
  if constexpr (std::is_same_v<T, tfloat32>) {
    return mma::truncate_to_tfloat32(std::bit_cast<float>(std::uint32_t(code)));
  } else {
    return mma_units::from_code<T>(code);
  }
}

template <class U>
std::uint64_t run_plain(const mma_vectors::vector_case& v) {
  using A = typename U::a_type;
  using B = typename U::b_type;
  using D = typename U::d_type;
  std::vector<A> a;
  std::vector<B> b;
  for (std::uint64_t x : mma_vectors::parse_entries(v.a, v.K)) a.push_back(operand_from<A>(x));
  for (std::uint64_t x : mma_vectors::parse_entries(v.b, v.K)) b.push_back(operand_from<B>(x));
  const D c = mma_units::from_code<D>(mma_vectors::parse_hex(v.c));
  return code_of(mma::dot<U>(std::span<const A>(a), std::span<const B>(b), c));
}

template <class U>
std::uint64_t run_block(const mma_vectors::vector_case& v) {
  using EA = typename U::a_element;
  using EB = typename U::b_element;
  using SA = typename U::a_scale;
  using SB = typename U::b_scale;
  std::vector<EA> a;
  std::vector<EB> b;
  std::vector<SA> sa;
  std::vector<SB> sb;
  for (std::uint64_t x : mma_vectors::parse_entries(v.a, v.K)) a.push_back(EA::from_bits(std::uint8_t(x)));
  for (std::uint64_t x : mma_vectors::parse_entries(v.b, v.K)) b.push_back(EB::from_bits(std::uint8_t(x)));
  for (std::uint8_t x : mma_vectors::parse_scales(v.scales, "sa")) sa.push_back(SA::from_bits(x));
  for (std::uint8_t x : mma_vectors::parse_scales(v.scales, "sb")) sb.push_back(SB::from_bits(x));
  const float c = std::bit_cast<float>(std::uint32_t(mma_vectors::parse_hex(v.c)));
  return code_of(mma::dot<U>(std::span<const EA>(a), std::span<const SA>(sa), std::span<const EB>(b),
                             std::span<const SB>(sb), c));
}

using runner = std::function<std::uint64_t(const mma_vectors::vector_case&)>;

// MMA.md's model names (§8) -> lowp units (MMA_API.md).
const std::map<std::string, runner>& units() {
  using e4m3 = lowp::float8_e4m3fn;
  using e5m2 = lowp::float8_e5m2;
  static const std::map<std::string, runner> table = {
      {"nv_volta_mma_f16_f32", run_plain<mma::unit<mma::volta, float16, float16, float>>},
      {"nv_volta_mma_f16_f16", run_plain<mma::unit<mma::volta, float16, float16, float16>>},
      {"nv_ampere_mma_f16_f32", run_plain<mma::unit<mma::ampere, float16, float16, float>>},
      {"nv_ampere_mma_bf16_f32", run_plain<mma::unit<mma::ampere, bfloat16, bfloat16, float>>},
      {"nv_ampere_mma_tf32_f32", run_plain<mma::unit<mma::ampere, tfloat32, tfloat32, float>>},
      {"nv_ampere_mma_f64_f64", run_plain<mma::unit<mma::ampere, double, double, double>>},
      {"nv_ada_mma_e4m3_f32", run_plain<mma::unit<mma::ada, e4m3, e4m3, float>>},
      {"nv_hopper_wgmma_e4m3_f32", run_plain<mma::unit<mma::hopper, e4m3, e4m3, float>>},
      {"nv_hopper_wgmma_e4m3_f16", run_plain<mma::unit<mma::hopper, e4m3, e4m3, float16>>},
      {"nv_hopper_wgmma_f16_f32", run_plain<mma::unit<mma::hopper, float16, float16, float>>},
      {"nv_hopper_wgmma_f16_f16", run_plain<mma::unit<mma::hopper, float16, float16, float16>>},
      {"nv_hopper_mma_f16_f16", run_plain<mma::unit<mma::hopper, float16, float16, float16>>},
      {"nv_hopper_wgmma_bf16_f32", run_plain<mma::unit<mma::hopper, bfloat16, bfloat16, float>>},
      {"nv_blackwell_tcgen05_e5m2_f32", run_plain<mma::unit<mma::blackwell, e5m2, e5m2, float>>},
      {"nv_blackwell_tcgen05_e4m3_f32", run_plain<mma::unit<mma::blackwell, e4m3, e4m3, float>>},
      {"nv_blackwell_tcgen05_f16_f32", run_plain<mma::unit<mma::blackwell, float16, float16, float>>},
      {"nv_blackwell_tcgen05_mxf8f6f4_e4m3",
       run_block<mma::unit<mma::blackwell, lowp::mxfp8_e4m3, lowp::mxfp8_e4m3, float>>},
      {"nv_blackwell_tcgen05_mxf4nvf4_ue8m0_b16",
       run_block<mma::unit<mma::blackwell, mma_units::mxfp4_b16, mma_units::mxfp4_b16, float>>},
      {"nv_blackwell_tcgen05_mxf4nvf4_ue8m0_b32",
       run_block<mma::unit<mma::blackwell, lowp::mxfp4, lowp::mxfp4, float>>},
      {"nv_blackwell_tcgen05_mxf4nvf4_ue4m3_b16",
       run_block<mma::unit<mma::blackwell, lowp::nvfp4, lowp::nvfp4, float>>},
      {"nv_blackwell_mma_e4m3_f32", run_plain<mma::unit<mma::blackwell_mma_sync, e4m3, e4m3, float>>},
      {"amd_cdna3_mfma_f16_f32", run_plain<mma::unit<mma::cdna3, float16, float16, float>>},
      {"amd_cdna3_mfma_fp8_f32",
       run_plain<mma::unit<mma::cdna3, lowp::float8_e4m3fnuz, lowp::float8_e4m3fnuz, float>>},
      {"amd_cdna3_mfma_xf32_f32", run_plain<mma::unit<mma::cdna3, tfloat32, tfloat32, float>>},
      {"amd_cdna3_mfma_f32_f32", run_plain<mma::unit<mma::cdna3, float, float, float>>},
      {"amd_cdna1_mfma_f16_f32", run_plain<mma::unit<mma::cdna1, float16, float16, float>>},
      {"amd_cdna2_mfma_f16_f32", run_plain<mma::unit<mma::cdna2, float16, float16, float>>},
  };
  return table;
}

class Section11 : public ::testing::TestWithParam<int> {};

TEST_P(Section11, Vector) {
  const auto& v = mma_vectors::all().at(std::size_t(GetParam()));
  const auto it = units().find(v.model);
  ASSERT_NE(it, units().end()) << "#" << v.number << ": no lowp unit mapped for " << v.model;
  const std::uint64_t got = it->second(v);
  EXPECT_EQ(got, mma_vectors::parse_hex(v.expected))
      << "MMA.md §11 vector #" << v.number << " (" << v.model << ", K=" << v.K << "): expected " << v.expected
      << ", lowp gives " << std::hex << got;
}

// Indices of the vectors that name a lowp unit (every row but the K&M models).
std::vector<int> lowp_vectors() {
  std::vector<int> out;
  for (std::size_t i = 0; i < mma_vectors::all().size(); ++i)
    if (!mma_vectors::is_km(mma_vectors::all()[i])) out.push_back(int(i));
  return out;
}

INSTANTIATE_TEST_SUITE_P(MmaVectors, Section11, ::testing::ValuesIn(lowp_vectors()),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::to_string(mma_vectors::all().at(std::size_t(info.param)).number);
                         });

// Every model name of the table is either a lowp unit here or a K&M model: nothing is silently dropped.
TEST(MmaVectors, EveryNonKmVectorHasAUnit) {
  int mapped = 0;
  for (const auto& v : mma_vectors::all()) {
    if (mma_vectors::is_km(v)) continue;
    EXPECT_TRUE(units().count(v.model)) << v.model;
    ++mapped;
  }
  EXPECT_EQ(mapped, 46);
}

}  // namespace
