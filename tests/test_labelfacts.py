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


def test_distinct_as_a_set_tells_labels_apart():
    from neutralcore._core.labelfacts import distinct

    assert distinct(("Hanoi", "Da Nang")) and distinct(()) and distinct((1, 2, None))
    assert not distinct(("Hanoi", "Hanoi")) and not distinct((1, 1.0)) and not distinct((1, True))
    nan = float("nan")
    assert not distinct((nan, nan))  # one object twice: a set keeps one
    assert distinct((float("nan"), float("nan")))  # two NaN objects: unequal, a set keeps both


def test_an_equal_tuple_of_another_type_is_not_answered_from_memory():
    from neutralcore._core.labelfacts import distinct

    plain = ("a", "b")
    assert distinct(plain) and clean_text(plain) and all_text(plain)
    sub = tuple(np.str_(x) for x in plain)
    assert distinct(sub) and not clean_text(sub) and not all_text(sub)
    assert all_text(["a", "b"]) and not all_text(["a", 1])  # a list: read every time


def test_the_identity_memory_stays_small_and_holds_what_it_answers_for():
    from neutralcore._core import labelfacts

    for i in range(3 * labelfacts._CACHED):
        labels = tuple(f"label {i} {j}" for j in range(3))
        assert labelfacts.distinct(labels)
        assert labelfacts.distinct(labels[:1] * 2) is False
    assert len(labelfacts._BY_ID) <= labelfacts._CACHED
    assert all(id(held) == key for key, (held, _) in labelfacts._BY_ID.items())


def test_order_is_the_inverse_of_the_rank_and_gives_the_sorted_labels():
    from neutralcore._core.labelfacts import text_order

    labels = ("b", "B", "a", "á", "", "ab")
    at, ordered = text_order(labels)
    assert at.tolist() == np.argsort(text_rank(labels)).tolist() == [4, 1, 2, 5, 0, 3]
    assert ordered == tuple(sorted(labels)) == tuple(labels[i] for i in at)
    assert not at.flags.writeable and text_order(tuple(labels))[0] is at
