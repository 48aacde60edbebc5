"""The array encoding the NumPy fixture generators write and
`tests/_fixtures.ts` (`decodeNd`) reads: dtype, shape, and base64 of the
C-order little-endian bytes (bool as 0/1 bytes). 0-d arrays stay 0-d."""

import base64

import numpy as np


def enc(a):
    a = np.array(np.asarray(a), order="C")  # ascontiguousarray would make 0-d 1-d
    if a.dtype == np.bool_:
        data = a.astype(np.uint8).tobytes()
    else:
        data = a.astype(a.dtype.newbyteorder("<")).tobytes()
    return {"dtype": str(a.dtype), "shape": list(a.shape), "data": base64.b64encode(data).decode()}
