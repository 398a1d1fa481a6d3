// expect: power-of-two scale rules .* need the E8M0 scale
// MX's floor rule produces an exponent, which only an E8M0 scale can hold: an fp16 scale must be rejected.
#include <lowp/block/block_format.hpp>

using bad = lowp::block_format<lowp::float4_e2m1fn, lowp::float16, 32, lowp::scale_rule::floor>;
static_assert(bad::block_size == 32);
