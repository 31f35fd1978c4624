"""The random-stream policy: streams named by seed, purpose and entities."""

import numpy as np
import pytest

from magsynapse.errors import MagsynapseError
from magsynapse.random import check_seed, generator, stream_key


def test_streams_depend_on_their_name_only():
    a = generator(5, "prior", person=2, sample=7).standard_normal(4)
    b = generator(5, "prior", sample=7, person=2).standard_normal(4)  # keyword order
    np.testing.assert_array_equal(a, b)
    c = generator(5, "prior", person=2, sample=8).standard_normal(4)
    assert not np.array_equal(a, c)
    assert stream_key(5, "prior", person=2) != stream_key(5, "noise", person=2)


def test_names_of_different_types_differ():
    assert stream_key(1, "x", person=1) != stream_key(1, "x", person="1")
    assert stream_key(1, "x", person=1) != stream_key(1, "x", person=1.0)


def test_independent_streams_are_uncorrelated():
    """Streams of neighbouring entities behave as independent normal samples."""
    x = np.array([generator(1, "prior", sample=k).standard_normal(2000) for k in range(20)])
    r = np.corrcoef(x)[np.triu_indices(20, 1)]
    assert np.max(np.abs(r)) < 5 / np.sqrt(2000)


@pytest.mark.parametrize("bad", [1.5, True, -1, 2**70, "3", None])
def test_bad_seeds_are_refused(bad):
    with pytest.raises(MagsynapseError, match="seed: must be an integer"):
        check_seed(bad)
