"""Rows of a [dense | sparse] matrix kept apart: the themes' passage vectors with key-phrase TF-IDF.

Why: the interview themes cluster passages on their sentence embedding (384 dense columns) joined
with their key-phrase TF-IDF (one column per phrase of the study). Stored densely that matrix is
passages x vocabulary and grows faster than the input: 36k passages of a 20 MB transcript with an
8k-phrase vocabulary are 1.2 GB in float32 (2.3 GB while TF-IDF is densified in float64). Kept
apart it costs the dense part plus the non-zeros (a passage holds a few dozen phrases).

`SplitRows` does what ThemeModel and the interview themes ask of their row matrix: row selection,
products with dense vectors and matrices and with its own transpose (the kNN graph), row norms and
normalisation. Products are computed part by part (BLAS on the dense part, scipy on the sparse
part), so they agree with the dense matrix's to float32 rounding, not bit for bit; small studies
keep the dense matrix (interview_themes.with_lexical), so their results do not change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # scipy loads only when a big study builds one (start-up stays light)
    from scipy.sparse import csr_matrix


class SplitRows:
    """A float32 matrix [dense | sparse] (n rows): dense n x d0 columns, CSR n x d1 columns."""

    ndim = 2
    dtype = np.dtype(np.float32)
    __array_ufunc__ = None  # numpy defers ndarray @ SplitRows to __rmatmul__, never densifies it

    def __init__(self, dense: np.ndarray, sparse: csr_matrix) -> None:
        from scipy.sparse import csr_matrix

        if dense.shape[0] != sparse.shape[0]:
            raise ValueError(f"parts of {dense.shape[0]} and {sparse.shape[0]} rows")
        self.dense = np.ascontiguousarray(dense, dtype=np.float32)
        self.sparse = csr_matrix(sparse, dtype=np.float32)
        self._sparse_t: csr_matrix | None = None

    @property
    def shape(self) -> tuple[int, int]:
        return (self.dense.shape[0], self.dense.shape[1] + self.sparse.shape[1])

    def __array__(self, *args: Any, **kwargs: Any) -> np.ndarray:
        # Densifying is what this class exists to avoid: fail loudly instead of doing it silently.
        raise TypeError("SplitRows is never densified implicitly; use its products and row methods")

    def __len__(self) -> int:
        return self.dense.shape[0]

    @property
    def nbytes(self) -> int:
        s = self.sparse
        return self.dense.nbytes + s.data.nbytes + s.indices.nbytes + s.indptr.nbytes

    def __getitem__(self, key: Any) -> SplitRows | np.ndarray:
        """Rows: a slice, an index array or list, or a boolean mask give SplitRows; an int gives
        that row as a dense vector (what a product with one row needs)."""
        if isinstance(key, (int, np.integer)):
            return np.concatenate([self.dense[key], self.sparse[int(key)].toarray().ravel()])
        if isinstance(key, slice):
            return SplitRows(self.dense[key], self.sparse[key])
        idx = np.asarray(key)
        if idx.dtype == bool:
            idx = np.flatnonzero(idx)
        elif idx.size == 0:  # an empty list is a float array to numpy
            idx = idx.astype(np.int64)
        return SplitRows(self.dense[idx], self.sparse[idx])

    @property
    def T(self) -> _Transposed:  # noqa: N802 - numpy's name, so `x @ x.T` reads as for an array
        return _Transposed(self)

    def _transposed_sparse(self) -> csr_matrix:
        if self._sparse_t is None:
            self._sparse_t = self.sparse.T.tocsr()
        return self._sparse_t

    def __matmul__(self, other: Any) -> np.ndarray:
        d0 = self.dense.shape[1]
        if isinstance(other, _Transposed):
            right = other.rows
            out = self.dense @ right.dense.T
            lexical = (self.sparse @ right._transposed_sparse()).tocoo()
            out[lexical.row, lexical.col] += lexical.data
            return out
        other = np.asarray(other)
        if other.shape[0] != self.shape[1]:
            raise ValueError(f"shapes {self.shape} and {other.shape} not aligned")
        out = self.dense @ other[:d0]
        out += np.asarray(self.sparse @ other[d0:], dtype=np.float32)
        return out

    def __rmatmul__(self, other: Any) -> np.ndarray:
        """other (m x n) @ self: a weighted sum of rows (a sparse one-hot gives cluster sums)."""
        dense = other @ self.dense
        lexical = other @ self.sparse
        lexical = lexical.toarray() if hasattr(lexical, "toarray") else np.asarray(lexical)
        return np.hstack([np.asarray(dense), lexical]).astype(np.float32, copy=False)

    def rowwise_dot(self, table: np.ndarray, index: np.ndarray) -> np.ndarray:
        """Dot product of row i with table[index[i]] (each row with its own centroid), without
        gathering a dense n x d copy of the table's rows (1.3 GB at 65k rows and 5k columns)."""
        d0 = self.dense.shape[1]
        table = np.asarray(table, dtype=np.float32)
        index = np.asarray(index)
        out = np.einsum("ij,ij->i", self.dense, table[index, :d0])
        s = self.sparse
        rows = np.repeat(np.arange(len(self)), np.diff(s.indptr))
        products = s.data * table[index[rows], d0 + s.indices]
        out += np.bincount(rows, weights=products, minlength=len(self)).astype(np.float32)
        return out

    def row_norms(self) -> np.ndarray:
        squares = np.einsum("ij,ij->i", self.dense, self.dense, dtype=np.float64)
        squares += np.asarray(self.sparse.multiply(self.sparse).sum(axis=1), dtype=np.float64).ravel()
        return np.sqrt(squares).astype(np.float32)

    def scaled_rows(self, factors: np.ndarray) -> SplitRows:
        """Every row multiplied by its factor (a new SplitRows)."""
        factors = np.asarray(factors, dtype=np.float32)
        sparse = self.sparse.copy()
        sparse.data *= np.repeat(factors, np.diff(sparse.indptr))
        return SplitRows(self.dense * factors[:, None], sparse)

    def all_finite(self) -> bool:
        return bool(np.all(np.isfinite(self.dense)) and np.all(np.isfinite(self.sparse.data)))


class _Transposed:
    """`rows.T`: only for `a @ rows.T` (products of rows with rows)."""

    def __init__(self, rows: SplitRows) -> None:
        self.rows = rows
