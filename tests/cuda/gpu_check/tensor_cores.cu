// scripts/gpu_check.sh, part (c): real tensor-core instructions (mma.sync) against lowp::mma on the host,
// bit for bit. Per instruction and operand types: random tiles (a warp computes D = A B + C for a 16 x 8
// tile over K = 4 instruction steps, chained through the accumulator) and every hand-made vector of MMA.md
// §11 whose operand and output types the instruction takes (row 0 of A, column 0 of B, C[0][0]; the rest
// of the tile zero; K padded with zeros to whole instructions, the same padded vectors going to lowp).
// The lowp unit is the one for this GPU: sm_80/86/87 ampere, sm_89 ada, sm_90 hopper, sm_100/103
// blackwell_mma_sync, sm_120/121 rtx_blackwell. Prints a Markdown section; exit status 1 on a mismatch.
// wgmma (sm_90a) is not exercised: Hopper's mma.sync fp8 is modelled as wgmma k32 (MMA.md §12 item 7).
#include <cstdint>
#include <cstdio>
#include <random>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <cuda_runtime.h>

#include <lowp/float/minifloat.hpp>
#include <lowp/mma/architectures.hpp>
#include <lowp/mma/dot.hpp>
#include <lowp/mma/unit.hpp>

#include "oracle/mma_vectors.hpp"

namespace {

enum class elem { f16, bf16, tf32, e4m3, e5m2 };
LOWP_HOST_DEVICE constexpr int element_bits(elem e) {
  return e == elem::tf32 ? 32 : e == elem::e4m3 || e == elem::e5m2 ? 8 : 16;
}

// One mma.sync form: operand types, output f32 or f16, k per instruction.
template <elem A, elem B, bool F16Out>
struct instruction {
  static constexpr elem a = A, b = B;
  static constexpr bool f16_out = F16Out;
  static constexpr int k = element_bits(A) == 8 ? 32 : element_bits(A) == 16 ? 16 : 8;
  static constexpr int min_sm = element_bits(A) == 8 ? 89 : 80;
};

constexpr std::uint32_t not_compiled = 0xdeadbeefu;

// a: 16 x K codes row-major; b: 8 columns of K codes (column-major); c, d: 16 x 8 codes row-major (f32 or f16
// bits). One warp per tile.
template <class I>
__global__ void mma_kernel(const std::uint32_t* a_all, const std::uint32_t* b_all, const std::uint32_t* c_all,
                           std::uint32_t* d_all, int K) {
  const int tile = blockIdx.x, lane = threadIdx.x, g = lane >> 2, t = lane & 3;
  const std::uint32_t* a = a_all + std::size_t(tile) * 16 * K;
  const std::uint32_t* b = b_all + std::size_t(tile) * 8 * K;
  const std::uint32_t* c = c_all + std::size_t(tile) * 128;
  std::uint32_t* d = d_all + std::size_t(tile) * 128;
  const auto A = [&](int row, int col) { return a[row * K + col]; };
  const auto B = [&](int kk, int n) { return b[n * K + kk]; };
  // Accumulator registers: f32 (g, 2t), (g, 2t+1), (g+8, 2t), (g+8, 2t+1); f16 pairs of the same.
  std::uint32_t acc[4] = {c[g * 8 + 2 * t], c[g * 8 + 2 * t + 1], c[(g + 8) * 8 + 2 * t],
                          c[(g + 8) * 8 + 2 * t + 1]};
  std::uint32_t acc16[2] = {acc[0] | acc[1] << 16, acc[2] | acc[3] << 16};
  bool compiled = true;
  for (int k0 = 0; k0 < K; k0 += I::k) {
    std::uint32_t ra[4], rb[2];
    if constexpr (element_bits(I::a) == 16) {
      for (int r = 0; r < 4; ++r) {
        const int row = g + 8 * (r % 2), col = k0 + 2 * t + 8 * (r / 2);
        ra[r] = A(row, col) | A(row, col + 1) << 16;
      }
      for (int r = 0; r < 2; ++r) rb[r] = B(k0 + 2 * t + 8 * r, g) | B(k0 + 2 * t + 8 * r + 1, g) << 16;
    } else if constexpr (element_bits(I::a) == 32) {
      for (int r = 0; r < 4; ++r) ra[r] = A(g + 8 * (r % 2), k0 + t + 4 * (r / 2));
      for (int r = 0; r < 2; ++r) rb[r] = B(k0 + t + 4 * r, g);
    } else {
      for (int r = 0; r < 4; ++r) {
        ra[r] = 0;
        for (int j = 0; j < 4; ++j) ra[r] |= A(g + 8 * (r % 2), k0 + 4 * t + j + 16 * (r / 2)) << (8 * j);
      }
      for (int r = 0; r < 2; ++r) {
        rb[r] = 0;
        for (int j = 0; j < 4; ++j) rb[r] |= B(k0 + 4 * t + j + 16 * r, g) << (8 * j);
      }
    }
#define LOWP_MMA_F32(SHAPE_TYPES)                                                                       \
  asm volatile("mma.sync.aligned." SHAPE_TYPES " {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};" \
               : "+r"(acc[0]), "+r"(acc[1]), "+r"(acc[2]), "+r"(acc[3])                                 \
               : "r"(ra[0]), "r"(ra[1]), "r"(ra[2]), "r"(ra[3]), "r"(rb[0]), "r"(rb[1]))
#define LOWP_MMA_F16(SHAPE_TYPES)                                                           \
  asm volatile("mma.sync.aligned." SHAPE_TYPES " {%0,%1}, {%2,%3,%4,%5}, {%6,%7}, {%0,%1};" \
               : "+r"(acc16[0]), "+r"(acc16[1])                                             \
               : "r"(ra[0]), "r"(ra[1]), "r"(ra[2]), "r"(ra[3]), "r"(rb[0]), "r"(rb[1]))
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    if constexpr (I::a == elem::f16 && !I::f16_out) LOWP_MMA_F32("m16n8k16.row.col.f32.f16.f16.f32");
    if constexpr (I::a == elem::f16 && I::f16_out) LOWP_MMA_F16("m16n8k16.row.col.f16.f16.f16.f16");
    if constexpr (I::a == elem::bf16) LOWP_MMA_F32("m16n8k16.row.col.f32.bf16.bf16.f32");
    if constexpr (I::a == elem::tf32) LOWP_MMA_F32("m16n8k8.row.col.f32.tf32.tf32.f32");
#else
    compiled = false;
#endif
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 890
    if constexpr (I::a == elem::e4m3 && I::b == elem::e4m3 && !I::f16_out)
      LOWP_MMA_F32("m16n8k32.row.col.f32.e4m3.e4m3.f32");
    if constexpr (I::a == elem::e4m3 && I::b == elem::e5m2 && !I::f16_out)
      LOWP_MMA_F32("m16n8k32.row.col.f32.e4m3.e5m2.f32");
    if constexpr (I::a == elem::e5m2 && I::b == elem::e4m3 && !I::f16_out)
      LOWP_MMA_F32("m16n8k32.row.col.f32.e5m2.e4m3.f32");
    if constexpr (I::a == elem::e5m2 && I::b == elem::e5m2 && !I::f16_out)
      LOWP_MMA_F32("m16n8k32.row.col.f32.e5m2.e5m2.f32");
    if constexpr (I::a == elem::e4m3 && I::b == elem::e4m3 && I::f16_out)
      LOWP_MMA_F16("m16n8k32.row.col.f16.e4m3.e4m3.f16");
    if constexpr (I::a == elem::e4m3 && I::b == elem::e5m2 && I::f16_out)
      LOWP_MMA_F16("m16n8k32.row.col.f16.e4m3.e5m2.f16");
    if constexpr (I::a == elem::e5m2 && I::b == elem::e4m3 && I::f16_out)
      LOWP_MMA_F16("m16n8k32.row.col.f16.e5m2.e4m3.f16");
    if constexpr (I::a == elem::e5m2 && I::b == elem::e5m2 && I::f16_out)
      LOWP_MMA_F16("m16n8k32.row.col.f16.e5m2.e5m2.f16");
#else
    if constexpr (element_bits(I::a) == 8) compiled = false;
#endif
#undef LOWP_MMA_F32
#undef LOWP_MMA_F16
  }
  if (I::f16_out) {
    acc[0] = acc16[0] & 0xffffu, acc[1] = acc16[0] >> 16, acc[2] = acc16[1] & 0xffffu,
    acc[3] = acc16[1] >> 16;
  }
  if (!compiled) acc[0] = acc[1] = acc[2] = acc[3] = not_compiled;
  d[g * 8 + 2 * t] = acc[0];
  d[g * 8 + 2 * t + 1] = acc[1];
  d[(g + 8) * 8 + 2 * t] = acc[2];
  d[(g + 8) * 8 + 2 * t + 1] = acc[3];
}

// ---- host side ----------------------------------------------------------------------------------------

template <elem E>
using lowp_type = std::conditional_t<
    E == elem::f16, lowp::float16,
    std::conditional_t<
        E == elem::bf16, lowp::bfloat16,
        std::conditional_t<E == elem::tf32, lowp::tfloat32,
                           std::conditional_t<E == elem::e4m3, lowp::float8_e4m3fn, lowp::float8_e5m2>>>>;

template <elem E>
lowp_type<E> operand(std::uint32_t code) {
  if constexpr (E == elem::tf32) {
    return lowp::mma::truncate_to_tfloat32(lowp::core::bit_cast<float>(code));  // what the hardware reads
  } else {
    return lowp_type<E>::from_bits(code);
  }
}

struct tiles {
  int count, K;
  std::vector<std::uint32_t> a, b, c, d;
};

bool check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) std::printf("\n**%s failed: %s**\n", what, cudaGetErrorString(status));
  return status == cudaSuccess;
}

// Runs the instruction on the GPU over all tiles; false if CUDA failed.
template <class I>
bool run_on_gpu(tiles& t) {
  std::uint32_t *a, *b, *c, *d;
  const std::size_t na = t.a.size() * 4, nb = t.b.size() * 4, nc = t.c.size() * 4;
  if (!check(cudaMalloc(&a, na), "cudaMalloc") || !check(cudaMalloc(&b, nb), "cudaMalloc") ||
      !check(cudaMalloc(&c, nc), "cudaMalloc") || !check(cudaMalloc(&d, nc), "cudaMalloc"))
    return false;
  cudaMemcpy(a, t.a.data(), na, cudaMemcpyHostToDevice);
  cudaMemcpy(b, t.b.data(), nb, cudaMemcpyHostToDevice);
  cudaMemcpy(c, t.c.data(), nc, cudaMemcpyHostToDevice);
  mma_kernel<I><<<t.count, 32>>>(a, b, c, d, t.K);
  const bool ok =
      check(cudaGetLastError(), "mma_kernel launch") && check(cudaDeviceSynchronize(), "mma_kernel");
  t.d.resize(t.c.size());
  cudaMemcpy(t.d.data(), d, nc, cudaMemcpyDeviceToHost);
  cudaFree(a), cudaFree(b), cudaFree(c), cudaFree(d);
  return ok;
}

// lowp's D for element (i, j) of tile n.
template <class Unit, class I>
std::uint32_t lowp_result(const tiles& t, int n, int i, int j) {
  std::vector<typename Unit::a_type> x(t.K);
  std::vector<typename Unit::b_type> y(t.K);
  for (int k = 0; k < t.K; ++k) {
    x[k] = operand<I::a>(t.a[(std::size_t(n) * 16 + i) * t.K + k]);
    y[k] = operand<I::b>(t.b[(std::size_t(n) * 8 + j) * t.K + k]);
  }
  const std::uint32_t c = t.c[std::size_t(n) * 128 + i * 8 + j];
  using D = typename Unit::d_type;
  if constexpr (std::is_same_v<D, float>) {
    return lowp::core::bit_cast<std::uint32_t>(lowp::mma::dot<Unit>(std::span<const typename Unit::a_type>(x),
                                                                    std::span<const typename Unit::b_type>(y),
                                                                    lowp::core::bit_cast<float>(c)));
  } else {
    return lowp::mma::dot<Unit>(std::span<const typename Unit::a_type>(x),
                                std::span<const typename Unit::b_type>(y), D::from_bits(c))
        .bits();
  }
}

// A random code of E, finite, mostly near 1 so products align and cancel, sometimes anywhere, sometimes 0.
template <elem E>
std::uint32_t random_code(std::mt19937_64& rng) {
  const std::uint64_t r = rng();
  const int kind = int(r % 10);
  if (kind == 0) return 0;
  if constexpr (E == elem::f16) {
    const std::uint32_t exponent =
        kind <= 2 ? std::uint32_t(r >> 8) % 31 : 15 + std::uint32_t(r >> 8) % 11 - 5;
    return std::uint32_t(r >> 20) % 2 << 15 | exponent << 10 | std::uint32_t(r >> 24) % 1024;
  } else if constexpr (E == elem::bf16) {
    const std::uint32_t exponent =
        kind <= 2 ? std::uint32_t(r >> 8) % 255 : 127 + std::uint32_t(r >> 8) % 17 - 8;
    return std::uint32_t(r >> 20) % 2 << 15 | exponent << 7 | std::uint32_t(r >> 24) % 128;
  } else if constexpr (E == elem::tf32) {
    const std::uint32_t exponent =
        kind <= 2 ? std::uint32_t(r >> 8) % 255 : 127 + std::uint32_t(r >> 8) % 17 - 8;
    return std::uint32_t(r >> 20) % 2 << 31 | exponent << 23 |
           std::uint32_t(r >> 32) % (1u << 23);  // low bits too
  } else if constexpr (E == elem::e4m3) {
    const std::uint32_t code = std::uint32_t(r >> 8) % 256;
    return (code & 0x7f) == 0x7f ? code ^ 1 : code;  // not NaN
  } else {
    const std::uint32_t code = std::uint32_t(r >> 8) % 256;
    return (code & 0x7c) == 0x7c ? code & 0x83 : code;  // not Inf/NaN
  }
}

template <bool F16>
std::uint32_t random_c(std::mt19937_64& rng) {
  const std::uint64_t r = rng();
  if (r % 8 == 0) return 0;
  if constexpr (F16)
    return std::uint32_t(r >> 20) % 2 << 15 | (15 + std::uint32_t(r >> 8) % 9 - 4) << 10 |
           std::uint32_t(r >> 24) % 1024;
  return std::uint32_t(r >> 20) % 2 << 31 | (127 + std::uint32_t(r >> 8) % 9 - 4) << 23 |
         std::uint32_t(r >> 32) % (1u << 23);
}

struct parsed_types {
  bool ok;
  elem a;
  bool f16_out;
};
// "nv_ampere_mma_f16_f32" -> (f16, f32 out); models whose A type is not a plain mma.sync type are skipped.
parsed_types parse_model(const std::string& model) {
  const std::size_t last = model.rfind('_'), before = model.rfind('_', last - 1);
  const std::string a = model.substr(before + 1, last - before - 1), d = model.substr(last + 1);
  if (d != "f32" && d != "f16") return {false, elem::f16, false};
  if (a == "f16") return {true, elem::f16, d == "f16"};
  if (a == "bf16") return {true, elem::bf16, d == "f16"};
  if (a == "tf32") return {true, elem::tf32, d == "f16"};
  if (a == "e4m3") return {true, elem::e4m3, d == "f16"};
  if (a == "e5m2") return {true, elem::e5m2, d == "f16"};
  return {false, elem::f16, false};
}

int total_mismatches = 0;

template <class Arch>
constexpr const char* arch_name() {
  namespace mma = lowp::mma;
  if constexpr (std::is_same_v<Arch, mma::ampere>) return "ampere";
  if constexpr (std::is_same_v<Arch, mma::ada>) return "ada";
  if constexpr (std::is_same_v<Arch, mma::hopper>) return "hopper";
  if constexpr (std::is_same_v<Arch, mma::blackwell_mma_sync>) return "blackwell_mma_sync";
  if constexpr (std::is_same_v<Arch, mma::rtx_blackwell>) return "rtx_blackwell";
  return "?";
}

template <class Arch, class I>
void check_instruction(const char* name, int sm) {
  using Unit = lowp::mma::unit<Arch, lowp_type<I::a>, lowp_type<I::b>,
                               std::conditional_t<I::f16_out, lowp::float16, float>>;
  std::printf("\n### %s (lowp::mma::unit<%s, ...>)\n\n", name, arch_name<Arch>());
  if (sm < I::min_sm) {
    std::printf("Not on sm_%d.\n", sm);
    return;
  }
  // Random tiles.
  std::mt19937_64 rng(20261207);
  tiles t{2048, 4 * I::k, {}, {}, {}, {}};
  t.a.resize(std::size_t(t.count) * 16 * t.K), t.b.resize(std::size_t(t.count) * 8 * t.K),
      t.c.resize(std::size_t(t.count) * 128);
  for (auto& x : t.a) x = random_code<I::a>(rng);
  for (auto& x : t.b) x = random_code<I::b>(rng);
  for (auto& x : t.c) x = random_c<I::f16_out>(rng);
  if (!run_on_gpu<I>(t)) return;
  if (t.d[0] == not_compiled) {
    std::printf(
        "The instruction was not compiled for this GPU (build with CMAKE_CUDA_ARCHITECTURES=native).\n");
    return;
  }
  int mismatches = 0;
  for (int n = 0; n < t.count; ++n) {
    for (int i = 0; i < 16; ++i) {
      for (int j = 0; j < 8; ++j) {
        const std::uint32_t gpu = t.d[std::size_t(n) * 128 + i * 8 + j],
                            mine = lowp_result<Unit, I>(t, n, i, j);
        if (gpu != mine && ++mismatches <= 5) {
          std::printf("- random tile %d, D(%d,%d): GPU 0x%08x, lowp 0x%08x\n", n, i, j, gpu, mine);
        }
      }
    }
  }
  std::printf("Random: %d mismatches in %d dot products (K = %d).\n\n", mismatches, t.count * 128, t.K);
  total_mismatches += mismatches;

  // MMA.md §11 vectors with these operand and output types.
  std::printf(
      "| MMA.md §11 # | its model | K | GPU D | lowp D | MMA.md's expected D (its model) "
      "|\n|---|---|---|---|---|---|\n");
  int vector_mismatches = 0;
  for (const auto& v : mma_vectors::all()) {
    const parsed_types p = parse_model(v.model);
    if (!p.ok || p.a != I::a || p.f16_out != I::f16_out || (I::a != I::b)) continue;
    const int K = (v.K + I::k - 1) / I::k * I::k;
    tiles one{1,
              K,
              std::vector<std::uint32_t>(16 * K),
              std::vector<std::uint32_t>(8 * K),
              std::vector<std::uint32_t>(128),
              {}};
    const auto a = mma_vectors::parse_entries(v.a, v.K), b = mma_vectors::parse_entries(v.b, v.K);
    for (int k = 0; k < v.K; ++k) one.a[k] = std::uint32_t(a[k]), one.b[k] = std::uint32_t(b[k]);
    one.c[0] = std::uint32_t(mma_vectors::parse_hex(v.c));
    if (!run_on_gpu<I>(one)) return;
    const std::uint32_t gpu = one.d[0], mine = lowp_result<Unit, I>(one, 0, 0, 0);
    if (gpu != mine) ++vector_mismatches;
    std::printf("| %d | %s | %d | 0x%08x | 0x%08x%s | 0x%s |\n", v.number, v.model, v.K, gpu, mine,
                gpu != mine ? " **differs**" : "", v.expected);
  }
  std::printf("\nVectors: %d mismatches between the GPU and lowp.\n", vector_mismatches);
  total_mismatches += vector_mismatches;
}

template <class Arch>
void check_all(int sm) {
  using lowp::mma::ada, lowp::mma::ampere, lowp::mma::blackwell_mma_sync;
  check_instruction<Arch, instruction<elem::f16, elem::f16, false>>("mma.sync m16n8k16 f32 <- f16 x f16", sm);
  check_instruction<Arch, instruction<elem::f16, elem::f16, true>>("mma.sync m16n8k16 f16 <- f16 x f16", sm);
  check_instruction<Arch, instruction<elem::bf16, elem::bf16, false>>("mma.sync m16n8k16 f32 <- bf16 x bf16",
                                                                      sm);
  check_instruction<Arch, instruction<elem::tf32, elem::tf32, false>>("mma.sync m16n8k8 f32 <- tf32 x tf32",
                                                                      sm);
  if constexpr (!std::is_same_v<Arch, ampere>) {
    check_instruction<Arch, instruction<elem::e4m3, elem::e4m3, false>>(
        "mma.sync m16n8k32 f32 <- e4m3 x e4m3", sm);
    check_instruction<Arch, instruction<elem::e4m3, elem::e5m2, false>>(
        "mma.sync m16n8k32 f32 <- e4m3 x e5m2", sm);
    check_instruction<Arch, instruction<elem::e5m2, elem::e4m3, false>>(
        "mma.sync m16n8k32 f32 <- e5m2 x e4m3", sm);
    check_instruction<Arch, instruction<elem::e5m2, elem::e5m2, false>>(
        "mma.sync m16n8k32 f32 <- e5m2 x e5m2", sm);
  }
  if constexpr (!std::is_same_v<Arch, ampere> && !std::is_same_v<Arch, blackwell_mma_sync>) {
    check_instruction<Arch, instruction<elem::e4m3, elem::e4m3, true>>("mma.sync m16n8k32 f16 <- e4m3 x e4m3",
                                                                       sm);
    check_instruction<Arch, instruction<elem::e5m2, elem::e5m2, true>>("mma.sync m16n8k32 f16 <- e5m2 x e5m2",
                                                                       sm);
  }
}

}  // namespace

int main() {
  int device = 0;
  cudaDeviceProp prop{};
  if (!check(cudaGetDevice(&device), "cudaGetDevice") ||
      !check(cudaGetDeviceProperties(&prop, device), "cudaGetDeviceProperties"))
    return 2;
  const int sm = prop.major * 10 + prop.minor;
  std::printf("## Tensor cores (%s, sm_%d) against lowp::mma\n", prop.name, sm);
  if (sm == 80 || sm == 86 || sm == 87) {
    check_all<lowp::mma::ampere>(sm);
  } else if (sm == 89) {
    check_all<lowp::mma::ada>(sm);
  } else if (sm == 90) {
    check_all<lowp::mma::hopper>(sm);
  } else if (sm == 100 || sm == 103) {
    check_all<lowp::mma::blackwell_mma_sync>(sm);
  } else if (sm == 120 || sm == 121) {
    check_all<lowp::mma::rtx_blackwell>(sm);
  } else {
    std::printf("\nNo lowp::mma model of mma.sync for sm_%d: nothing compared.\n", sm);
    return 0;
  }
  std::printf(
      "\nMMA.md §12, settled for this GPU by the §11 rows above: item 1, zero operands in the alignment (#9: "
      "bf16\n"
      "0 x 2^127 next to a small product; MMA-Sim's convention gives 0x35800000, dropping zero products "
      "gives\n"
      "0x35820200 as #50); item 2, the alignment floor for tiny results (#18-#20 against #48-#51: an "
      "exponent\n"
      "floor of -126 gives #18-#20's expected D, K&M's lower floors give #48, #49 and #51's). Where the GPU\n"
      "column differs from lowp, lowp's model does not follow this hardware yet.\n");
  std::printf("\nTotal: %d mismatches between this GPU's tensor cores and lowp::mma.\n", total_mismatches);
  return total_mismatches == 0 ? 0 : 1;
}
