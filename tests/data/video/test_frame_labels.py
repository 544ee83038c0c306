"""Per-frame labels: the segment table reader, frame labelling from times, and the clip table's column."""

import pytest

from seqkit.application.sources import Skipped
from seqkit.data.video.clips import Clip, iter_clips
from seqkit.data.video.frame_labels import BACKGROUND, FrameLabels, Segment, read_frame_labels
from seqkit.errors import UserInputError


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# === The reader ===


def test_segments_are_read_sorted_with_their_lines(tmp_path):
    path = write(tmp_path / "a.csv", "start,end,label\n2.5,4,grasp\n\n0,2.5, reach \n6,9.25,pour\n")
    labels = read_frame_labels(path)
    assert [(s.start, s.end, s.label, s.line) for s in labels.segments] == [
        (0.0, 2.5, "reach", 4), (2.5, 4.0, "grasp", 2), (6.0, 9.25, "pour", 5),
    ]
    assert labels.labels == {"reach", "grasp", "pour"} and labels.source == str(path)


def test_tsv_and_label_aliases(tmp_path):
    path = write(tmp_path / "a.tsv", "Start\tEnd\tActivity\n0\t1\twave\n")
    assert [(s.start, s.end, s.label) for s in read_frame_labels(path).segments] == [(0.0, 1.0, "wave")]


@pytest.mark.parametrize(
    "row, line, problem",
    [
        ("1,soon,b", 3, "the end 'soon' is not a number of seconds (0 or more)"),
        ("-1,2,b", 3, "the start '-1' is not a number of seconds (0 or more)"),
        (",2,b", 3, "missing start"),
        ("2,2,b", 3, "the segment must start before it ends; start=2, end=2"),
        ("3,2,b", 3, "the segment must start before it ends; start=3, end=2"),
        ("1,2,", 3, "empty label"),
        ("0.5,1.5,b", 3, "the segment 0.5-1.5 s overlaps the segment 0-1 s of line 2"),
    ],
)
def test_bad_rows_name_the_file_and_line(tmp_path, row, line, problem):
    path = write(tmp_path / "labels.csv", f"start,end,label\n0,1,a\n{row}\n")
    with pytest.raises(UserInputError) as caught:
        read_frame_labels(path)
    assert (caught.value.path, caught.value.line) == (str(path), line)
    assert str(caught.value) == f"{path}:{line}: {problem}"


def test_overlap_is_reported_on_the_later_line_whatever_the_order(tmp_path):
    path = write(tmp_path / "labels.csv", "start,end,label\n5,8,b\n0,6,a\n")
    with pytest.raises(UserInputError, match=r"labels.csv:3: the segment 0-6 s overlaps the segment 5-8 s of line 2"):
        read_frame_labels(path)


def test_touching_segments_are_fine(tmp_path):
    path = write(tmp_path / "labels.csv", "start,end,label\n1,2,b\n0,1,a\n")
    assert [s.label for s in read_frame_labels(path).segments] == ["a", "b"]


def test_missing_columns_files_and_segments(tmp_path):
    with pytest.raises(UserInputError, match=r"labels.csv:1: no end column"):
        read_frame_labels(write(tmp_path / "labels.csv", "start,stop,label\n0,1,a\n"))
    with pytest.raises(UserInputError, match=r"no segments found"):
        read_frame_labels(write(tmp_path / "empty.csv", "start,end,label\n"))
    with pytest.raises(UserInputError, match=r"frame label file not found"):
        read_frame_labels(tmp_path / "nope.csv")
    with pytest.raises(UserInputError, match=r"expected a frame label table \(.csv, .tsv\)"):
        read_frame_labels(write(tmp_path / "labels.txt", "a\nb\n"))


# === Labels of frames ===


def test_each_time_gets_the_segment_holding_it_or_background():
    labels = FrameLabels((Segment(0.5, 1.0, "a"), Segment(1.0, 2.0, "b"), Segment(3.0, 4.0, "c")))
    times = [0.0, 0.5, 0.99, 1.0, 1.99, 2.0, 2.5, 3.0, 4.0, 9.0]
    assert labels.labels_at(times) == [BACKGROUND, "a", "a", "b", "b", BACKGROUND, BACKGROUND, "c", BACKGROUND,
                                       BACKGROUND]
    assert [None if s is None else s.label for s in labels.segments_at([0.75])] == ["a"]


def test_float32_frame_times_on_a_boundary_belong_to_the_later_segment():
    import numpy as np

    labels = FrameLabels((Segment(0.0, 0.7, "a"), Segment(0.7, 1.4, "b")))
    times = (np.arange(14) / 10.0).astype(np.float32)  # 0.7 is 0.69999999 in float32
    assert labels.labels_at(times) == ["a"] * 7 + ["b"] * 7


def test_covers():
    labels = FrameLabels((Segment(0.0, 1.0, "a"), Segment(1.0, 2.0, "b")))
    assert labels.covers(0.0, 2.0) and labels.covers(0.5, 1.5)
    assert not labels.covers(0.0, 2.5)
    assert not FrameLabels((Segment(0.0, 1.0, "a"), Segment(1.5, 2.0, "b"))).covers(0.0, 2.0)


# === The clip table's frame_labels column ===


def test_clip_table_with_frame_label_files(tmp_path):
    write(tmp_path / "a.avi", "")
    write(tmp_path / "labels" / "a.csv", "start,end,label\n0,1,wave\n")
    table = write(tmp_path / "clips.csv", "path,frame_labels\na.avi,labels/a.csv\na.avi,labels/a.csv\n")
    clips = list(iter_clips(table))
    assert all(isinstance(clip, Clip) and clip.label is None for clip in clips)
    assert [segment.label for segment in clips[0].frame_labels.segments] == ["wave"]
    assert clips[0].frame_labels.source == str(tmp_path / "labels" / "a.csv")
    plain = write(tmp_path / "plain.csv", "path,label\na.avi,wave\n")
    assert next(iter(iter_clips(plain))).frame_labels is None


@pytest.mark.parametrize(
    "rows, where, problem",
    [
        ("a.avi,,good.csv\na.avi,wave,\n", "clips.csv:3", "no frame labels, but the clip of line 2 has some"),
        ("a.avi,wave,\na.avi,,good.csv\n", "clips.csv:3", "frame labels good.csv, but the clip of line 2 has none"),
        ("a.avi,,gone.csv\n", "clips.csv:2", "frame label file not found: gone.csv"),
        ("a.avi,,bad.csv\n", "bad.csv:2", "the segment must start before it ends"),
    ],
)
def test_bad_frame_label_rows(tmp_path, rows, where, problem):
    write(tmp_path / "a.avi", "")
    write(tmp_path / "good.csv", "start,end,label\n0,1,wave\n")
    write(tmp_path / "bad.csv", "start,end,label\n2,1,wave\n")
    table = write(tmp_path / "clips.csv", "path,label,frame_labels\n" + rows)
    with pytest.raises(UserInputError) as caught:
        list(iter_clips(table))
    assert f"{where}: {problem}" in str(caught.value) and "--skip-bad-rows" in str(caught.value)
    items = list(iter_clips(table, skip_bad_rows=True)) if "good" in rows else []
    assert [type(item) for item in items] in ([], [Clip, Skipped])


def test_bad_label_files_are_skipped_with_skip_bad_rows(tmp_path):
    write(tmp_path / "a.avi", "")
    write(tmp_path / "good.csv", "start,end,label\n0,1,wave\n")
    write(tmp_path / "bad.csv", "start,end,label\n0,x,wave\n")
    table = write(tmp_path / "clips.csv", "path,frame_labels\na.avi,bad.csv\na.avi,good.csv\na.avi,gone.csv\n")
    items = list(iter_clips(table, skip_bad_rows=True))
    assert [type(item) for item in items] == [Skipped, Clip, Skipped]
    assert (items[0].path, items[0].line) == (str(tmp_path / "bad.csv"), 2)
    assert (items[2].path, items[2].line) == (str(table), 4)


def test_a_label_column_is_optional_with_frame_labels_and_kept(tmp_path):
    write(tmp_path / "a.avi", "")
    write(tmp_path / "good.csv", "start,end,label\n0,1,wave\n")
    table = write(tmp_path / "clips.csv", "path,label,frame_labels\na.avi,greeting,good.csv\n")
    (clip,) = iter_clips(table)
    assert clip.label == "greeting" and clip.frame_labels is not None
    table = write(tmp_path / "none.csv", "path,label,frame_labels\na.avi,,\n")
    with pytest.raises(UserInputError, match=r"none.csv:2: empty label and no frame labels"):
        list(iter_clips(table))
