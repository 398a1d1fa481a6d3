// Random operands for the matrix-unit differential tests, as bit patterns of the reference's formats. Each
// dot product draws one regime: normals at one scale, wide exponent spreads (which exercise the truncation to
// n bits), tiny values (subnormals, zeros of both signs), exact cancellations (products in +/- pairs),
// specials (NaN / Inf operands) or values near the top of the range (overflow). Block scales come with their
// extremes (0x00, 0xFE, NaN codes).
#pragma once

#include <cstdint>
#include <vector>

#include "mma_reference.hpp"

namespace mma_random {

namespace ref = mma_reference;

enum class regime { narrow, wide, tiny, cancel, specials, huge };

struct code_space {
  int bits, exp_bits, man_bits, stored_shift;  // stored_shift: tf32 codes sit in the top 19 bits of fp32
  int max_field;                               // largest exponent field of a finite value
  ref::specials sp;
};

inline code_space space_of(ref::format f) {
  const ref::format_info fi = ref::info(f);
  code_space s{fi.bits, fi.exp_bits, fi.man_bits, 0, 0, fi.sp};
  if (f == ref::format::tf32) s.man_bits = 10, s.stored_shift = 13;
  s.max_field = (1 << fi.exp_bits) - (fi.sp == ref::specials::ieee ? 2 : 1);
  return s;
}

class generator {
 public:
  explicit generator(std::uint64_t seed) : state_(seed) {}

  // splitmix64: cheap, and good enough to pick test inputs (the Mersenne twister was the test's hot spot).
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint64_t bits(int n) { return n >= 64 ? next() : next() & ((std::uint64_t(1) << n) - 1); }
  int uniform(int lo, int hi) { return lo + int(((next() >> 32) * std::uint64_t(hi - lo + 1)) >> 32); }
  bool chance(int percent) { return uniform(0, 99) < percent; }

  regime pick_regime() {
    const int r = uniform(0, 99);
    if (r < 35) return regime::narrow;
    if (r < 55) return regime::wide;
    if (r < 65) return regime::tiny;
    if (r < 80) return regime::cancel;
    if (r < 93) return regime::specials;
    return regime::huge;
  }

  static std::uint64_t assemble(const code_space& s, bool negative, std::uint64_t field, std::uint64_t man) {
    std::uint64_t code = (field << s.man_bits) | man;
    code <<= s.stored_shift;
    if (negative && s.sp != ref::specials::fnuz) code |= std::uint64_t(1) << (s.bits - 1);
    if (negative && s.sp == ref::specials::fnuz && (field | man) != 0)
      code |= std::uint64_t(1) << (s.bits - 1);
    return code;
  }

  std::uint64_t special(const code_space& s) {
    const bool negative = (next() & 1) != 0;
    switch (s.sp) {
      case ref::specials::ieee: {
        const std::uint64_t top = (std::uint64_t(1) << s.exp_bits) - 1;
        const std::uint64_t man = chance(50) ? 0 : (bits(s.man_bits) | 1);  // Inf or a NaN
        return assemble(s, negative, top, man);
      }
      case ref::specials::fn:
        return assemble(s, negative, (std::uint64_t(1) << s.exp_bits) - 1,
                        (std::uint64_t(1) << s.man_bits) - 1);
      case ref::specials::fnuz:
        return std::uint64_t(1) << (s.bits - 1);
      case ref::specials::none:
        return assemble(s, negative, 0, 0);
    }
    return 0;
  }

  // One operand code. `center` is the exponent field the dot product's narrow values cluster around. One
  // random word decides everything but the significand.
  std::uint64_t code(const code_space& s, regime r, int center) {
    const std::uint64_t w = next();
    const bool negative = (w & 1) != 0;
    const int p = int(((w >> 1) & 0xFFFF) * 100 >> 16);
    const int spread = int((w >> 17) & 0xFFFF);
    const std::uint64_t man =
        s.man_bits <= 31 ? (w >> 33) & ((std::uint64_t(1) << s.man_bits) - 1) : bits(s.man_bits);
    if (p < 4) return assemble(s, negative, 0, 0);           // +-0
    if (r == regime::specials && p < 16) return special(s);  // NaN, Inf
    if (p < 7) return assemble(s, negative, 0, man);         // subnormals (and zeros)
    if (r == regime::tiny) return assemble(s, negative, p < 35 ? 1 : 0, man);
    int field;
    if (r == regime::wide) {
      field = 1 + int((std::uint64_t(spread) * std::uint64_t(s.max_field)) >> 16);
    } else if (r == regime::huge) {
      field = s.max_field - int((spread * 3) >> 16);
    } else {
      field = center + int((spread * 7) >> 16) - 3;
    }
    field = field < 1 ? 1 : field > s.max_field ? s.max_field : field;
    return assemble(s, negative, std::uint64_t(field), man);
  }

  // A and B of one dot product, with their regime.
  void operands(ref::format fa, ref::format fb, regime r, std::size_t K, std::vector<std::uint64_t>& a,
                std::vector<std::uint64_t>& b) {
    const code_space sa = space_of(fa), sb = space_of(fb);
    const int ca = uniform(1, sa.max_field), cb = uniform(1, sb.max_field);
    a.resize(K);
    b.resize(K);
    for (std::size_t i = 0; i < K; ++i) {
      a[i] = code(sa, r, ca);
      b[i] = code(sb, r, cb);
    }
    if (r == regime::cancel) {
      // Products in +/- pairs (a negated, b repeated), here and there with a one-ulp difference.
      for (std::size_t i = 1; i < K; i += 2) {
        if (!chance(85)) continue;
        const std::uint64_t sign = std::uint64_t(1) << (sa.bits - 1);
        a[i] = (sa.sp == ref::specials::fnuz && (a[i - 1] & (sign - 1)) == 0) ? a[i - 1] : a[i - 1] ^ sign;
        b[i] = b[i - 1];
        if (chance(15)) a[i] ^= std::uint64_t(1) << sa.stored_shift;
      }
    }
    center_a_ = ca - ((1 << (sa.exp_bits - 1)) - 1);
    center_b_ = cb - ((1 << (sb.exp_bits - 1)) - 1);
  }

  // C in format fc, near the products' scale or anywhere, with zeros of both signs and specials.
  std::uint64_t addend(ref::format fc, regime r) {
    const code_space s = space_of(fc);
    const int bias = (1 << (s.exp_bits - 1)) - 1;
    const int p = uniform(0, 99);
    const bool negative = (next() & 1) != 0;
    if (p < 20 || (r == regime::cancel && p < 60)) return assemble(s, negative, 0, 0);
    if (p < 26)
      return r == regime::specials || chance(30) ? special(s) : assemble(s, negative, 0, bits(s.man_bits));
    if (p < 40) return code(s, regime::wide, 1);
    if (p < 44) return code(s, regime::huge, 1);
    const int near = center_a_ + center_b_ + bias + uniform(-30, 8);
    return code(s, regime::narrow, near < 1 ? 1 : near > s.max_field ? s.max_field : near);
  }

  // Block scale codes: usually moderate, sometimes extreme (0x00, 0xFE), sometimes NaN.
  std::uint8_t scale(ref::scale_format f) {
    const int p = uniform(0, 99);
    if (f == ref::scale_format::ue8m0) {
      if (p < 3) return 0xFF;  // NaN
      if (p < 8) return 0x00;
      if (p < 13) return 0xFE;
      if (p < 25) return std::uint8_t(uniform(0, 254));
      return std::uint8_t(127 + uniform(-20, 20));
    }
    const std::uint8_t sign = chance(50) ? 0x80 : 0x00;     // ignored by the unit
    if (p < 3) return std::uint8_t(sign | 0x7F);            // NaN
    if (p < 8) return sign;                                 // zero
    if (p < 13) return std::uint8_t(sign | 0x7E);           // 448
    if (p < 20) return std::uint8_t(sign | uniform(1, 7));  // subnormal
    return std::uint8_t(sign | uniform(0x08, 0x7E));
  }

  // K around the step width: 1, W-1, W, W+1, 2W+3, 3W+5, 200 and anything up to 2W (0 now and then). Long
  // chains are few: they cost the most, and 2W+3 already chains three steps.
  std::size_t pick_k(int W) {
    const int p = uniform(0, 99);
    const std::size_t w = std::size_t(W);
    if (p < 1) return 0;
    if (p < 12) return 1;
    if (p < 30) return w - 1;
    if (p < 48) return w;
    if (p < 66) return w + 1;
    if (p < 80) return 2 * w + 3;
    if (p < 86) return 3 * w + 5;
    if (p < 88) return 200;
    return std::size_t(uniform(1, 2 * W));
  }

 private:
  std::uint64_t state_;
  int center_a_ = 0, center_b_ = 0;
};

}  // namespace mma_random
