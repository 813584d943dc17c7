"""Facts about label tuples, remembered by value for tuples of plain str only."""

from __future__ import annotations

import numpy as np

from neutralcore._core.labelfacts import all_text, clean_text, text_rank


def test_a_str_subclass_is_not_taken_for_the_remembered_str_tuple():
    plain = ("Hanoi", "Da Nang")
    assert clean_text(plain)
    sub = tuple(np.str_(x) for x in plain)  # equal to plain, same hash
    assert sub == plain and hash(sub) == hash(plain)
    assert not all_text(sub) and not clean_text(sub)


def test_rank_is_code_point_order_and_read_only():
    labels = ("b", "B", "a", "á", "")
    rank = text_rank(labels)
    assert [labels[i] for i in np.argsort(rank)] == sorted(labels)
    assert not rank.flags.writeable
    assert text_rank(tuple(labels)) is rank  # an equal tuple: worked out once


def test_unclean_labels():
    assert not clean_text(("a", " b"))
    assert not clean_text(("a", ""))
    assert clean_text(())
