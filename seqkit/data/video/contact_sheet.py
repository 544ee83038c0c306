"""Write sampled frames as one PNG contact sheet, to see what a model is given.

`write_contact_sheet` lays out `T` RGB frames in rows of `columns` tiles, left to right and top to bottom,
separated by 2-pixel dark grey lines (the unused tiles of the last row are dark grey too), with an optional
short text at the bottom left of each tile, such as the frame's time. The PNG is written atomically.
OpenCV is the `video` extra (`pip install 'seqkit[video]'`).

Example:

>>> import numpy as np
>>> frames = np.zeros((5, 16, 16, 3), np.uint8)
>>> path = write_contact_sheet(frames, "sheet.png", columns=4)
>>> import cv2
>>> cv2.imread(str(path)).shape
(34, 70, 3)
"""

import math
import pathlib

import numpy as np

from seqkit.data.atomic import atomic_write_bytes
from seqkit.data.video.frames import Frames, _opencv

GAP = 2
BACKGROUND = (32, 32, 32)


def write_contact_sheet(frames, path, *, columns=8, labels=None):
    """Write frames as a grid of tiles in one PNG file, atomically (parent folders are created).

    The sheet is `rows * height + (rows - 1) * 2` pixels high and `columns * width + (columns - 1) * 2` wide,
    with `rows = ceil(T / columns)` (and `columns` no more than `T`).

    Args:
        frames: a `uint8` array `(T, height, width, 3)` in RGB order, or a `Frames` (its `pixels`).
        path: the `.png` file to write.
        columns: the most tiles in a row.
        labels: None, or one short string per frame, drawn in white at the bottom left of its tile.

    Returns:
        The file as a `pathlib.Path`.

    Raises:
        ValueError: `frames` is not a non-empty `(T, height, width, 3)` `uint8` array, `columns` is not a
            positive integer, `labels` has not one string per frame, or `path` does not end with `.png`.
        seqkit.optional.MissingPackageError: OpenCV is not installed.

    Example:

    >>> import numpy as np
    >>> red = np.zeros((2, 8, 8, 3), np.uint8)
    >>> red[..., 0] = 255
    >>> path = write_contact_sheet(red, "red.png", labels=["0.0s", "0.5s"])
    >>> import cv2
    >>> sheet = cv2.imread(str(path))  # OpenCV reads BGR
    >>> sheet.shape, sheet[0, 0].tolist(), sheet[0, 8].tolist()
    ((8, 18, 3), [0, 0, 255], [32, 32, 32])
    """
    pixels = frames.pixels if isinstance(frames, Frames) else np.asarray(frames)
    if pixels.ndim != 4 or pixels.shape[-1] != 3 or pixels.dtype != np.uint8 or 0 in pixels.shape:
        raise ValueError(
            "`frames` must be a non-empty uint8 array shaped (T, height, width, 3). "
            f"Received: frames.shape={pixels.shape}, frames.dtype={pixels.dtype}"
        )
    if isinstance(columns, bool) or not isinstance(columns, (int, np.integer)) or columns <= 0:
        raise ValueError(f"`columns` must be a positive integer. Received: columns={columns!r}")
    count, height, width = pixels.shape[:3]
    if labels is not None:
        labels = [str(label) for label in labels]
        if len(labels) != count:
            raise ValueError(f"`labels` must have one string per frame ({count}). Received: {len(labels)} labels")
    path = pathlib.Path(path)
    if path.suffix.lower() != ".png":
        raise ValueError(f"`path` must be a .png file. Received: path={str(path)!r}")
    cv2 = _opencv()
    columns = min(int(columns), count)
    rows = math.ceil(count / columns)
    sheet = np.empty((rows * height + (rows - 1) * GAP, columns * width + (columns - 1) * GAP, 3), np.uint8)
    sheet[...] = BACKGROUND
    scale = max(0.3, height / 200)
    thickness = max(1, round(height / 160))
    for index in range(count):
        top, left = (index // columns) * (height + GAP), (index % columns) * (width + GAP)
        tile = np.ascontiguousarray(pixels[index, :, :, ::-1])  # RGB to OpenCV's BGR
        if labels is not None and labels[index]:
            origin = (2, height - 3)
            font = cv2.FONT_HERSHEY_SIMPLEX
            cv2.putText(tile, labels[index], origin, font, scale, (0, 0, 0), thickness + 2, cv2.LINE_AA)
            cv2.putText(tile, labels[index], origin, font, scale, (255, 255, 255), thickness, cv2.LINE_AA)
        sheet[top:top + height, left:left + width] = tile
    ok, encoded = cv2.imencode(".png", sheet)
    if not ok:  # pragma: no cover - OpenCV always encodes a uint8 BGR image as PNG
        raise ValueError("OpenCV could not encode the contact sheet as PNG")
    return atomic_write_bytes(path, encoded.tobytes())
