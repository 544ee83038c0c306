"""`seqkit speech`: the generic verbs with options for audio data and CTC decoding, and a `predict` that takes
audio files, folders or manifests."""

import json
import pathlib

import click

from seqkit.apps.speech.application import APPLICATION
from seqkit.cli import options
from seqkit.cli.app_group import AppSpec, make_app_group
from seqkit.cli.errors import report_errors

API = "seqkit.apps.speech.api"
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg")

NAME_RULE = click.option(
    "--transcript-from-name", type=click.Choice(["digits", "yesno", "stem"]),
    help="Folders of clips: the transcript from each file name (digits: FSDD 7_jackson_3.wav -> seven; yesno: "
    "1_0_1.wav -> yes no yes; stem: the name with _ and - as spaces).",
)
DECODING_OPTIONS = (
    click.option("--beam-size", type=click.IntRange(min=1), default=1, show_default=True,
                 help="CTC prefix beam search width (1: greedy)."),
    click.option("--lm-weight", type=click.FloatRange(min=0.0), default=0.0, show_default=True,
                 help="Weight of a character 5-gram of the training transcripts (shallow fusion; needs --beam-size > 1)."),
    click.option("--lexicon", help="Only words of this word list (one per line), or 'train' for the training words."),
)

FIT_OPTIONS = (
    NAME_RULE,
    click.option("--skip-bad-rows", is_flag=True, help="Leave out and count clips that cannot be read."),
    click.option("--max-seconds", type=click.FloatRange(min=0.1), help="Longest clip (default 30 s); longer ones are bad."),
    click.option("--digits", type=click.Choice(["words", "keep"]), help="Digits in transcripts: as words (default) or kept."),
    click.option("--mel-bins", type=click.IntRange(8, 256), help="Log-mel bins per frame (default 80)."),
    click.option("--deltas", type=click.IntRange(0, 2), help="Add delta (1) and delta-delta (2) features."),
    click.option("--spec-augment/--no-spec-augment", default=None, help="Mask bands and spans in training (default on)."),
    click.option("--conv-filters", type=click.IntRange(min=1), help="Filters of the strided convolution (default 128)."),
    click.option("--conv-stride", type=click.IntRange(min=1), help="Its stride in frames (default 2)."),
)


def _lexicon(value):
    if value is None or value == "train":
        return value
    path = pathlib.Path(value)
    if not path.is_file():
        raise click.BadParameter(f"no such word list: {value}", param_hint="--lexicon")
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _audio_files(inputs):
    """Audio files of the arguments: files as they are, folders searched for clips, manifests read."""
    files = []
    for item in inputs:
        path = pathlib.Path(item)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix.lower() in AUDIO_SUFFIXES)
        elif path.suffix.lower() in (".csv", ".tsv"):
            from seqkit.data.audio.manifests import iter_utterances

            files += [u.path for u in iter_utterances(path)]
        elif path.exists():
            files.append(path)
        else:
            raise click.BadParameter(f"no such file or folder: {item}", param_hint="INPUTS")
    if not files:
        raise click.UsageError("Give audio files, folders of clips or manifests to transcribe.")
    return files


@click.command("predict")
@options.model_dir_option
@click.argument("inputs", nargs=-1, metavar="AUDIO...")
@options.compose(*DECODING_OPTIONS)
@options.json_option
@report_errors
def predict_command(model_dir, inputs, beam_size, lm_weight, lexicon, as_json):
    """Transcribe audio files (WAV, FLAC, OGG), folders of clips or manifests; long files are cut at pauses."""
    import importlib

    recognizer = importlib.import_module(API).load(model_dir)
    results = recognizer.predict(_audio_files(inputs), beam_size=beam_size, lm_weight=lm_weight,
                                 lexicon=_lexicon(lexicon))
    for result in results:
        click.echo(json.dumps(result, ensure_ascii=False) if as_json else recognizer.format_prediction(result))


group = make_app_group(
    AppSpec(
        application=APPLICATION,
        name="speech",
        help=(
            "Speech recognition with CTC: audio clips in (WAV/FLAC/OGG, any rate, resampled to 16 kHz), text out. "
            "Reads manifests (path,transcript), LibriSpeech folders, or folders of clips named by their transcript "
            "(--transcript-from-name). Default data: synthesised words, a smoke test."
        ),
        api_module=API,
        input_name="AUDIO",
        fit_options=FIT_OPTIONS,
        evaluate_options=(NAME_RULE,) + DECODING_OPTIONS,
        predict_verb=None,
        extra_commands=(predict_command,),
        per_sentence_with_json=True,
    )
)
