// The cache-blocked GEMM driver shared by lmul_gemm and lowp::gemm's fp32 (fma) path. A kernel type says how
// one element of A and one of B are packed (as 32-bit patterns) and how one product is added into an fp32
// accumulator; the driver does the blocking, packing and edge handling (after Goto and van de Geijn, "Anatomy
// of high-performance matrix multiplication", 2008: kc x nc panels of B, mc x kc panels of A, a register
// tile).
//
// Summation order: every C(i, j) is a chain over k = 0, 1, ..., K-1 from +0. K is cut into blocks of kc, and
// between blocks the partial sum is stored in C as a float and reloaded, so the chain, and each rounding in
// it, is exactly the one of a plain triple loop `s = +0; for k: s = step(s, A(i,k), B(k,j))`.
// With lowp::threads{n} the columns of C are split over n threads (each packs its own panels); a column's
// chains do not depend on which other columns share its panels, so the result is the same for every n.
//
// Tile modes (a kernel chooses one per pair of packed panels from their recorded ranges):
//   unchecked     every product is the kernel's one-operation form;
//   zeros in A    the same, except that products with a zero element of A are not added (they are +-0, and
//                 a chain from +0 is never -0, so adding them would change nothing);
//   zeros in A, B the same for zero elements of either operand;
//   checked       the kernel's complete product, for panels with other special values or range edges.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include <Eigen/Core>

#include "../core/lanes.hpp"
#include "parallel_ranges.hpp"

namespace lowp::detail {

inline constexpr int gemm_vector_lanes = core::lane_count<core::f32_lanes>;

// A float matrix with contiguous columns, bound without a copy where the argument allows (a MatrixXf, a
// block of columns, a Map), else evaluated once into a temporary.
using float_matrix_ref = Eigen::Ref<const Eigen::MatrixXf>;

enum class tile_mode { unchecked, zeros_in_a, zeros_in_a_and_b, checked };

// Per packed panel, as the kernel measures its real (not padding) elements: whether any is zero, and the
// smallest and largest nonzero magnitude (sign bit cleared). Updated without branches, so that packing
// loops vectorise: the smallest nonzero magnitude is the unsigned minimum of magnitude - 1, plus 1.
struct panel_range {
  std::uint32_t smallest_less_one = 0xffffffffu;  // zero wraps to the largest value and never wins
  std::uint32_t largest = 0;
  std::uint32_t smallest_or_zero = 0xffffffffu;
  void include(std::uint32_t magnitude) {
    smallest_less_one = std::min(smallest_less_one, magnitude - 1u);
    largest = std::max(largest, magnitude);
    smallest_or_zero = std::min(smallest_or_zero, magnitude);
  }
  void merge(const panel_range& other) {
    smallest_less_one = std::min(smallest_less_one, other.smallest_less_one);
    largest = std::max(largest, other.largest);
    smallest_or_zero = std::min(smallest_or_zero, other.smallest_or_zero);
  }
  bool has_zero() const { return smallest_or_zero == 0; }
  // 0xffffffff when there is no nonzero element.
  std::uint32_t smallest() const {
    return smallest_less_one == 0xffffffffu ? 0xffffffffu : smallest_less_one + 1;
  }
};

// The register tile: rows = 2 vectors of A's rows, Kernel::tile_columns columns of B; `c` column-major.
// `b_nonzero` holds, beside each packed element of B, all ones where it is nonzero and 0 where it is zero.
template <class Kernel, tile_mode Mode>
inline void gemm_register_tile(Eigen::Index depth, const std::uint32_t* packed_a,
                               const std::uint32_t* packed_b, const std::uint32_t* b_nonzero, float* c,
                               Eigen::Index ldc, bool first) {
  constexpr int V = gemm_vector_lanes, NR = Kernel::tile_columns;
  using core::f32_lanes;
  using core::u32_lanes;
  f32_lanes acc[NR][2];
  for (int j = 0; j < NR; ++j) {
    for (int v = 0; v < 2; ++v) {
      if (first) {
        acc[j][v] = core::splat<f32_lanes>(0.0f);
      } else {
        std::memcpy(&acc[j][v], c + j * ldc + v * V, sizeof(f32_lanes));
      }
    }
  }
  for (Eigen::Index k = 0; k < depth; ++k) {
    u32_lanes a[2];
    std::memcpy(&a[0], packed_a + k * 2 * V, sizeof(u32_lanes));
    std::memcpy(&a[1], packed_a + k * 2 * V + V, sizeof(u32_lanes));
    const std::uint32_t* b = packed_b + k * NR;
    if constexpr (Mode == tile_mode::unchecked || Mode == tile_mode::checked) {
      for (int j = 0; j < NR; ++j) {
        for (int v = 0; v < 2; ++v) {
          acc[j][v] = Kernel::template step<Mode == tile_mode::unchecked>(acc[j][v], a[v], b[j]);
        }
      }
    } else {
      u32_lanes a_nonzero[2];
      for (int v = 0; v < 2; ++v) a_nonzero[v] = Kernel::nonzero_lanes(a[v]);
      for (int j = 0; j < NR; ++j) {
        for (int v = 0; v < 2; ++v) {
          const f32_lanes sum = Kernel::template step<true>(acc[j][v], a[v], b[j]);
          if constexpr (Mode == tile_mode::zeros_in_a) {
            acc[j][v] = core::select(a_nonzero[v] != 0u, sum, acc[j][v]);
          } else {
            const std::uint32_t b_keep = b_nonzero[k * NR + j];
            acc[j][v] = core::select((a_nonzero[v] & b_keep) != 0u, sum, acc[j][v]);
          }
        }
      }
    }
  }
  for (int j = 0; j < NR; ++j) {
    for (int v = 0; v < 2; ++v) std::memcpy(c + j * ldc + v * V, &acc[j][v], sizeof(f32_lanes));
  }
}

template <class Kernel>
inline void gemm_run_tile(tile_mode mode, Eigen::Index depth, const std::uint32_t* pa,
                          const std::uint32_t* pb, const std::uint32_t* b_nonzero, float* c, Eigen::Index ldc,
                          bool first) {
  switch (mode) {
    case tile_mode::unchecked:
      return gemm_register_tile<Kernel, tile_mode::unchecked>(depth, pa, pb, b_nonzero, c, ldc, first);
    case tile_mode::zeros_in_a:
      if constexpr (Kernel::has_zero_modes) {
        return gemm_register_tile<Kernel, tile_mode::zeros_in_a>(depth, pa, pb, b_nonzero, c, ldc, first);
      }
      break;
    case tile_mode::zeros_in_a_and_b:
      if constexpr (Kernel::has_zero_modes) {
        return gemm_register_tile<Kernel, tile_mode::zeros_in_a_and_b>(depth, pa, pb, b_nonzero, c, ldc,
                                                                       first);
      }
      break;
    case tile_mode::checked:
      break;
  }
  gemm_register_tile<Kernel, tile_mode::checked>(depth, pa, pb, b_nonzero, c, ldc, first);
}

// C = A * B into column-major storage c with leading dimension ldc >= A's row count.
template <class Kernel>
void blocked_gemm_into(const float_matrix_ref& a, const float_matrix_ref& b, float* c_data,
                       Eigen::Index ldc) {
  using Eigen::Index;
  constexpr Index MR = 2 * gemm_vector_lanes, NR = Kernel::tile_columns;
  // kc * MR and kc * NR patterns stay in L1, an mc x kc block of A in L2, a kc x nc block of B in L2/L3.
  constexpr Index kc = 256, mc = 8 * MR, nc = 64 * NR;
  const Index m = a.rows(), n = b.cols(), depth = a.cols();
  if (m == 0 || n == 0) return;
  if (depth == 0) {
    for (Index j = 0; j < n; ++j) std::fill(c_data + j * ldc, c_data + j * ldc + m, 0.0f);
    return;
  }
  const auto round_up = [](Index x, Index to) { return (x + to - 1) / to * to; };
  const Index k_max = std::min(kc, depth), m_max = round_up(std::min(mc, m), MR),
              n_max = round_up(std::min(nc, n), NR);
  std::vector<std::uint32_t> packed_a(static_cast<std::size_t>(m_max * k_max));
  std::vector<std::uint32_t> packed_b(static_cast<std::size_t>(n_max * k_max));
  std::vector<std::uint32_t> b_nonzero(Kernel::has_zero_modes ? packed_b.size() : 0);
  std::vector<panel_range> a_ranges(static_cast<std::size_t>(m_max / MR));
  std::vector<panel_range> b_ranges(static_cast<std::size_t>(n_max / NR));
  alignas(64) float edge[MR * NR] = {};

  for (Index jc = 0; jc < n; jc += nc) {
    const Index n_block = std::min(nc, n - jc);
    for (Index pc = 0; pc < depth; pc += kc) {
      const Index k_block = std::min(kc, depth - pc);
      // B block -> panels of NR columns, k-major; missing columns padded (their results are discarded).
      for (Index jp = 0; jp * NR < n_block; ++jp) {
        const Index offset = jp * NR * k_block;
        panel_range range;
        for (Index jj = 0; jj < NR; ++jj) {
          const Index col = jc + jp * NR + jj;
          if (col >= n) {
            for (Index k = 0; k < k_block; ++k) packed_b[offset + k * NR + jj] = Kernel::padding_b;
            if constexpr (Kernel::has_zero_modes) {
              for (Index k = 0; k < k_block; ++k) b_nonzero[offset + k * NR + jj] = 0u;
            }
            continue;
          }
          const float* source = b.data() + col * b.outerStride() + pc;
          panel_range column;
          for (Index k = 0; k < k_block; ++k) {
            packed_b[offset + k * NR + jj] = Kernel::pack_b(source[k]);
            const std::uint32_t magnitude = Kernel::magnitude(source[k]);
            column.include(magnitude);
            if constexpr (Kernel::has_zero_modes) b_nonzero[offset + k * NR + jj] = magnitude != 0 ? ~0u : 0u;
          }
          range.merge(column);
        }
        b_ranges[jp] = range;
      }
      for (Index ic = 0; ic < m; ic += mc) {
        const Index m_block = std::min(mc, m - ic);
        for (Index ip = 0; ip * MR < m_block; ++ip) {
          std::uint32_t* panel = packed_a.data() + ip * MR * k_block;
          panel_range range;
          const Index row0 = ic + ip * MR, rows = std::min(MR, m - row0);
          for (Index k = 0; k < k_block; ++k) {
            const float* source = a.data() + (pc + k) * a.outerStride() + row0;
            std::uint32_t* target = panel + k * MR;
            panel_range column;
            for (Index ii = 0; ii < rows; ++ii) {
              target[ii] = Kernel::pack_a(source[ii]);
              column.include(Kernel::magnitude(source[ii]));
            }
            for (Index ii = rows; ii < MR; ++ii) target[ii] = Kernel::padding_a;
            range.merge(column);
          }
          a_ranges[ip] = range;
        }
        for (Index jp = 0; jp * NR < n_block; ++jp) {
          const Index col0 = jc + jp * NR, cols = std::min(NR, n - col0);
          for (Index ip = 0; ip * MR < m_block; ++ip) {
            const Index row0 = ic + ip * MR, rows = std::min(MR, m - row0);
            const std::uint32_t* pa = packed_a.data() + ip * MR * k_block;
            const std::uint32_t* pb = packed_b.data() + jp * NR * k_block;
            const std::uint32_t* nonzero =
                Kernel::has_zero_modes ? b_nonzero.data() + jp * NR * k_block : nullptr;
            const bool full = rows == MR && cols == NR;
            float* target = full ? c_data + col0 * ldc + row0 : edge;
            const Index ld = full ? ldc : MR;
            if (!full && pc != 0) {
              for (Index j = 0; j < cols; ++j) {
                std::memcpy(edge + j * MR, c_data + (col0 + j) * ldc + row0, rows * sizeof(float));
              }
            }
            gemm_run_tile<Kernel>(Kernel::choose_mode(a_ranges[ip], b_ranges[jp]), k_block, pa, pb, nonzero,
                                  target, ld, pc == 0);
            if (!full) {
              for (Index j = 0; j < cols; ++j) {
                std::memcpy(c_data + (col0 + j) * ldc + row0, edge + j * MR, rows * sizeof(float));
              }
            }
          }
        }
      }
    }
  }
}

// C = A * B, C's columns split over `workers` threads in whole register tiles.
template <class Kernel>
Eigen::MatrixXf blocked_gemm(const float_matrix_ref& a, const float_matrix_ref& b, threads workers = {}) {
  Eigen::MatrixXf c(a.rows(), b.cols());
  parallel_ranges(b.cols(), workers, Kernel::tile_columns, [&](std::ptrdiff_t first, std::ptrdiff_t last) {
    blocked_gemm_into<Kernel>(a, b.middleCols(first, last - first), c.data() + first * c.rows(), c.rows());
  });
  return c;
}

}  // namespace lowp::detail
