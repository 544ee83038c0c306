import pytest

from seqkit.data.splits import hold_out_indices
from seqkit.errors import UserInputError


@pytest.mark.parametrize("count, held", [(2, 1), (10, 1), (25, 2), (1000, 100)])
def test_hold_out_a_tenth_at_least_one_and_never_everything(count, held):
    kept, held_out = hold_out_indices(count, seed=3)
    assert len(held_out) == held
    assert sorted(kept + held_out) == list(range(count))


def test_same_seed_same_split_and_other_seed_other_split():
    assert hold_out_indices(100, seed=1) == hold_out_indices(100, seed=1)
    assert hold_out_indices(100, seed=1) != hold_out_indices(100, seed=2)


def test_too_little_data_names_the_file():
    with pytest.raises(UserInputError, match="train.txt: need at least 2 sentences"):
        hold_out_indices(1, path="train.txt", what="sentences")
