"""`seqkit video`: the generic verbs with options for clips and frame sampling, and a `predict` that takes video
files or folders."""

import json
import pathlib

import click

from seqkit.apps.video.application import APPLICATION, BACKBONES
from seqkit.cli import options
from seqkit.cli.app_group import AppSpec, make_app_group
from seqkit.cli.errors import report_errors

API = "seqkit.apps.video.api"

SKIP_BAD = click.option("--skip-bad-rows", is_flag=True, help="Leave out and count clips that cannot be read.")
FIT_OPTIONS = (
    SKIP_BAD,
    click.option("--num-frames", type=click.IntRange(min=1), help="Frames sampled uniformly from each clip (default 16)."),
    click.option("--fps", type=click.FloatRange(min=0.1), help="Sample this many frames a second instead."),
    click.option("--frame-size", type=click.IntRange(min=8), help="Side of the square frames (default 48)."),
    click.option("--crop", type=click.Choice(["center", "resize"]), help="Centre square crop (default) or whole frame."),
    click.option("--backbone", type=click.Choice(BACKBONES),
                 help="A frozen ImageNet frame encoder; its features are computed once and cached."),
    click.option("--weights", metavar="PATH|random",
                 help="The backbone's weights file, or 'random' for none (default: ImageNet weights downloaded by "
                 "Keras)."),
    click.option("--feature-cache", type=click.Path(file_okay=False),
                 help="Folder of cached backbone features, shared between runs (default: the run's own)."),
    click.option("--frame-differences/--no-frame-differences", default=None,
                 help="Add the difference to the previous frame as input channels."),
    click.option("--pooling", type=click.Choice(["mean", "max", "last"]), help="How frames are pooled (default mean)."),
)


def video_files(inputs):
    """Video files of the arguments: files as they are, folders searched (recursively) for videos."""
    from seqkit.data.video.frames import VIDEO_SUFFIXES

    files = []
    for item in inputs:
        path = pathlib.Path(item)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix.lower() in VIDEO_SUFFIXES
                            and not p.name.startswith("."))
        elif path.exists():
            files.append(path)
        else:
            raise click.BadParameter(f"no such file or folder: {item}", param_hint="VIDEOS")
    if not files:
        raise click.UsageError("Give video files or folders of videos to recognise.")
    return files


@click.command("predict")
@options.model_dir_option
@click.argument("inputs", nargs=-1, metavar="VIDEOS...")
@click.option("--timeline/--no-timeline", default=None,
              help="Per-second timeline of sliding windows (default: for videos over twice the training clips); "
              "a per-frame model samples back-to-back windows instead.")
@click.option("--frames-png", type=click.Path(file_okay=False),
              help="Write a contact sheet of each video's sampled frames into this folder.")
@options.json_option
@report_errors
def predict_command(model_dir, inputs, timeline, frames_png, as_json):
    """Recognise the activity of video files (AVI, MP4, MKV, WebM, MOV) or folders of them.

    A per-frame model prints a timeline of segments (start-end seconds, label, probability) per video.
    """
    import importlib

    recognizer = importlib.import_module(API).load(model_dir)
    for result in recognizer.predict(video_files(inputs), timeline=timeline, frames_png=frames_png):
        click.echo(json.dumps(result, ensure_ascii=False) if as_json else recognizer.format_prediction(result))


group = make_app_group(
    AppSpec(
        application=APPLICATION,
        name="video",
        help=(
            "Activity recognition from video: clips in (AVI/MP4/MKV/WebM through OpenCV), an activity out. Reads a "
            "folder with one sub-folder per activity (UCF101 layout) or a CSV of path,label[,start,end]. A "
            "frame_labels column naming a CSV of start,end,label segments per clip trains a per-frame model "
            "instead (frames outside every segment: background). Default data: generated clips of moving, "
            "turning and growing shapes."
        ),
        api_module=API,
        input_name="VIDEOS",
        fit_options=FIT_OPTIONS,
        evaluate_options=(SKIP_BAD,),
        predict_verb=None,
        extra_commands=(predict_command,),
    )
)
