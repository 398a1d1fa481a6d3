// fmt and ostream output of every scalar family. Expected texts are worked out by hand from the encodings
// (e.g. 1.375 = 1.011b * 2^0: e4m3fn exponent field 0 + 7 = 0111, fraction 011), not taken from lowp.
#include <sstream>

#include <gtest/gtest.h>

#include <lowp/fmt.hpp>

namespace {

TEST(Format, MinifloatValueHexFields) {
  const lowp::float8_e4m3fn x(1.375f);
  EXPECT_EQ(fmt::format("{}", x), "1.4");  // shortest text that reads back: neighbours are 1.25 and 1.5
  EXPECT_EQ(fmt::format("{:x}", x), "0x3b");
  EXPECT_EQ(fmt::format("{:b}", x), "0|0111|011");
  EXPECT_EQ(fmt::format("{:b}", lowp::float8_e4m3fn(-0.0f)), "1|0000|000");
  EXPECT_EQ(fmt::format("{:b}", lowp::float4_e2m1fn(6.0f)), "0|11|1");
  EXPECT_EQ(fmt::format("{:x} {:b}", lowp::bfloat16(1.0f), lowp::bfloat16(1.0f)),
            "0x3f80 0|01111111|0000000");
  EXPECT_EQ(fmt::format("{:x} {:b}", lowp::float16(-2.0f), lowp::float16(-2.0f)),
            "0xc000 1|10000|0000000000");
  // e8m0 has no sign and no fraction: 2^0 is code 127.
  EXPECT_EQ(fmt::format("{:x} {:b}", lowp::float8_e8m0fnu(1.0f), lowp::float8_e8m0fnu(1.0f)),
            "0x7f 01111111");
  // Shortest round trip: 0.3 rounds to 0.3125 in e4m3fn, and "0.3" reads back to the same code.
  EXPECT_EQ(fmt::format("{}", lowp::float8_e4m3fn(0.3f)), "0.3");
  EXPECT_EQ(fmt::format("{}", lowp::float8_e5m2(57344.0f)), "57344");
  EXPECT_EQ(fmt::format("{}", lowp::float16(std::numeric_limits<float>::infinity())), "inf");
}

TEST(Format, FillAlignWidth) {
  const lowp::float8_e4m3fn x(1.5f);
  EXPECT_EQ(fmt::format("[{:>6}]", x), "[   1.5]");
  EXPECT_EQ(fmt::format("[{:<6}]", x), "[1.5   ]");
  EXPECT_EQ(fmt::format("[{:*^7}]", x), "[**1.5**]");
  EXPECT_EQ(fmt::format("[{:_>6x}]", x), "[__0x3c]");
}

TEST(Format, PositAndIntegerFamilies) {
  // posit16 (ES = 2) 1.0: sign 0, regime "10" (k = 0), exponent 00, fraction all zeros: 0x4000.
  EXPECT_EQ(fmt::format("{} {:x} {:b}", lowp::posit16(1.0), lowp::posit16(1.0), lowp::posit16(1.0)),
            "1 0x4000 0|10|00|00000000000");
  EXPECT_EQ(fmt::format("{}", std::numeric_limits<lowp::posit8>::quiet_NaN()), "NaR");
  EXPECT_EQ(fmt::format("{} {:b}", lowp::uint4(9), lowp::uint4(9)), "9 1001");
}

TEST(Format, BadSpecThrowsWithAMessage) {
  const lowp::float16 x(1.0f);
  try {
    (void)fmt::format(fmt::runtime("{:q}"), x);
    FAIL() << "a bad spec must throw";
  } catch (const fmt::format_error& error) {
    EXPECT_NE(std::string(error.what()).find("x (hex code) or b (fields)"), std::string::npos)
        << error.what();
  }
  EXPECT_THROW((void)fmt::format(fmt::runtime("{:b3}"), lowp::posit8(1.0)), fmt::format_error);
}

TEST(Format, OstreamMatchesShortestText) {
  std::ostringstream out;
  out << lowp::float8_e4m3fn(0.3f) << ' ' << lowp::posit16(0.1) << ' ' << lowp::int4(-3);
  EXPECT_EQ(out.str(), "0.3 0.1 -3");
}

}  // namespace
