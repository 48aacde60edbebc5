"""Reproduces the two fitted polynomials in rust/src/kernels/vmath.rs.

  pip install numpy mpmath && python3 scripts/fit_vmath_poly.py

- LOG_R (float64 log): R(z)/z = (2 atanh(s)/s - 2)/z with z = s^2 on
  [0, ((sqrt 2 - 1)/(sqrt 2 + 1))^2], degree 6, least squares relative to
  the function on 400 Chebyshev nodes, in 60-digit arithmetic.
- LOG_P_F (float32 log): P(f) = (log(1 + f) - f + f^2/2) / f^3 on
  [sqrt(1/2) - 1, sqrt(2) - 1], degree 8, least squares on 3000 Chebyshev
  nodes weighted by f^2 / (log(1 + f) / f) (P's error as it reaches the
  result), the coefficients rounded to float32.
- COS_CF[1..] (float32 cos): cos(r) = 1 - z/2 + z^2 (c1 + c2 z + c3 z^2),
  z = r^2 on [0, pi/4], least squares (absolute) on 2000 Chebyshev nodes,
  the coefficients rounded to float32.

Prints the coefficients and the maximum error of each fit after rounding.
"""

import math

import numpy as np
from mpmath import atanh, cos, log1p, lu_solve, matrix, mp, mpf, pi, sqrt

mp.dps = 60


def fit_log_r(deg=6, nodes=400):
    zmax = ((sqrt(2) - 1) / (sqrt(2) + 1)) ** 2

    def g(z):
        s = sqrt(z)
        return (2 * atanh(s) / s - 2) / z

    zs = [zmax * (1 - cos(pi * (i + mpf(0.5)) / nodes)) / 2 for i in range(nodes)]
    a = matrix(nodes, deg + 1)
    b = matrix(nodes, 1)
    for i, z in enumerate(zs):
        w = 1 / g(z)
        for j in range(deg + 1):
            a[i, j] = z**j * w
        b[i] = g(z) * w
    c = lu_solve(a.T * a, a.T * b)
    cs = [float(c[j]) for j in range(deg + 1)]
    worst = 0
    for k in range(1, 3001):
        z = zmax * k / 3000
        p = mpf(0)
        for cj in reversed(cs):
            p = p * z + mpf(cj)
        worst = max(worst, abs(p - g(z)) / g(z))
    return cs, float(worst)


def fit_log_p(deg=8, nodes=3000):
    lo, hi = float(sqrt(mpf(0.5)) - 1), float(sqrt(mpf(2)) - 1)
    xs = np.array(
        [(lo + hi) / 2 + (hi - lo) / 2 * math.cos(math.pi * (i + 0.5) / nodes) for i in range(nodes)]
    )

    def p(f):
        f = mpf(f)
        return (log1p(f) - f + f * f / 2) / f**3

    def l1(f):  # log(1 + f) / f
        return float(log1p(mpf(f)) / f)

    ys = np.array([float(p(x)) for x in xs])
    w = np.maximum(xs**2 / np.abs([l1(x) for x in xs]), 1e-3)
    a = np.vstack([xs**j for j in range(deg + 1)]).T
    c, *_ = np.linalg.lstsq(a * w[:, None], ys * w, rcond=None)
    c32 = np.float32(c).astype(np.float64)
    t = np.linspace(lo, hi, 4001)
    t = t[np.abs(t) > 1e-9]
    err = max(abs((np.polyval(c32[::-1], x) - float(p(x))) * x * x / l1(x)) for x in t)
    return [float(np.float32(v)) for v in c], float(err)


def fit_cos_c(nodes=2000):
    r_max = math.pi / 4
    rs = [abs(mpf(r_max) * cos(pi * (i + 0.5) / nodes)) for i in range(nodes)]
    a = np.array([[float(r**4), float(r**6), float(r**8)] for r in rs])
    b = np.array([float(cos(r) - 1 + r * r / 2) for r in rs])
    c, *_ = np.linalg.lstsq(a, b, rcond=None)
    c32 = np.float32(c).astype(np.float64)
    x = np.linspace(0, r_max, 100001)
    z = x * x
    approx = 1 - z / 2 + z * z * (c32[0] + z * (c32[1] + z * c32[2]))
    return [float(np.float32(v)) for v in c], float(np.max(np.abs(approx - np.cos(x))))


if __name__ == "__main__":
    cs, err = fit_log_r()
    print(f"LOG_R (max relative error of R/z: 2^{math.log2(err):.1f})")
    for v in cs:
        print(f"    {v!r},")
    lp, err = fit_log_p()
    print(f"LOG_P_F as float32 (max error reaching log(1 + f), relative: 2^{math.log2(err):.1f})")
    print("   ", ", ".join(repr(np.float32(v).item()) for v in lp))
    cc, err = fit_cos_c()
    print(f"COS_CF[1..] as float32 (max absolute error of cos: {err:.2e})")
    print("   ", ", ".join(repr(np.float32(v).item()) for v in cc))
