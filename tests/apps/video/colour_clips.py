"""Tiny videos made in the tests: clips of a coloured square (the colour is the activity), learned in a few epochs."""

import numpy as np

COLOURS = {"red": (230, 40, 40), "green": (40, 200, 60), "blue": (50, 60, 230)}


def square_clip(rng, colour, frames=8, size=32):
    """A square of `colour` drifting across a noisy grey frame, as uint8 RGB `(frames, size, size, 3)`."""
    pixels = np.clip(rng.normal(110, 12, (frames, size, size, 3)), 0, 255).astype(np.uint8)
    x, y = rng.integers(2, size // 2, 2)
    dx, dy = rng.integers(-1, 2, 2)
    for t in range(frames):
        left, top = int(np.clip(x + dx * t, 0, size - 10)), int(np.clip(y + dy * t, 0, size - 10))
        pixels[t, top : top + 10, left : left + 10] = COLOURS[colour]
    return pixels


def write_video(path, pixels, fps=10):
    from seqkit.apps.video.synthetic_clips import write_clip

    path.parent.mkdir(parents=True, exist_ok=True)
    write_clip(pixels, path, fps=fps)
    return path


def changing_clip(rng, colours, frames_each=4, background_frames=4, size=32):
    """A square whose colour changes: `frames_each` frames of each of `colours`, then `background_frames` of the
    grey background alone (no square), as uint8 RGB."""
    parts = [square_clip(rng, colour, frames=frames_each, size=size) for colour in colours]
    parts.append(np.clip(rng.normal(110, 12, (background_frames, size, size, 3)), 0, 255).astype(np.uint8))
    return np.concatenate(parts)


def write_segments(path, rows, header="start,end,label"):
    """A frame label file of `(start, end, label)` rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header] + [",".join(str(cell) for cell in row) for row in rows]) + "\n",
                    encoding="utf-8")
    return path


def decode_rgb(path):
    """Every frame of a video file at its own size, uint8 RGB `(T, H, W, 3)` (OpenCV, not seqkit's reader)."""
    import cv2

    capture, frames = cv2.VideoCapture(str(path)), []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    return np.stack(frames)


def serve_without_seqkit(version_dir, frames, lengths, folder):
    """Call the export's `serving_default` in a Python process where seqkit, keras-hub and cv2 cannot be
    imported; its outputs as lists (strings decoded)."""
    import json
    import textwrap

    from plain_tensorflow import run_plain_tensorflow

    np.save(folder / "frames.npy", frames)
    np.save(folder / "lengths.npy", lengths)
    script = textwrap.dedent(f"""
        import json, sys
        import numpy as np
        import tensorflow as tf
        served = tf.saved_model.load({str(version_dir)!r}).signatures["serving_default"]
        out = served(frames=tf.constant(np.load({str(folder / "frames.npy")!r})),
                     lengths=tf.constant(np.load({str(folder / "lengths.npy")!r})))
        lists = {{}}
        for name, value in out.items():
            value = value.numpy()
            lists[name] = np.char.decode(value.astype(bytes)).tolist() if value.dtype == object else value.tolist()
        print(json.dumps(lists))
    """)
    served = run_plain_tensorflow(script)
    assert served.returncode == 0, served.stderr[-2000:]
    return json.loads(served.stdout.strip().splitlines()[-1])
