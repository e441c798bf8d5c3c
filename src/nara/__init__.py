"""Nara (나라): an open-source digital platform government."""

import os

# One BLAS thread per process: search does small matrix-vector products, and with several server
# workers on a small machine, BLAS thread pools spinning against each other made requests 50x slower.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

__version__ = "0.1.0"
