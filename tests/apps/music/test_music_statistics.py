from seqkit.apps.music.statistics import compare_statistics, music_statistics
from seqkit.data.music_codec import Note


def test_statistics_of_a_scale_and_a_repeated_motif():
    scale = [Note(p, 2 * i, 2) for i, p in enumerate([60, 62, 64, 65, 67, 69, 71, 72])]
    motif = [60, 62, 64, 62] * 3  # 9 patterns of 4 notes, 4 distinct: 5 repeats
    repeated = [Note(p, i, 1) for i, p in enumerate(motif)]
    stats = music_statistics([scale, repeated, []])
    assert stats["pieces"] == 2
    assert stats["notes_per_piece"] == 10
    assert abs(stats["repetition"] - (0 + 5 / 9) / 2) < 1e-12
    assert stats["in_key_fraction"] == 1.0
    chromatic = music_statistics([[Note(p, i, 1) for i, p in enumerate(range(60, 72))]])
    assert chromatic["in_key_fraction"] == 7 / 12
    histogram = stats["duration_histogram"]
    assert histogram[0] == 12 / 20 and histogram[1] == 8 / 20
    assert abs(sum(stats["pitch_class_histogram"]) - 1) < 1e-12


def test_comparison_distances():
    low = music_statistics([[Note(60, 0, 1)]])
    high = music_statistics([[Note(62, 0, 4)]])
    comparison = compare_statistics(low, high)
    assert comparison["pitch_class_distance"] == 1.0
    assert comparison["duration_distance"] == 1.0
    assert compare_statistics(low, low)["pitch_class_distance"] == 0.0
