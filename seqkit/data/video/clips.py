"""Find the clips of a video data set and their labels: class folders, or a table of clips.

`iter_clips` reads one source as a stream of `Clip`s (an absolute video path, its label, and optionally a
segment; no video is decoded here):

- a folder with one sub-folder per class holding that class's videos (the UCF101 and KTH layouts): every file
  with a video suffix (`.avi`, `.mp4`, `.mkv`, `.webm`, `.mov`, `.m4v`, `.mpg`, `.mpeg`) under a class folder,
  recursively, in path order, labelled with the class folder's name. Hidden files and folders, and files of
  other suffixes, are passed over, as are videos directly in the folder. With `require_labels=False` a folder
  without class folders gives its videos unlabelled (to predict on a folder of videos);
- a CSV or TSV table (`.csv`, `.tsv`) with a header: the video path in a column `path`, `file`, `video` or
  `clip`, the label in `label`, `class` or `activity` (found case-insensitively; optional with
  `require_labels=False`), and optional `start` and `end` columns in seconds, for a clip that is a segment
  of a longer video. Relative paths are relative to the table's folder. An optional `frame_labels` column
  names each clip's per-frame label file, a table of `start,end,label` segments in seconds
  (`seqkit.data.video.frame_labels`; relative to the table's folder too); with it the `label` column is
  optional. In one table either every clip has a label file or none has (an empty cell is a clip without).

A bad row (a missing video file, an empty label, a `start` or `end` that is not a number of seconds, a
`start` not before its `end`, a missing or bad frame label file, a clip without a label file in a table where
others have one) raises `UserInputError` with the table and line, or with `skip_bad_rows=True`
is yielded as a `seqkit.application.sources.Skipped` item in its place. The header is line 1. A source
without any usable clip is an error either way.

Example:

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> for name in ("walking/person01.avi", "boxing/person02.avi", "boxing/.person03.avi", "boxing/notes.txt"):
...     (folder / name).parent.mkdir(exist_ok=True)
...     _ = (folder / name).write_bytes(b"")
>>> [(clip.label, clip.path.name) for clip in iter_clips(folder)]
[('boxing', 'person02.avi'), ('walking', 'person01.avi')]
"""

import dataclasses
import math
import os
import pathlib

from seqkit.data.columns import find_column
from seqkit.data.video.frame_labels import read_frame_labels
from seqkit.data.video.frames import VIDEO_SUFFIXES
from seqkit.errors import UserInputError

PATH_ALIASES = ("path", "file", "video", "clip")
LABEL_ALIASES = ("label", "class", "activity")
START_COLUMN = "start"
FRAME_LABELS_COLUMN = "frame_labels"
END_COLUMN = "end"
TABLE_SUFFIXES = (".csv", ".tsv")


@dataclasses.dataclass(frozen=True)
class Clip:
    """One video clip, its label, and where it was listed.

    Args:
        path: the video file, an absolute `pathlib.Path`.
        label: the label as written (surrounding whitespace removed), or None for an unlabelled clip.
        start: where the clip starts in the video, in seconds, or None for the video's start.
        end: where the clip ends in the video, in seconds, or None for the video's end.
        source: where it was listed, as a string: the table, or the folder of class folders.
        line: the 1-based line in the table (the header is line 1), or None for a clip found in a folder.
        frame_labels: the clip's per-frame labels (`seqkit.data.video.frame_labels.FrameLabels`), or None.
    """

    path: pathlib.Path
    label: str | None
    start: float | None = None
    end: float | None = None
    source: str = ""
    line: int | None = None
    frame_labels: object = None


def iter_clips(source, *, skip_bad_rows=False, require_labels=True):
    """Stream the clips of a folder of class folders or of a clip table (see the module docstring).

    Args:
        source: a folder, or a `.csv`/`.tsv` table.
        skip_bad_rows: yield a table's bad rows as `Skipped` items instead of raising.
        require_labels: whether every clip needs a label. With False, a table needs no label column (and
            clips with an empty label have the label None), and a folder without class folders gives its
            videos with the label None.

    Yields:
        `Clip`s (and `Skipped` items), in file order.

    Raises:
        seqkit.errors.UserInputError: a missing source, a table without the columns, a folder without class
            folders of videos (or, with `require_labels=False`, without videos), a bad row (without
            `skip_bad_rows`), or no usable clip.

    Example:

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "long.mp4").write_bytes(b"")
    >>> _ = (folder / "clips.csv").write_text("video,activity,start,end\\nlong.mp4,jump,1.5,3\\nlong.mp4,,0,1\\n")
    >>> items = list(iter_clips(folder / "clips.csv", skip_bad_rows=True))
    >>> [(c.path.name, c.label, c.start, c.end, c.line) for c in items[:1]]
    [('long.mp4', 'jump', 1.5, 3.0, 2)]
    >>> str(items[1])
    '.../clips.csv:3: empty label'
    """
    source = pathlib.Path(source)
    if source.is_dir():
        return _iter_folder(source, require_labels)
    if not source.exists():
        raise UserInputError("file or folder not found", path=source)
    if source.suffix.lower() not in TABLE_SUFFIXES:
        raise UserInputError(
            f"expected a clip table (.csv, .tsv) or a folder of class folders, found a "
            f"{source.suffix or 'extensionless'} file",
            path=source,
        )
    return _iter_table(source, skip_bad_rows, require_labels)


# === Internals ===


def _iter_folder(folder, require_labels):
    classes = sorted(path for path in folder.iterdir() if path.is_dir() and not path.name.startswith("."))
    found = False
    for class_folder in classes:
        for video in _videos(class_folder, recursive=True):
            found = True
            yield Clip(_absolute(video), class_folder.name, source=str(folder))
    if found:
        return
    if require_labels:
        raise UserInputError(
            f"expected one sub-folder of videos ({', '.join(VIDEO_SUFFIXES)}) per class; none found", path=folder
        )
    for video in _videos(folder, recursive=False):
        found = True
        yield Clip(_absolute(video), None, source=str(folder))
    if not found:
        raise UserInputError(f"no video files ({', '.join(VIDEO_SUFFIXES)}) in the folder", path=folder)


def _videos(folder, recursive):
    """The video files under (or, without `recursive`, in) `folder`, in path order, hidden ones passed over."""
    paths = folder.rglob("*") if recursive else folder.iterdir()
    videos = []
    for path in paths:
        parts = path.relative_to(folder).parts
        if any(part.startswith(".") for part in parts) or path.suffix.lower() not in VIDEO_SUFFIXES:
            continue
        if path.is_file():
            videos.append(path)
    return sorted(videos, key=lambda path: path.relative_to(folder).parts)


def _iter_table(table, skip_bad_rows, require_labels):
    from seqkit.data.text_classification import iter_table_rows

    rows = iter_table_rows(table)
    columns = next(rows)
    lowered = {str(column).strip().lower(): column for column in columns}
    frames_name = lowered.get(FRAME_LABELS_COLUMN)
    try:
        path_name = find_column("video path", "path", "path", PATH_ALIASES[1:], columns, table)
        label_name = None
        if (require_labels and frames_name is None) or _has_any(columns, LABEL_ALIASES):
            label_name = find_column("label", "label", "label", LABEL_ALIASES[1:], columns, table)
    except UserInputError as error:
        raise UserInputError(error.problem, path=table, line=1) from None
    start_name, end_name = lowered.get(START_COLUMN), lowered.get(END_COLUMN)
    folder = table.parent
    found = False
    first_labelled = first_unlabelled = None  # lines of the first clips with and without a frame label file
    for line, row in rows:
        cell = str(row[path_name]).strip()
        label = str(row[label_name]).strip() if label_name is not None else ""
        frames_cell = str(row[frames_name]).strip() if frames_name is not None else ""
        start, start_problem = _seconds(row, start_name)
        end, end_problem = _seconds(row, end_name)
        video = _resolve(folder, cell) if cell else None
        if not cell:
            problem = "missing video path"
        elif video is None:
            problem = f"video file not found: {cell} (relative paths are read from {folder})"
        elif frames_cell and first_unlabelled is not None:
            problem = _mixed(frames_cell, first_unlabelled, has=False)
        elif frames_name is not None and not frames_cell and first_labelled is not None:
            problem = _mixed(frames_cell, first_labelled, has=True)
        elif not label and require_labels and not frames_cell:
            problem = "empty label" + (" and no frame labels" if frames_name is not None else "")
        elif start_problem or end_problem:
            problem = start_problem or end_problem
        elif start is not None and end is not None and start >= end:
            problem = f"the clip must start before it ends; start={start:g}, end={end:g}"
        elif frames_cell and _resolve(folder, frames_cell) is None:
            problem = f"frame label file not found: {frames_cell} (relative paths are read from {folder})"
        else:
            frame_labels = None
            if frames_cell:
                try:
                    frame_labels = read_frame_labels(_resolve(folder, frames_cell))
                except UserInputError as error:  # named by the label file and its line
                    yield _bad(error.problem, error.path, error.line, skip_bad_rows, unit="clips")
                    continue
                first_labelled = first_labelled or line
            elif frames_name is not None:
                first_unlabelled = first_unlabelled or line
            found = True
            yield Clip(video, label or None, start, end, str(table), line, frame_labels)
            continue
        yield _bad(problem, table, line, skip_bad_rows)
    if not found:
        raise UserInputError("no usable rows found", path=table)


def _mixed(cell, other_line, has):
    if has:
        return (f"no frame labels, but the clip of line {other_line} has some; give every clip of a table a "
                f"frame label file, or none")
    return (f"frame labels {cell}, but the clip of line {other_line} has none; give every clip of a table a "
            f"frame label file, or none")


def _has_any(columns, names):
    lowered = {str(column).strip().lower() for column in columns}
    return any(name in lowered for name in names)


def _seconds(row, column):
    """The cell of `column` as seconds (None when there is no such column or the cell is empty), and a problem."""
    if column is None:
        return None, None
    text = str(row[column]).strip()
    if not text:
        return None, None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 <= value < math.inf:
        return None, f"the {column} {text!r} is not a number of seconds (0 or more)"
    return value, None


def _resolve(folder, cell):
    """The absolute path of a table's video cell, or None when no such file exists."""
    path = pathlib.Path(cell).expanduser()
    path = path if path.is_absolute() else folder / path
    return _absolute(path) if path.is_file() else None


def _absolute(path):
    return pathlib.Path(os.path.abspath(path))


def _bad(problem, path, line, skip_bad_rows, unit="rows"):
    """The `Skipped` item of a bad row, or (without `skip_bad_rows`) its `UserInputError`."""
    from seqkit.application.sources import Skipped

    if not skip_bad_rows:
        raise UserInputError(problem + f" (--skip-bad-rows leaves such {unit} out)", path=path, line=line)
    return Skipped(str(path), line, problem)
