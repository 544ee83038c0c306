"""Per-frame activity labels of a clip: a table of labelled time segments, and the label of each sampled frame.

A clip table (`seqkit.data.video.clips`) names each clip's label file in a `frame_labels` column. The file is
a CSV or TSV (`.csv`, `.tsv`) with a header and one row per segment, as temporal annotations are usually
written (ActivityNet, THUMOS): `start` and `end` in seconds from the start of the video (not of the clip's
`start,end` segment), and the `label` (or `class`, `activity`) of what happens in between:

    start,end,label
    0,2.5,reach
    2.5,4,grasp
    6,9.2,pour

A segment holds the times `start <= t < end`. Rows may come in any order but segments must not overlap
(touching, one's `end` the next one's `start`, is fine). A sampled frame is labelled by the segment that holds
its time (`Frames.times`: its index / fps); a frame that no segment holds is labelled `background`
(`BACKGROUND`), so only the activities need annotating. A segment may also be labelled `background`
explicitly.

A bad row (a missing cell, a time that is not a number of seconds, `start` not before `end`, an empty label,
a segment overlapping another) raises `UserInputError` naming the label file and line (the header is line 1).
Nothing here imports TensorFlow or decodes video.

Example:

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "clip.csv"
>>> _ = path.write_text("start,end,label\\n2.5,4,grasp\\n0,2.5,reach\\n")
>>> labels = read_frame_labels(path)
>>> [(s.start, s.end, s.label) for s in labels.segments]
[(0.0, 2.5, 'reach'), (2.5, 4.0, 'grasp')]
>>> labels.labels_at([0.0, 2.4, 2.5, 3.9, 4.0])
['reach', 'reach', 'grasp', 'grasp', 'background']
"""

import bisect
import dataclasses
import math
import pathlib

from seqkit.data.columns import find_column
from seqkit.errors import UserInputError

BACKGROUND = "background"
LABEL_ALIASES = ("label", "class", "activity")
TABLE_SUFFIXES = (".csv", ".tsv")
_TOLERANCE = 1e-6  # seconds: frame times are float32


@dataclasses.dataclass(frozen=True)
class Segment:
    """A labelled stretch of a video, `start <= t < end` seconds, and the line of its label file."""

    start: float
    end: float
    label: str
    line: int | None = None


@dataclasses.dataclass(frozen=True, eq=False)
class FrameLabels:
    """The labelled segments of one video, sorted by start, not overlapping.

    Args:
        segments: a tuple of `Segment`s in time order.
        source: the label file, as a string.
    """

    segments: tuple
    source: str = ""

    @property
    def labels(self):
        """The set of labels the segments name."""
        return {segment.label for segment in self.segments}

    def segments_at(self, times):
        """The `Segment` holding each time (seconds from the start of the video), or None outside them all."""
        # A time a rounding error before a boundary (float32 frame times) belongs to the later segment.
        starts = [segment.start for segment in self.segments]
        found = []
        for time in times:
            time = float(time) + _TOLERANCE
            at = bisect.bisect_right(starts, time) - 1
            found.append(self.segments[at] if at >= 0 and time < self.segments[at].end else None)
        return found

    def labels_at(self, times):
        """The label of each time (seconds from the start of the video): its segment's, or `BACKGROUND`."""
        return [BACKGROUND if segment is None else segment.label for segment in self.segments_at(times)]

    def covers(self, start, end):
        """Whether the segments leave no gap in `[start, end)` seconds (where frames would be background)."""
        reached = start
        for segment in self.segments:
            if segment.start > reached + _TOLERANCE:
                return False
            reached = max(reached, segment.end)
            if reached >= end - _TOLERANCE:
                return True
        return reached >= end - _TOLERANCE


def read_frame_labels(path):
    """Read a label file of segments (see the module docstring).

    Args:
        path: a `.csv` or `.tsv` file with `start`, `end` and `label` (or `class`, `activity`) columns.

    Returns:
        A `FrameLabels`.

    Raises:
        seqkit.errors.UserInputError: a missing file, another suffix, missing columns, a bad row (with its
            file and line), or no segment at all.
    """
    from seqkit.data.text_classification import iter_table_rows

    path = pathlib.Path(path)
    if not path.is_file():
        raise UserInputError("frame label file not found", path=path)
    if path.suffix.lower() not in TABLE_SUFFIXES:
        raise UserInputError(
            f"expected a frame label table (.csv, .tsv) of start,end,label segments, found a "
            f"{path.suffix or 'extensionless'} file",
            path=path,
        )
    rows = iter_table_rows(path)
    columns = next(rows)
    try:
        start_name = find_column("start", "start", "start", (), columns, path)
        end_name = find_column("end", "end", "end", (), columns, path)
        label_name = find_column("label", "label", "label", LABEL_ALIASES[1:], columns, path)
    except UserInputError as error:
        raise UserInputError(error.problem, path=path, line=1) from None
    segments = []
    for line, row in rows:
        start, problem = _seconds(row[start_name], "start")
        end, end_problem = _seconds(row[end_name], "end")
        label = str(row[label_name]).strip()
        problem = problem or end_problem
        if problem is None and start >= end:
            problem = f"the segment must start before it ends; start={start:g}, end={end:g}"
        if problem is None and not label:
            problem = "empty label"
        if problem is not None:
            raise UserInputError(problem, path=path, line=line)
        segments.append(Segment(start, end, label, line))
    if not segments:
        raise UserInputError("no segments found (expected rows of start,end,label)", path=path)
    segments.sort(key=lambda segment: (segment.start, segment.end))
    for before, after in zip(segments, segments[1:]):
        if after.start < before.end - _TOLERANCE:
            late, early = (after, before) if after.line > before.line else (before, after)
            raise UserInputError(
                f"the segment {late.start:g}-{late.end:g} s overlaps the segment {early.start:g}-{early.end:g} s "
                f"of line {early.line}",
                path=path,
                line=late.line,
            )
    return FrameLabels(tuple(segments), str(path))


def _seconds(cell, name):
    text = str(cell).strip()
    if not text:
        return None, f"missing {name}"
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 <= value < math.inf:
        return None, f"the {name} {text!r} is not a number of seconds (0 or more)"
    return value, None
