"""Cut long recordings at quiet points so that each piece can be transcribed on its own.

A recording longer than `max_seconds` is cut at the quietest 10 ms frame (lowest RMS energy) of the last
third of each `max_seconds` stretch (the latest such frame on ties), so cuts fall in pauses between words when there are any and never more
than `max_seconds` apart. Shorter recordings are returned whole.

Example:

>>> import numpy as np
>>> samples = np.ones(16_000 * 50, dtype=np.float32)
>>> samples[16_000 * 17 : 16_000 * 17 + 1600] = 0.0       # a 0.1 s pause at 17 s: the first cut falls in it
>>> [round(len(piece) / 16_000, 2) for piece in split_at_silences(samples, 16_000, max_seconds=20)]
[17.08, 19.98, 12.93]
"""

import numpy as np


def split_at_silences(samples, sample_rate, *, max_seconds=20.0, frame_seconds=0.01):
    """The pieces of `samples` (views), each at most `max_seconds` long, cut at quiet frames."""
    if max_seconds <= 0:
        raise ValueError(f"`max_seconds` must be positive. Received: max_seconds={max_seconds}")
    limit = int(max_seconds * sample_rate)
    frame = max(1, int(frame_seconds * sample_rate))
    pieces, start = [], 0
    while len(samples) - start > limit:
        search_from = start + (2 * limit) // 3
        region = samples[search_from : start + limit]
        frames = len(region) // frame
        if frames == 0:
            cut = start + limit
        else:
            energy = np.sqrt(np.mean(np.square(region[: frames * frame].reshape(frames, frame)), axis=1))
            # The last of the quietest frames: with no pause at all, pieces are as long as allowed.
            quietest = frames - 1 - int(np.argmin(energy[::-1]))
            cut = search_from + quietest * frame
        pieces.append(samples[start:cut])
        start = cut
    pieces.append(samples[start:])
    return pieces
