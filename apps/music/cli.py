"""`seqkit music`: the generic verbs (fit, evaluate, score, export) plus `generate`."""

import json

import click

from seqkit.apps.music.application import APPLICATION
from seqkit.cli import options
from seqkit.cli.app_group import AppSpec, make_app_group
from seqkit.cli.errors import report_errors

FIT_OPTIONS = (
    click.option(
        "--encoding",
        type=click.Choice(["melody", "polyphonic"]),
        help="melody: top line as pitch/duration/rest tokens; polyphonic: note-on/off and time-shift events.",
    ),
    click.option(
        "--transpose",
        type=click.Choice(["none", "key", "all"]),
        help="key: move every piece to C major / A minor; all: also augment with every key that fits.",
    ),
    click.option("--steps-per-quarter", type=click.IntRange(1, 96), help="Time grid: steps per quarter note."),
    click.option("--window", type=click.IntRange(min=2), help="Tokens per training example."),
    click.option("--max-pieces", type=click.IntRange(min=1), help="Read at most this many files (first by name)."),
)

EVALUATE_OPTIONS = (
    click.option("--samples", type=click.IntRange(min=0), help="Pieces to generate for the musical statistics."),
    click.option("--length", type=click.IntRange(min=1), help="Tokens per generated piece for the statistics."),
    click.option("--sample-seed", "seed", type=int, default=0, show_default=True, help="Seed of those pieces."),
)


@click.command("generate")
@options.model_dir_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default="song.mid",
    show_default=True,
    help="MIDI file to write (song-1.mid, song-2.mid, ... with several samples).",
)
@click.option("--primer", type=options.existing_file, help="MIDI or MusicXML file to continue.")
@click.option(
    "--length",
    type=click.IntRange(min=1),
    default=256,
    show_default=True,
    help="Most tokens (or notes, see --unit) to add; a piece may end earlier.",
)
@click.option(
    "--min-length",
    type=int,
    default=0,
    show_default=True,
    help="Tokens to add before <EOS> may end a piece (at most --length; equal to it: exactly --length tokens). "
    "Needs --unit tokens.",
)
@click.option(
    "--unit", type=click.Choice(["tokens", "notes"]), default="tokens", show_default=True, help="What --length counts."
)
@options.sampling_options
@click.option("--num-samples", type=click.IntRange(min=1), default=1, show_default=True, help="Pieces to write.")
@click.option("--musicxml", is_flag=True, help="Also write MusicXML.")
@click.option("--no-piano-roll", is_flag=True, help="Do not write the piano-roll PNG.")
@click.option("--tempo", type=click.FloatRange(min=1.0), help="Quarter notes per minute of the MIDI file.")
@options.json_option
@report_errors
def generate(model_dir, out, musicxml, no_piano_roll, tempo, as_json, **settings):
    """Generate new pieces from nothing or continuing --primer; write MIDI (and MusicXML) and piano rolls."""
    from seqkit.apps.music.api import load

    composer = load(model_dir)
    pieces = composer.generate(**settings)
    written = composer.write(pieces, out, musicxml=musicxml, piano_roll=not no_piano_roll, tempo=tempo)
    if as_json:
        midi_files = [str(p) for p in written if p.suffix.lower() in (".mid", ".midi")]
        for piece, path in zip(pieces, midi_files):
            click.echo(
                json.dumps(
                    {
                        "file": path,
                        "notes": len(piece.notes),
                        "primer_notes": piece.primer_notes,
                        "token_ids": piece.token_ids,
                    }
                )
            )
    else:
        for path in written:
            click.echo(f"wrote {path}")


group = make_app_group(
    AppSpec(
        application=APPLICATION,
        name="music",
        help=(
            "Learn from MIDI and MusicXML, generate new music with a recurrent language model. Reads folders of "
            ".mid/.midi/.mxl/.musicxml files; default data: the Bach chorales of music21's corpus."
        ),
        api_module="seqkit.apps.music.api",
        input_name="FILES",
        fit_options=FIT_OPTIONS,
        evaluate_options=EVALUATE_OPTIONS,
        predict_verb="score",
        evaluate_data_required=False,
        extra_commands=(generate,),
    )
)
