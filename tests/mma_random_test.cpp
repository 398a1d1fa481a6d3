// Randomized differential tests of every lowp::mma unit against the plain reference
// (tests/oracle/mma_reference.hpp, exact integer arithmetic written from MMA.md, no code shared with lowp):
// chained dot products with K around the step width (1, W-1, W, W+1, 2W+3, 3W+5, 200, ...), operands drawn
// per dot product from one regime (normals at one scale, wide exponent spreads, subnormals and signed zeros,
// exact cancellations, NaN / Inf, values near overflow), addends near the products or anywhere, and block
// scales with their extremes (0x00, 0xFE, NaN). Results must agree bit for bit (AMD units and FMA chains: any
// NaN equals any NaN). 10^5 dot products per unit; LOWP_TEST_QUICK=1 (sanitizer builds) runs 1/50 of them.
// Sanitizer builds also define LOWP_TEST_UNIT_SUBSET (tests/CMakeLists.txt): the FP8/FP6/FP4 and MX pairings
// then pair each format with itself only (89 of the 221 units; every format and architecture still runs),
// to halve that build's compile time; the GCC build checks all 221.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <lowp/mma.hpp>

#include "oracle/mma_lowp_units.hpp"
#include "oracle/mma_random_inputs.hpp"
#include "oracle/mma_reference.hpp"

namespace {

namespace ref = mma_reference;
namespace mma = lowp::mma;
using mma_units::code_of;
using mma_units::format_of;
using mma_units::from_code;

bool quick() {
  return std::getenv("LOWP_TEST_QUICK") != nullptr;
}
int cases_per_unit() {
  return quick() ? 2000 : 100000;
}

std::string hex_list(const std::vector<std::uint64_t>& v) {
  std::ostringstream s;
  s << std::hex;
  for (std::size_t i = 0; i < v.size(); ++i) s << (i ? " " : "") << v[i];
  return s.str();
}

bool is_nan_code(ref::format f, std::uint64_t code) {
  return f == ref::format::fp16   ? ((code & 0x7C00) == 0x7C00 && (code & 0x3FF) != 0)
         : f == ref::format::fp64 ? std::isnan(ref::fp64_value(code))
                                  : std::isnan(ref::fp32_value(std::uint32_t(code)));
}

template <class U>
ref::format d_format() {
  return format_of<typename U::d_type>();
}

std::uint64_t seed_of(const std::string& name) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a: a fixed seed per unit, reproducible
  for (char ch : name) h = (h ^ std::uint8_t(ch)) * 1099511628211ull;
  return h;
}

// Every case of one plain unit; returns the number of mismatches (the first few are reported in full).
template <class U>
void check_plain_unit(const std::string& name) {
  using A = typename U::a_type;
  using B = typename U::b_type;
  using D = typename U::d_type;
  using Arch = typename U::arch;
  const mma_units::plain_model model = mma_units::model_of<Arch, A, B, D>();
  EXPECT_EQ(U::fused_width, model.W) << name << ": W differs from MMA.md's table";
  if (model.kind == mma_units::plain_model::nv_fda) {
    EXPECT_EQ(U::fraction_bits, model.n) << name << ": n differs from MMA.md's table";
  }
  constexpr bool any_nan = mma_units::any_nan<Arch, A>();
  mma_random::generator gen(seed_of(name));
  const ref::format fa = format_of<A>(), fb = format_of<B>(), fd = d_format<U>();
  std::vector<std::uint64_t> a, b;
  std::vector<A> x;
  std::vector<B> y;
  int mismatches = 0;
  const int n = cases_per_unit();
  for (int t = 0; t < n; ++t) {
    const mma_random::regime r = gen.pick_regime();
    const std::size_t K = gen.pick_k(model.W);
    gen.operands(fa, fb, r, K, a, b);
    const std::uint64_t c = gen.addend(fd, r);
    x.resize(K);
    y.resize(K);
    for (std::size_t i = 0; i < K; ++i) {
      x[i] = from_code<A>(a[i]);
      y[i] = from_code<B>(b[i]);
    }
    const std::uint64_t want = mma_units::reference_dot<Arch, A, B, D>(a, b, c);
    const std::uint64_t got =
        code_of(mma::dot<U>(std::span<const A>(x), std::span<const B>(y), from_code<D>(c)));
    const bool same = got == want || (any_nan && is_nan_code(fd, got) && is_nan_code(fd, want));
    if (!same) {
      if (++mismatches <= 3)
        ADD_FAILURE() << name << " K=" << K << "\n  a: " << hex_list(a) << "\n  b: " << hex_list(b)
                      << std::hex << "\n  c: " << c << "\n  reference " << want << ", lowp " << got;
    }
  }
  EXPECT_EQ(mismatches, 0) << name << ": " << mismatches << " of " << n << " dot products differ";
}

template <class U>
void check_block_unit(const std::string& name) {
  using FA = typename U::a_type;
  using FB = typename U::b_type;
  using EA = typename U::a_element;
  using EB = typename U::b_element;
  using SA = typename U::a_scale;
  using SB = typename U::b_scale;
  constexpr bool fp4 = mma_units::fp4_kind<FA, FB>();
  const int W = fp4 ? 64 : 32;
  EXPECT_EQ(U::block_size, FA::block_size);
  mma_random::generator gen(seed_of(name));
  const ref::format fa = format_of<EA>(), fb = format_of<EB>();
  const ref::scale_format sfa = mma_units::scale_format_of<FA>(), sfb = mma_units::scale_format_of<FB>();
  std::vector<std::uint64_t> a, b;
  std::vector<EA> x;
  std::vector<EB> y;
  std::vector<SA> xs;
  std::vector<SB> ys;
  int mismatches = 0;
  const int n = cases_per_unit();
  for (int t = 0; t < n; ++t) {
    const mma_random::regime r = gen.pick_regime();
    const std::size_t K = gen.pick_k(W);
    gen.operands(fa, fb, r, K, a, b);
    const std::size_t blocks = (K + std::size_t(FA::block_size) - 1) / std::size_t(FA::block_size);
    std::vector<std::uint8_t> sa(blocks), sb(blocks);
    for (std::size_t i = 0; i < blocks; ++i) {
      sa[i] = gen.scale(sfa);
      sb[i] = gen.scale(sfb);
    }
    const std::uint32_t c = std::uint32_t(gen.addend(ref::format::fp32, r));
    x.resize(K);
    y.resize(K);
    xs.resize(blocks);
    ys.resize(blocks);
    for (std::size_t i = 0; i < K; ++i) {
      x[i] = from_code<EA>(a[i]);
      y[i] = from_code<EB>(b[i]);
    }
    for (std::size_t i = 0; i < blocks; ++i) {
      xs[i] = SA::from_bits(sa[i]);
      ys[i] = SB::from_bits(sb[i]);
    }
    const std::vector<std::uint32_t> a32(a.begin(), a.end()), b32(b.begin(), b.end());
    const std::uint32_t want = mma_units::reference_block_dot<FA, FB>(a32, sa, b32, sb, c);
    const std::uint32_t got = std::uint32_t(
        code_of(mma::dot<U>(std::span<const EA>(x), std::span<const SA>(xs), std::span<const EB>(y),
                            std::span<const SB>(ys), ref::fp32_value(c))));
    if (got != want) {
      if (++mismatches <= 3) {
        std::vector<std::uint64_t> sa64(sa.begin(), sa.end()), sb64(sb.begin(), sb.end());
        ADD_FAILURE() << name << " K=" << K << "\n  a: " << hex_list(a) << "\n  sa: " << hex_list(sa64)
                      << "\n  b: " << hex_list(b) << "\n  sb: " << hex_list(sb64) << std::hex
                      << "\n  c: " << c << "\n  reference " << want << ", lowp " << got;
      }
    }
  }
  EXPECT_EQ(mismatches, 0) << name << ": " << mismatches << " of " << n << " dot products differ";
}

template <class T>
const char* type_name() {
  return ref::name(format_of<T>());
}

// Every (A, B) pair of the listed element types through unit<Arch, A, B, D>.
template <class Arch, class D, class A, class... Bs>
void pairs_with(const std::string& arch) {
  (check_plain_unit<mma::unit<Arch, A, Bs, D>>(arch + " " + type_name<A>() + "x" + type_name<Bs>() + "->" +
                                               type_name<D>()),
   ...);
}
template <class Arch, class D, class... Ts>
void all_pairs(const std::string& arch) {
#if LOWP_TEST_UNIT_SUBSET
  (pairs_with<Arch, D, Ts, Ts>(arch), ...);
#else
  (pairs_with<Arch, D, Ts, Ts...>(arch), ...);
#endif
}

#define LOWP_MMA_PLAIN(Arch, A, B, D) \
  check_plain_unit<mma::unit<mma::Arch, A, B, D>>(#Arch " " #A "x" #B "->" #D)

using lowp::bfloat16;
using lowp::float16;
using lowp::tfloat32;
using e4m3 = lowp::float8_e4m3fn;
using e5m2 = lowp::float8_e5m2;

TEST(MmaRandom, VoltaTuringAmpere) {
  LOWP_MMA_PLAIN(volta, float16, float16, float);
  LOWP_MMA_PLAIN(volta, float16, float16, float16);
  LOWP_MMA_PLAIN(turing, float16, float16, float);
  LOWP_MMA_PLAIN(turing, float16, float16, float16);
  LOWP_MMA_PLAIN(ampere, float16, float16, float);
  LOWP_MMA_PLAIN(ampere, float16, float16, float16);
  LOWP_MMA_PLAIN(ampere, bfloat16, bfloat16, float);
  LOWP_MMA_PLAIN(ampere, tfloat32, tfloat32, float);
  LOWP_MMA_PLAIN(ampere, double, double, double);
}

TEST(MmaRandom, Ada) {
  LOWP_MMA_PLAIN(ada, float16, float16, float);
  LOWP_MMA_PLAIN(ada, float16, float16, float16);
  LOWP_MMA_PLAIN(ada, bfloat16, bfloat16, float);
  LOWP_MMA_PLAIN(ada, tfloat32, tfloat32, float);
  all_pairs<mma::ada, float, e4m3, e5m2>("ada");
  all_pairs<mma::ada, float16, e4m3, e5m2>("ada");
}

TEST(MmaRandom, Hopper) {
  LOWP_MMA_PLAIN(hopper, float16, float16, float);
  LOWP_MMA_PLAIN(hopper, float16, float16, float16);
  LOWP_MMA_PLAIN(hopper, bfloat16, bfloat16, float);
  LOWP_MMA_PLAIN(hopper, tfloat32, tfloat32, float);
  LOWP_MMA_PLAIN(hopper, double, double, double);
  all_pairs<mma::hopper, float, e4m3, e5m2>("hopper");
  all_pairs<mma::hopper, float16, e4m3, e5m2>("hopper");
}

TEST(MmaRandom, BlackwellMmaSync) {
  LOWP_MMA_PLAIN(blackwell_mma_sync, float16, float16, float);
  LOWP_MMA_PLAIN(blackwell_mma_sync, float16, float16, float16);
  LOWP_MMA_PLAIN(blackwell_mma_sync, bfloat16, bfloat16, float);
  LOWP_MMA_PLAIN(blackwell_mma_sync, tfloat32, tfloat32, float);
  all_pairs<mma::blackwell_mma_sync, float, e4m3, e5m2>("blackwell_mma_sync");
}

template <class Arch>
void blackwell_plain(const std::string& arch) {
  check_plain_unit<mma::unit<Arch, float16, float16, float>>(arch + " f16->f32");
  check_plain_unit<mma::unit<Arch, float16, float16, float16>>(arch + " f16->f16");
  check_plain_unit<mma::unit<Arch, bfloat16, bfloat16, float>>(arch + " bf16->f32");
  check_plain_unit<mma::unit<Arch, tfloat32, tfloat32, float>>(arch + " tf32->f32");
  all_pairs<Arch, float, e4m3, e5m2, lowp::float6_e3m2fn, lowp::float6_e2m3fn, lowp::float4_e2m1fn>(arch);
  all_pairs<Arch, float16, e4m3, e5m2, lowp::float6_e3m2fn, lowp::float6_e2m3fn, lowp::float4_e2m1fn>(arch);
}

TEST(MmaRandom, BlackwellTcgen05Plain) {
  blackwell_plain<mma::blackwell>("blackwell");
}
TEST(MmaRandom, RtxBlackwellPlain) {
  blackwell_plain<mma::rtx_blackwell>("rtx_blackwell");
}

// kind::mxf8f6f4: every pairing of the MX formats except mxfp4 x mxfp4 (that is kind::mxf4).
template <class Arch, class FA, class... FBs>
void mx_pairs_with(const std::string& arch) {
  const auto one = [&]<class FB>() {
    if constexpr (!(std::is_same_v<FA, lowp::mxfp4> && std::is_same_v<FB, lowp::mxfp4>))
      check_block_unit<mma::unit<Arch, FA, FB, float>>(arch + " mx " +
                                                       type_name<typename FA::element_type>() + "x" +
                                                       type_name<typename FB::element_type>());
  };
  (one.template operator()<FBs>(), ...);
}
template <class Arch, class... Fs>
void mx_all_pairs(const std::string& arch) {
#if LOWP_TEST_UNIT_SUBSET
  (mx_pairs_with<Arch, Fs, Fs>(arch), ...);
#else
  (mx_pairs_with<Arch, Fs, Fs...>(arch), ...);
#endif
}

template <class Arch>
void blackwell_block(const std::string& arch) {
  mx_all_pairs<Arch, lowp::mxfp8_e4m3, lowp::mxfp8_e5m2, lowp::mxfp6_e3m2, lowp::mxfp6_e2m3, lowp::mxfp4>(
      arch);
  check_block_unit<mma::unit<Arch, lowp::mxfp4, lowp::mxfp4, float>>(arch + " mxf4 ue8m0 b32");
  check_block_unit<mma::unit<Arch, mma_units::mxfp4_b16, mma_units::mxfp4_b16, float>>(arch +
                                                                                       " mxf4nvf4 ue8m0 b16");
  check_block_unit<mma::unit<Arch, lowp::nvfp4, lowp::nvfp4, float>>(arch + " mxf4nvf4 ue4m3 b16 (nvfp4)");
}

TEST(MmaRandom, BlackwellTcgen05BlockScaled) {
  blackwell_block<mma::blackwell>("blackwell");
}
TEST(MmaRandom, RtxBlackwellBlockScaled) {
  blackwell_block<mma::rtx_blackwell>("rtx_blackwell");
  check_block_unit<mma::unit<mma::rtx_blackwell, mma_units::nvfp4_b32, mma_units::nvfp4_b32, float>>(
      "rtx_blackwell mxf4nvf4 ue4m3 b32");
}

TEST(MmaRandom, Cdna) {
  LOWP_MMA_PLAIN(cdna1, float, float, float);
  LOWP_MMA_PLAIN(cdna1, float16, float16, float);
  LOWP_MMA_PLAIN(cdna1, bfloat16, bfloat16, float);
  LOWP_MMA_PLAIN(cdna2, float, float, float);
  LOWP_MMA_PLAIN(cdna2, double, double, double);
  LOWP_MMA_PLAIN(cdna2, float16, float16, float);
  LOWP_MMA_PLAIN(cdna2, bfloat16, bfloat16, float);
  LOWP_MMA_PLAIN(cdna3, float16, float16, float);
  LOWP_MMA_PLAIN(cdna3, bfloat16, bfloat16, float);
  LOWP_MMA_PLAIN(cdna3, tfloat32, tfloat32, float);
  LOWP_MMA_PLAIN(cdna3, float, float, float);
  LOWP_MMA_PLAIN(cdna3, double, double, double);
  all_pairs<mma::cdna3, float, lowp::float8_e4m3fnuz, lowp::float8_e5m2fnuz>("cdna3");
}

}  // namespace

namespace {

// The random inputs must be able to fail the tests above: over the same draws, the reference with the unit's
// parameters and the reference with a neighbouring parameter (one more fraction bit, half the step width,
// an e8m13 vs fp32 output) must disagree often. A generator that only produced easy cases would show here.
TEST(MmaRandom, InputsSeparateNeighbouringModels) {
  mma_random::generator gen(7);
  const ref::nv_unit hopper{ref::format::fp16, ref::format::fp16, ref::nv_output::f32, 16, 25};
  ref::nv_unit more_bits = hopper, narrower = hopper;
  more_bits.n = 26;
  narrower.W = 8;
  const ref::nv_unit fp8{ref::format::e4m3, ref::format::e5m2, ref::nv_output::e8m13, 32, 13};
  ref::nv_unit fp8_f32 = fp8;
  fp8_f32.out = ref::nv_output::f32;
  int differ_n = 0, differ_w = 0, differ_out = 0;
  const int n = 4000;
  std::vector<std::uint64_t> a, b;
  for (int t = 0; t < n; ++t) {
    const auto r = gen.pick_regime();
    gen.operands(ref::format::fp16, ref::format::fp16, r, gen.pick_k(16), a, b);
    const std::uint32_t c = std::uint32_t(gen.addend(ref::format::fp32, r));
    const std::vector<std::uint32_t> x(a.begin(), a.end()), y(b.begin(), b.end());
    const std::uint32_t base = ref::nv_dot(hopper, x, y, c);
    differ_n += base != ref::nv_dot(more_bits, x, y, c);
    differ_w += base != ref::nv_dot(narrower, x, y, c);
    gen.operands(ref::format::e4m3, ref::format::e5m2, r, gen.pick_k(32), a, b);
    const std::vector<std::uint32_t> p(a.begin(), a.end()), q(b.begin(), b.end());
    differ_out += ref::nv_dot(fp8, p, q, c) != ref::nv_dot(fp8_f32, p, q, c);
  }
  std::printf("  of %d draws: n 25 vs 26 differ in %d, W 16 vs 8 in %d, e8m13 vs fp32 output in %d\n", n,
              differ_n, differ_w, differ_out);
  EXPECT_GT(differ_n, n / 50);
  EXPECT_GT(differ_w, n / 50);
  EXPECT_GT(differ_out, n / 40);
}

}  // namespace
