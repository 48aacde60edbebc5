#!/usr/bin/env python3
"""Generates tests/fixtures/einsum.json: np.einsum over common subscripts
(matmul, batched matmul, transpose, trace, diagonal, sums, outer and inner
products, bilinear forms, chains of three operands, ellipses, implicit
output) for int64 and float64 operands.

    python3 scripts/gen_fixtures_einsum.py
"""
import json
import pathlib

import numpy as np
from _fixture_enc import enc

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "einsum.json"


CASES = [
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("ij,jk", [(3, 4), (4, 5)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 2)]),
    ("ij->ji", [(3, 4)]),
    ("ii", [(4, 4)]),
    ("ii->i", [(4, 4)]),
    ("ij->", [(3, 4)]),
    ("ij->j", [(3, 4)]),
    ("i,i", [(5,), (5,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("ij,ij->ij", [(3, 4), (3, 4)]),
    ("ij,ij->", [(3, 4), (3, 4)]),
    ("i,ij,j->", [(3,), (3, 4), (4,)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("...ij,...jk->...ik", [(2, 3, 4), (4, 5)]),
    ("...i,...i->...", [(2, 3, 4), (2, 3, 4)]),
    ("ijk->kji", [(2, 3, 4)]),
    ("ijk,ikl->jl", [(2, 3, 4), (2, 4, 5)]),
    ("iij->j", [(3, 3, 2)]),
    ("ab,cd->abcd", [(2, 2), (2, 3)]),
    ("bi,bj->bij", [(4, 3), (4, 2)]),
]


def main():
    cases = []
    for k, (spec, shapes) in enumerate(CASES):
        for dt in ["int64", "float64"]:
            ops = []
            for j, s in enumerate(shapes):
                n = int(np.prod(s))
                v = (np.arange(n) * 7 + 3 * j + k) % 11 - 5
                ops.append((v / 4 if dt == "float64" else v).astype(dt).reshape(s))
            cases.append({"spec": spec, "operands": [enc(o) for o in ops], "result": enc(np.einsum(spec, *ops))})
    OUT.write_text(json.dumps({"numpy": np.__version__, "cases": cases}))
    print(f"{len(cases)} cases -> {OUT}")


if __name__ == "__main__":
    main()
