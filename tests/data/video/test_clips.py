"""Finding a video data set's clips and labels: class folders and clip tables."""

import pathlib

import pytest

from seqkit.application.sources import Skipped
from seqkit.data.video.clips import Clip, iter_clips
from seqkit.errors import UserInputError


def touch(path):
    """An empty file at `path` (parents created); no video is decoded when clips are listed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return path


def listed(clips):
    return [(clip.label, clip.path, clip.start, clip.end, clip.line) for clip in clips]


# === Class folders ===


def test_class_folders_in_path_order_with_labels(tmp_path):
    root = tmp_path / "ucf"
    for name in ("walk/b.avi", "walk/a.mp4", "box/g01/c02.avi", "box/g01/c01.AVI", "box/z.mkv", "run/x.webm"):
        touch(root / name)
    clips = list(iter_clips(root))
    assert [(clip.label, clip.path.relative_to(root).as_posix()) for clip in clips] == [
        ("box", "box/g01/c01.AVI"),
        ("box", "box/g01/c02.avi"),
        ("box", "box/z.mkv"),
        ("run", "run/x.webm"),
        ("walk", "walk/a.mp4"),
        ("walk", "walk/b.avi"),
    ]
    assert all(isinstance(clip, Clip) and clip.path.is_absolute() for clip in clips)
    assert all(clip.source == str(root) and clip.line is None and clip.start is None and clip.end is None
               for clip in clips)


def test_hidden_files_other_suffixes_and_loose_videos_are_passed_over(tmp_path):
    for name in ("walk/a.avi", "walk/.b.avi", "walk/.cache/c.avi", "walk/notes.txt", "walk/d.avi.part",
                 ".hidden/e.avi", "empty/readme.md", "loose.avi"):
        touch(tmp_path / name)
    clips = list(iter_clips(tmp_path))
    assert [(clip.label, clip.path.name) for clip in clips] == [("walk", "a.avi")]


def test_every_video_suffix_is_found(tmp_path):
    for suffix in (".avi", ".mp4", ".mkv", ".webm", ".mov", ".m4v", ".mpg", ".mpeg"):
        touch(tmp_path / "c" / f"clip{suffix}")
    assert len(list(iter_clips(tmp_path))) == 8


def test_paths_are_absolute_for_a_relative_folder(tmp_path, monkeypatch):
    touch(tmp_path / "data" / "jump" / "a.avi")
    monkeypatch.chdir(tmp_path)
    (clip,) = iter_clips("data")
    assert clip.path == tmp_path / "data" / "jump" / "a.avi"


def test_a_folder_without_class_folders(tmp_path):
    touch(tmp_path / "b.avi")
    touch(tmp_path / "a.mp4")
    touch(tmp_path / "notes.txt")
    with pytest.raises(UserInputError, match="one sub-folder of videos .* per class") as caught:
        list(iter_clips(tmp_path))
    assert caught.value.path == str(tmp_path)
    clips = list(iter_clips(tmp_path, require_labels=False))
    assert [(clip.label, clip.path.name) for clip in clips] == [(None, "a.mp4"), (None, "b.avi")]


def test_class_folders_keep_their_labels_without_require_labels(tmp_path):
    touch(tmp_path / "wave" / "a.avi")
    assert [clip.label for clip in iter_clips(tmp_path, require_labels=False)] == ["wave"]


def test_an_empty_folder_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserInputError, match="no video files"):
        list(iter_clips(tmp_path, require_labels=False))


# === Tables ===


def test_csv_with_aliases_relative_paths_and_segments(tmp_path):
    touch(tmp_path / "videos" / "a.avi")
    touch(tmp_path / "b.mp4")
    table = tmp_path / "train.csv"
    table.write_text("Video,Activity,start,END\nvideos/a.avi, jump ,,\n./b.mp4,run,1.5,3\nb.mp4,run,0,\n")
    assert listed(iter_clips(table)) == [
        ("jump", tmp_path / "videos" / "a.avi", None, None, 2),
        ("run", tmp_path / "b.mp4", 1.5, 3.0, 3),
        ("run", tmp_path / "b.mp4", 0.0, None, 4),
    ]
    assert all(clip.source == str(table) for clip in iter_clips(table))


def test_tsv_with_absolute_paths_and_blank_lines(tmp_path):
    video = touch(tmp_path / "elsewhere" / "c.mkv")
    table = tmp_path / "lists" / "test.tsv"
    table.parent.mkdir()
    table.write_text(f"clip\tclass\n\n{video}\tsit\n")
    assert listed(iter_clips(table)) == [("sit", video, None, None, 3)]


@pytest.mark.parametrize(
    "row, problem",
    [
        ("gone.avi,jump,,", "video file not found: gone.avi (relative paths are read from "),
        ("a.avi,,,", "empty label"),
        (",jump,,", "missing video path"),
        ("a.avi,jump,soon,", "the start 'soon' is not a number of seconds"),
        ("a.avi,jump,,-2", "the end '-2' is not a number of seconds"),
        ("a.avi,jump,3,3", "the clip must start before it ends; start=3, end=3"),
        ("a.avi,jump,4,1.5", "the clip must start before it ends; start=4, end=1.5"),
        ("a.avi", "empty label"),
    ],
)
def test_bad_rows_name_the_file_and_line(tmp_path, row, problem):
    touch(tmp_path / "a.avi")
    table = tmp_path / "clips.csv"
    table.write_text(f"path,label,start,end\na.avi,jump,,\n{row}\n")
    with pytest.raises(UserInputError) as caught:
        list(iter_clips(table))
    assert (caught.value.path, caught.value.line) == (str(table), 3)
    assert str(caught.value).startswith(f"{table}:3: {problem}")
    items = list(iter_clips(table, skip_bad_rows=True))
    assert isinstance(items[0], Clip) and items[0].line == 2
    assert isinstance(items[1], Skipped) and (items[1].path, items[1].line) == (str(table), 3)
    assert items[1].problem.startswith(problem)


def test_a_table_of_only_bad_rows(tmp_path):
    table = tmp_path / "clips.csv"
    table.write_text("path,label\nnope.avi,x\n")
    items = []
    with pytest.raises(UserInputError, match="no usable rows found"):
        for item in iter_clips(table, skip_bad_rows=True):
            items.append(item)
    assert [type(item) for item in items] == [Skipped]


def test_missing_columns_are_an_error_on_the_header(tmp_path):
    table = tmp_path / "clips.csv"
    table.write_text("filename,label\na.avi,x\n")
    with pytest.raises(UserInputError, match=r"clips.csv:1: no video path column \(tried 'path', 'file'") as caught:
        list(iter_clips(table, skip_bad_rows=True))
    assert caught.value.line == 1
    table.write_text("path,tag\na.avi,x\n")
    with pytest.raises(UserInputError, match=r"clips.csv:1: no label column"):
        list(iter_clips(table))


def test_a_table_without_labels_for_predicting(tmp_path):
    touch(tmp_path / "a.avi")
    table = tmp_path / "predict.csv"
    table.write_text("path,start\na.avi,2\n")
    assert listed(iter_clips(table, require_labels=False)) == [(None, tmp_path / "a.avi", 2.0, None, 2)]
    table.write_text("path,label\na.avi,\na.avi,walk\n")
    assert [clip.label for clip in iter_clips(table, require_labels=False)] == [None, "walk"]


def test_missing_and_unknown_sources(tmp_path):
    with pytest.raises(UserInputError, match="file or folder not found") as caught:
        iter_clips(tmp_path / "nope.csv")
    assert caught.value.path == str(tmp_path / "nope.csv")
    video = touch(tmp_path / "a.avi")
    with pytest.raises(UserInputError, match=r"expected a clip table \(.csv, .tsv\) or a folder"):
        iter_clips(video)


def test_clip_is_frozen():
    clip = Clip(pathlib.Path("/v/a.avi"), "jump")
    with pytest.raises(AttributeError):
        clip.label = "run"
    assert (clip.start, clip.end, clip.line) == (None, None, None)
