"""Session fixtures of the video app tests (the clips: `colour_clips.py`)."""

import numpy as np
import pytest

from colour_clips import COLOURS, square_clip, write_video


@pytest.fixture(scope="session")
def colour_clips(tmp_path_factory):
    """`train/<colour>/` (10 clips each) and `valid/<colour>/` (3 each), 8 frames of 32² at 10 fps."""
    folder = tmp_path_factory.mktemp("colour_clips")
    rng = np.random.default_rng(7)
    for split, count in (("train", 10), ("valid", 3)):
        for colour in COLOURS:
            for i in range(count):
                write_video(folder / split / colour / f"{colour}{i}.avi", square_clip(rng, colour))
    return folder


@pytest.fixture(scope="session")
def video_run(tmp_path_factory, colour_clips):
    """`seqkit video fit` from the CLI on the colour clips, tiny preset."""
    from click.testing import CliRunner

    from seqkit.cli.main import cli

    out = tmp_path_factory.mktemp("runs") / "video"
    result = CliRunner().invoke(
        cli,
        [
            "video", "fit", "--data", str(colour_clips / "train"), "--valid", str(colour_clips / "valid"),
            "--out", str(out), "--preset", "tiny", "--epochs", "20", "--seed", "1", "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    return out, result.output
