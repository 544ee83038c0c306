import random

import pytest

from seqkit.data import tagging_schemes as ts

# One sentence in all three schemes: "John Smith Paris Rome visited Acme Corp"
# with PER(0,2) LOC(2,3) LOC(3,4) O ORG(5,7).
IOB1 = ["I-PER", "I-PER", "I-LOC", "B-LOC", "O", "I-ORG", "I-ORG"]
IOB2 = ["B-PER", "I-PER", "B-LOC", "B-LOC", "O", "B-ORG", "I-ORG"]
BIOES = ["B-PER", "E-PER", "S-LOC", "S-LOC", "O", "B-ORG", "E-ORG"]
SPANS = [("PER", 0, 2), ("LOC", 2, 3), ("LOC", 3, 4), ("ORG", 5, 7)]
BY_SCHEME = {"iob1": IOB1, "iob2": IOB2, "bioes": BIOES}


@pytest.mark.parametrize("scheme", ts.SCHEMES)
def test_to_iob2(scheme):
    assert ts.to_iob2(BY_SCHEME[scheme], scheme) == IOB2


@pytest.mark.parametrize("scheme", ts.SCHEMES)
def test_from_iob2(scheme):
    assert ts.from_iob2(IOB2, scheme) == BY_SCHEME[scheme]


@pytest.mark.parametrize("scheme", ts.SCHEMES)
def test_spans_and_tags_from_spans(scheme):
    assert ts.spans(BY_SCHEME[scheme], scheme) == SPANS
    assert ts.tags_from_spans(SPANS, 7, scheme) == BY_SCHEME[scheme]


@pytest.mark.parametrize("scheme", ts.SCHEMES)
def test_valid_sequences_pass_strict_validation(scheme):
    ts.validate(BY_SCHEME[scheme], scheme, strict=True)


def _random_spans(rng, length):
    result, position = [], 0
    while position < length:
        if rng.random() < 0.4:
            end = min(length, position + rng.randint(1, 3))
            result.append((rng.choice(["PER", "LOC", "B-I"]), position, end))
            position = end
        else:
            position += rng.randint(1, 2)
    return result


@pytest.mark.parametrize("scheme", ts.SCHEMES)
def test_random_round_trips(scheme):
    rng = random.Random(7)
    for _ in range(300):
        length = rng.randint(0, 9)
        entity_spans = _random_spans(rng, length)
        iob2 = ts.tags_from_spans(entity_spans, length)
        converted = ts.from_iob2(iob2, scheme)
        ts.validate(converted, scheme, strict=True)
        assert ts.to_iob2(converted, scheme) == iob2
        assert ts.spans(converted, scheme) == entity_spans
        assert ts.detect_scheme([converted]) in (scheme, "iob2", "iob1")


def test_lenient_decoding_matches_conlleval():
    # An I- with no open entity of its type starts a new entity.
    assert ts.spans(["O", "I-PER", "I-LOC", "I-LOC"]) == [("PER", 1, 2), ("LOC", 2, 4)]
    assert ts.to_iob2(["I-PER", "B-LOC"], "iob2") == ["B-PER", "B-LOC"]
    # BIOES: an I-/E- after E- starts a new entity; S- always stands alone.
    assert ts.spans(["B-X", "E-X", "E-X", "S-X", "I-X"], "bioes") == [
        ("X", 0, 2),
        ("X", 2, 3),
        ("X", 3, 4),
        ("X", 4, 5),
    ]
    # Types may contain dashes.
    assert ts.spans(["B-geo-nam", "I-geo-nam"]) == [("geo-nam", 0, 2)]


@pytest.mark.parametrize(
    "tags, scheme, position, message",
    [
        (["O", "I-PER"], "iob2", 1, "continues no PER entity"),
        (["B-LOC", "I-PER"], "iob2", 1, "continues no PER entity"),
        (["O", "E-PER"], "bioes", 1, "continues no PER entity"),
        (["B-PER", "O"], "bioes", 0, "is not followed by I-PER or E-PER"),
        (["B-PER", "I-PER"], "bioes", 1, "is not followed by I-PER or E-PER"),
        (["O", "B-PER"], "iob1", 1, "does not follow a PER entity"),
        (["I-LOC", "B-PER"], "iob1", 1, "does not follow a PER entity"),
        (["B-PER", "E-PER"], "iob2", 1, "is not valid in iob2"),
        (["S-PER"], "iob1", 0, "is not valid in iob1"),
        (["O", "PER"], "iob2", 1, "is not O or PREFIX-TYPE"),
        (["X-PER"], "bioes", 0, "is not O or PREFIX-TYPE"),
        (["B-"], "iob2", 0, "is not O or PREFIX-TYPE"),
        (["o"], "iob2", 0, "is not O or PREFIX-TYPE"),
    ],
)
def test_validate_errors(tags, scheme, position, message):
    with pytest.raises(ts.InvalidTagError, match=message) as info:
        ts.validate(tags, scheme)
    assert info.value.position == position
    assert info.value.tag == tags[position]


def test_non_strict_validation_checks_only_the_alphabet():
    ts.validate(["O", "I-PER", "B-LOC"], "iob2", strict=False)
    ts.validate(["B-PER", "O"], "bioes", strict=False)
    with pytest.raises(ts.InvalidTagError, match="is not valid in iob2"):
        ts.validate(["S-PER"], "iob2", strict=False)


def test_spans_rejects_malformed_tags():
    with pytest.raises(ts.InvalidTagError) as info:
        ts.spans(["O", "O", "PERSON"])
    assert info.value.position == 2


@pytest.mark.parametrize(
    "sequences, expected",
    [
        ([IOB1], "iob1"),
        ([IOB2], "iob2"),
        ([BIOES], "bioes"),
        ([["O", "O"], []], "iob2"),
        ([["I-PER", "O"], ["O", "I-LOC", "I-LOC"]], "iob1"),
        # A stray I- in IOB2 data: still IOB2, so strict validation can point at it.
        ([["B-PER", "O"], ["O", "I-LOC"]], "iob2"),
        ([["B-PER", "I-PER"], ["S-LOC"]], "bioes"),
    ],
)
def test_detect_scheme(sequences, expected):
    assert ts.detect_scheme(iter(sequences)) == expected


def test_tags_from_spans_errors():
    with pytest.raises(ValueError, match="Spans overlap"):
        ts.tags_from_spans([("A", 0, 2), ("B", 1, 3)], 4)
    with pytest.raises(ValueError, match="0 <= start < end <= length"):
        ts.tags_from_spans([("A", 2, 5)], 4)
    with pytest.raises(ValueError, match="0 <= start < end <= length"):
        ts.tags_from_spans([("A", 2, 2)], 4)
    with pytest.raises(ValueError, match="`length` must be a non-negative integer"):
        ts.tags_from_spans([], -1)


def test_unknown_scheme():
    with pytest.raises(ValueError, match=r"`scheme` must be one of iob1, iob2, bioes\. "):
        ts.to_iob2(["O"], "bilou")


def test_split_tag():
    assert ts.split_tag("O") == ("O", None)
    assert ts.split_tag("S-MISC") == ("S", "MISC")
