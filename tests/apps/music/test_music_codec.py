"""The notes ⇄ tokens codecs of `seqkit.data.music_codec`, tested alone (no model, no files)."""

import pytest

from seqkit.data.music_codec import (
    MelodyCodec,
    Note,
    PolyphonicCodec,
    estimate_key,
    get_codec,
    key_transposition,
    melody_line,
    quantize,
    transpose,
)

MELODY = [Note(60, 0, 4), Note(62, 4, 2), Note(64, 8, 2), Note(65, 10, 6)]


def test_melody_tokens_are_pitch_duration_pairs_with_rests():
    codec = MelodyCodec(min_pitch=48, max_pitch=84)
    tokens = codec.encode(MELODY)
    assert tokens == ["n60", "d4", "n62", "d2", "r", "d2", "n64", "d2", "n65", "d6"]
    assert codec.decode(tokens) == MELODY
    assert set(tokens) <= set(codec.tokens())


def test_melody_splits_long_notes_and_rests_without_moving_later_notes():
    codec = MelodyCodec(min_pitch=48, max_pitch=84, max_duration=4)
    notes = [Note(60, 0, 10), Note(62, 19, 1)]
    tokens = codec.encode(notes)
    assert tokens == ["n60", "d4", "r", "d4", "r", "d2", "r", "d4", "r", "d4", "r", "d1", "n62", "d1"]
    assert codec.decode(tokens) == [Note(60, 0, 4), Note(62, 19, 1)]


def test_melody_decoding_stops_at_eos_and_skips_stray_tokens():
    codec = MelodyCodec(min_pitch=48, max_pitch=84)
    assert codec.decode(["d3", "n60", "d2", "n62", "<EOS>", "d4"]) == [Note(60, 0, 2)]


def test_melody_refuses_overlapping_notes():
    with pytest.raises(ValueError, match="starts at step 2, before the previous note ends at step 4"):
        MelodyCodec().encode([Note(60, 0, 4), Note(64, 2, 2)])


def test_melody_line_keeps_the_top_note_and_cuts_it_at_a_higher_onset():
    chords = [Note(48, 0, 8), Note(64, 0, 6), Note(55, 4, 4), Note(67, 4, 4)]
    assert melody_line(chords) == [Note(64, 0, 4), Note(67, 4, 4)]


def test_melody_line_is_not_cut_by_lower_voices_moving_under_a_held_note():
    voices = [Note(72, 0, 8), Note(48, 0, 4), Note(50, 4, 2), Note(52, 6, 4), Note(71, 8, 2)]
    # The bass moves at steps 4 and 6 under the held C; at step 8 the C has ended.
    assert melody_line(voices) == [Note(72, 0, 8), Note(71, 8, 2)]
    # Silence in the top voice lets the next onset through, whatever its pitch.
    assert melody_line([Note(72, 0, 2), Note(48, 4, 2)]) == [Note(72, 0, 2), Note(48, 4, 2)]


def test_polyphonic_events_round_trip_chords_and_overlaps():
    codec = PolyphonicCodec(min_pitch=36, max_pitch=84, max_shift=4)
    notes = [Note(48, 0, 8), Note(64, 0, 2), Note(67, 0, 2), Note(65, 2, 7)]
    tokens = codec.encode(notes)
    assert tokens[:4] == ["on48", "on64", "on67", "t2"]
    assert tokens[4:7] == ["off64", "off67", "on65"]
    # Six steps to the end of the long C, split into shifts of at most 4.
    assert tokens[7:] == ["t4", "t2", "off48", "t1", "off65"]
    assert codec.decode(tokens) == sorted(notes)
    assert set(tokens) <= set(codec.tokens())


def test_polyphonic_merges_unisons_and_decodes_robustly():
    codec = PolyphonicCodec(min_pitch=36, max_pitch=84)
    assert codec.decode(codec.encode([Note(60, 0, 4), Note(60, 2, 4)])) == [Note(60, 0, 6)]
    # A re-struck pitch ends the sounding note; an unmatched note-off is ignored; open notes end at the end.
    assert codec.decode(["on60", "t2", "on60", "off62", "t3", "on64", "t1"]) == [
        Note(60, 0, 2),
        Note(60, 2, 4),
        Note(64, 5, 1),
    ]


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"min_pitch": -1}, "`min_pitch` must be an integer between 0 and 127. Received: min_pitch=-1"),
        ({"max_pitch": 128}, "`max_pitch` must be an integer between 0 and 127. Received: max_pitch=128"),
        ({"min_pitch": 80, "max_pitch": 70}, "Received: min_pitch=80, max_pitch=70"),
        (
            {"steps_per_quarter": 0},
            "`steps_per_quarter` must be an integer between 1 and 96. Received: steps_per_quarter=0",
        ),
        ({"max_duration": 0}, "`max_duration` must be an integer between 1 and 1024. Received: max_duration=0"),
    ],
)
def test_codec_settings_are_validated_with_limit_and_value(arguments, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        MelodyCodec(**arguments)


def test_pitches_out_of_range_name_the_limit_and_the_value():
    codec = PolyphonicCodec(min_pitch=48, max_pitch=72)
    with pytest.raises(ValueError, match=r"pitch 74 of note 1 \(step 2\) in a.mid is above `max_pitch`=72"):
        codec.encode([Note(60, 0, 2), Note(74, 2, 2)], source="a.mid")
    with pytest.raises(ValueError, match="pitch 40 of note 0 .* is below `min_pitch`=48"):
        MelodyCodec(min_pitch=48, max_pitch=72).encode([Note(40, 0, 2)])


def test_transposition_and_its_inverse():
    up = transpose(MELODY, 5)
    assert [n.pitch for n in up] == [65, 67, 69, 70]
    assert transpose(up, -5) == MELODY
    codec = MelodyCodec(min_pitch=58, max_pitch=70)
    # Lowest pitch 60, highest 65: shifts -2..5 keep the tune inside 58..70.
    assert codec.transpositions(MELODY) == [-2, -1, 0, 1, 2, 3, 4, 5]


def test_key_estimation_and_the_shift_into_c_major_or_a_minor():
    d_major = [Note(p, i, 2) for i, p in enumerate([62, 64, 66, 67, 69, 71, 73, 74, 69, 66, 62])]
    assert estimate_key(d_major) == (2, "major")
    assert key_transposition(estimate_key(d_major)) == -2
    e_minor = [Note(p, i, 2) for i, p in enumerate([64, 66, 67, 69, 71, 72, 74, 76, 71, 67, 64])]
    assert estimate_key(e_minor) == (4, "minor")
    moved = transpose(e_minor, key_transposition(estimate_key(e_minor)))
    assert estimate_key(moved) == (9, "minor")


def test_quantize_rounds_to_the_grid_and_starts_at_zero():
    notes = quantize([(60, 2.0, 2.4), (67, 2.52, 3.0), (64, 2.0, 2.01)], steps_per_quarter=4)
    assert notes == [Note(60, 0, 2), Note(64, 0, 1), Note(67, 2, 2)]


def test_codecs_rebuild_from_their_config():
    for codec in (MelodyCodec(min_pitch=40, max_duration=8), PolyphonicCodec(max_pitch=90, max_shift=12)):
        assert get_codec(codec.get_config()) == codec
    with pytest.raises(
        ValueError, match="`encoding` must be one of 'melody', 'polyphonic'. Received: encoding='drums'"
    ):
        get_codec("drums")
