"""Matrices as CSV, NumPy and LaTeX text: exact where it is read back, tidy where it is read."""

import numpy as np
import pytest

from cnn_explorer.core.matrix_text import matrices_text, matrix_text


def test_csv_and_numpy_read_back_exactly(rng):
    a = rng.normal(size=(3, 4))
    rows = [[float(v) for v in line.split(",")] for line in matrix_text(a, "csv").splitlines()]
    np.testing.assert_array_equal(rows, a)
    namespace = {"np": np}
    exec(matrix_text(a, "numpy", "weights"), namespace)
    np.testing.assert_array_equal(namespace["weights"], a)


def test_latex_writes_numbers_as_the_grids_and_blank_for_not_yet_computed():
    text = matrix_text(np.array([[1.0, -0.5], [np.nan, 100.25]]), "latex", "output")
    assert text == "% output\n\\begin{bmatrix}\n1 & -0.5 \\\\\n & 100.25\n\\end{bmatrix}\n"


def test_a_vector_is_one_row_and_several_matrices_are_named():
    assert matrix_text([1, -1], "csv") == "1,-1\n"
    text = matrices_text({"kernel": [1, -1], "output": [[2.0]]}, "csv")
    assert text == "# kernel\n1,-1\n\n# output\n2\n"


@pytest.mark.parametrize("bad, fmt", [(np.zeros((2, 2, 2)), "csv"), ([1], "html")])
def test_what_cannot_be_written_is_a_value_error(bad, fmt):
    with pytest.raises(ValueError):
        matrix_text(bad, fmt)
