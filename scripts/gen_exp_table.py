"""Prints the float64 exp table and reduction constants of rust/src/kernels/vmath.rs.

  python3 scripts/gen_exp_table.py

- EXP2_16_HI[j] + EXP2_16_LO[j] = 2^(j/16) for j = 0..15: the value rounded
  to float64, and the rest rounded (the pair is within 2^-106 relative);
- LN2_16_HI: ln(2)/16 with 38 significant bits, so that m * LN2_16_HI is
  exact for |m| < 2^15 (m = round(x * 16/ln 2), |x| <= 746); LN2_16_LO the
  rest, rounded;
- INV_LN2_16: 16/ln(2) rounded.

Computed in 60-digit decimal arithmetic (the standard library's Decimal,
whose power and ln are correctly rounded to the context's precision).
"""

import math
from decimal import Decimal, getcontext

getcontext().prec = 60


def main():
    hi, lo = [], []
    for j in range(16):
        v = Decimal(2) ** (Decimal(j) / 16)
        h = float(v)
        hi.append(h)
        lo.append(float(v - Decimal(h)))
    l16 = Decimal(2).ln() / 16
    m, e = math.frexp(float(l16))
    head = math.ldexp(math.floor(m * 2**38) / 2**38, e)
    print("const EXP2_16_HI: [f64; 16] = [" + ", ".join(repr(x) for x in hi) + "];")
    print("const EXP2_16_LO: [f64; 16] = [" + ", ".join(repr(x) for x in lo) + "];")
    print(f"const LN2_16_HI: f64 = {head!r};")
    print(f"const LN2_16_LO: f64 = {float(l16 - Decimal(head))!r};")
    print(f"const INV_LN2_16: f64 = {float(16 / Decimal(2).ln())!r};")


if __name__ == "__main__":
    main()
