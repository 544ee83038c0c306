"""Writing sampled frames as a PNG contact sheet."""

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")

from seqkit.data.video.contact_sheet import BACKGROUND, GAP, write_contact_sheet  # noqa: E402
from seqkit.data.video.frames import Frames  # noqa: E402


def coloured(count, height=10, width=12):
    """`count` RGB frames, frame i filled with (20 * i, 100, 200)."""
    frames = np.zeros((count, height, width, 3), np.uint8)
    for index in range(count):
        frames[index] = (20 * index, 100, 200)
    return frames


def test_tiles_are_laid_out_in_rows_in_rgb_order(tmp_path):
    frames = coloured(5)
    path = write_contact_sheet(frames, tmp_path / "deep" / "sheet.png", columns=3)
    assert path == tmp_path / "deep" / "sheet.png"
    sheet = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)  # PNG is lossless
    assert sheet.shape == (2 * 10 + GAP, 3 * 12 + 2 * GAP, 3)
    for index in range(5):
        top, left = (index // 3) * (10 + GAP), (index % 3) * (12 + GAP)
        np.testing.assert_array_equal(sheet[top:top + 10, left:left + 12], frames[index])
    assert (sheet[10:10 + GAP] == BACKGROUND).all() and (sheet[:, 12:12 + GAP] == BACKGROUND).all()
    assert (sheet[12:, 2 * (12 + GAP):] == BACKGROUND).all()  # the unused last tile


def test_fewer_frames_than_columns_make_one_row(tmp_path):
    sheet = cv2.imread(str(write_contact_sheet(coloured(2), tmp_path / "two.png")))
    assert sheet.shape == (10, 2 * 12 + GAP, 3)


def test_labels_are_drawn_in_their_tiles(tmp_path):
    frames = np.zeros((3, 32, 32, 3), np.uint8)
    path = write_contact_sheet(frames, tmp_path / "labelled.png", labels=["0.0s", "", "1.0s"])
    sheet = cv2.imread(str(path))
    first, second, third = (sheet[:, i * (32 + GAP):i * (32 + GAP) + 32] for i in range(3))
    assert (first[16:] > 128).any() and (third[16:] > 128).any()  # white text at the bottom
    assert not first[:12].any()  # nothing at the top
    assert not second.any()  # an empty label draws nothing


def test_accepts_frames_and_writes_atomically(tmp_path):
    pixels = coloured(2, 8, 8)
    frames = Frames(pixels, np.zeros(2, np.float32), np.arange(2), 10.0, 2, 0.2)
    path = tmp_path / "sheet.png"
    path.write_bytes(b"old")
    write_contact_sheet(frames, path, columns=1)
    assert cv2.imread(str(path)).shape == (2 * 8 + GAP, 8, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet.png"]  # no temporary file left


@pytest.mark.parametrize(
    "frames, options, message",
    [
        (np.zeros((2, 4, 4), np.uint8), {}, "`frames` must be a non-empty uint8 array shaped"),
        (np.zeros((2, 4, 4, 3), np.float32), {}, "frames.dtype=float32"),
        (np.zeros((0, 4, 4, 3), np.uint8), {}, "frames.shape=\\(0, 4, 4, 3\\)"),
        (np.zeros((2, 4, 4, 3), np.uint8), {"columns": 0}, "`columns` must be a positive integer. Received: columns=0"),
        (np.zeros((2, 4, 4, 3), np.uint8), {"labels": ["a"]}, "one string per frame \\(2\\). Received: 1 labels"),
    ],
)
def test_bad_arguments(tmp_path, frames, options, message):
    with pytest.raises(ValueError, match=message):
        write_contact_sheet(frames, tmp_path / "bad.png", **options)
    assert not (tmp_path / "bad.png").exists()


def test_the_path_must_be_png(tmp_path):
    with pytest.raises(ValueError, match="`path` must be a .png file"):
        write_contact_sheet(coloured(1), tmp_path / "sheet.jpg")
