"""Transcript normalisation and the character vocabulary of CTC speech recognition."""

import json

import pytest

from seqkit.application.sources import Skipped
from seqkit.data.audio.transcripts import TextNormalizer, character_vocabulary


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Hello, World!", "hello world"),
        ("Don't stop", "don't stop"),
        ("don\u2019t", "don't"),  # the typographic apostrophe becomes '
        ("'Tis the dogs' bone", "tis the dogs bone"),  # apostrophes at word edges are removed
        ("rock 'n' roll", "rock n roll"),
        ("42", "four two"),  # digit by digit
        ("R2D2", "r two d two"),
        ("3.5 %", "three five"),
        ("well-known  $5 fee", "well known five fee"),
        ("  tabs\tand\nnewlines  ", "tabs and newlines"),
        ("Cafe\u0301 CRÈME", "café crème"),  # NFC: one character for é
        ("...", ""),
    ],
)
def test_default_normalisation(text, expected):
    assert TextNormalizer()(text) == expected


def test_each_step_can_be_turned_off():
    text = "Room 101,  PLEASE."
    assert TextNormalizer(lowercase=False)(text) == "Room one zero one PLEASE"
    assert TextNormalizer(digits="keep")(text) == "room 101 please"
    assert TextNormalizer(strip_punctuation=False)(text) == "room one zero one , please."
    assert TextNormalizer(collapse_spaces=False, digits="keep")(text) == "room 101   please "


def test_digit_words_are_lowercase_even_without_lowercasing():
    assert TextNormalizer(lowercase=False)("B52") == "B five two"


def test_settings_round_trip_through_json():
    normalizer = TextNormalizer(lowercase=False, digits="keep")
    settings = json.loads(json.dumps(normalizer.settings()))
    assert settings == {"lowercase": False, "strip_punctuation": True, "digits": "keep", "collapse_spaces": True}
    rebuilt = TextNormalizer.from_settings(settings)
    assert rebuilt == normalizer and rebuilt("A1!") == normalizer("A1!") == "A1"
    assert TextNormalizer.from_settings({}) == TextNormalizer()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"digits": "spell"}, "`digits` must be 'words' or 'keep'. Received: digits='spell'"),
        ({"lowercase": "yes"}, "`lowercase` must be True or False. Received: lowercase='yes'"),
    ],
)
def test_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TextNormalizer(**kwargs)


def test_unknown_settings_are_rejected():
    with pytest.raises(ValueError, match=r"Received: unknown keys \['uppercase'\]"):
        TextNormalizer.from_settings({"uppercase": True})


def test_only_strings_are_normalised():
    with pytest.raises(TypeError, match="`text` must be a str"):
        TextNormalizer()(42)


def test_character_vocabulary_is_sorted_and_always_has_the_space():
    assert character_vocabulary(["yes", "no"]) == [" ", "e", "n", "o", "s", "y"]
    assert character_vocabulary(["don't go"]) == [" ", "'", "d", "g", "n", "o", "t"]
    assert character_vocabulary([]) == [" "]
    assert character_vocabulary(iter(["ab", Skipped("m.csv", 3, "empty transcript"), "ba"])) == [" ", "a", "b"]


def test_character_vocabulary_wants_strings():
    with pytest.raises(TypeError, match="`transcripts` must be strings"):
        character_vocabulary([["a", "b"]])
