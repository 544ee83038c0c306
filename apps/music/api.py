"""Python API of `seqkit music`: learn from MIDI/MusicXML, generate new music, evaluate, export.

Example:

>>> from seqkit.apps import music
>>> run = music.fit(out="runs/music", preset="tiny", max_pieces=20)          # doctest: +SKIP
>>> composer = music.load("runs/music")                                      # doctest: +SKIP
>>> pieces = composer.generate(num_samples=2, length=64, seed=1)             # doctest: +SKIP
>>> composer.write(pieces, "song.mid")                                       # doctest: +SKIP
[PosixPath('song-1.mid'), PosixPath('song-1.png'), PosixPath('song-2.mid'), PosixPath('song-2.png')]
"""

import dataclasses

from seqkit.apps.music import readers
from seqkit.apps.music.presets import PRESETS
from seqkit.errors import UserInputError
from seqkit.export.run_directory import RunDirectory
from seqkit.presets import resolve_preset

APP = "music"
EMBEDDED = "music21 corpus: Bach chorales"


@dataclasses.dataclass
class FitResult:
    """What `fit` produced: the run directory, the validation metrics and the data used."""

    run_dir: str
    metrics: dict
    data: dict
    skipped: list = dataclasses.field(default_factory=list)

    def summary(self):
        lines = [f"skipped {path}: {reason}" for path, reason in self.skipped[:20]]
        if len(self.skipped) > 20:
            lines.append(f"... and {len(self.skipped) - 20} more")
        lines.append(
            f"Trained on {self.data['train']} ({self.data['train_pieces']} pieces, {self.data['train_sequences']} "
            f"sequences; {self.data['skipped']} file(s) skipped)."
        )
        if self.metrics:
            baselines = ", ".join(
                f"{name} {values['perplexity']:.3f}" for name, values in self.metrics["baselines"].items()
            )
            lines.append(
                f"Validation ({self.data['valid_pieces']} pieces): NLL {self.metrics['nll']:.4f} nats/token, "
                f"perplexity {self.metrics['perplexity']:.3f} (baselines: {baselines})."
            )
        lines.append(f"Run directory: {self.run_dir}")
        return "\n".join(lines)


def _split(corpus, valid_fraction):
    train = [p for p in corpus.pieces if not readers.is_held_out(p.name, valid_fraction)]
    valid = [p for p in corpus.pieces if readers.is_held_out(p.name, valid_fraction)]
    if not train:
        train, valid = valid, []
    return train, valid


def load_training_data(data=None, valid=None, *, steps_per_quarter=4, max_pieces=None, valid_fraction=0.1):
    """`(train pieces, valid pieces, sources, skipped)` from folders, or the embedded Bach chorales.

    Without `valid`, a fixed share of the pieces (chosen by a hash of the file name) is held out.
    """
    if data is None:
        corpus = readers.bach_chorales(steps_per_quarter, max_pieces=max_pieces)
        source = EMBEDDED
    else:
        corpus = readers.read_folder(data, steps_per_quarter, max_pieces=max_pieces)
        source = str(data)
    skipped = list(corpus.skipped)
    if valid is None:
        train, held_out = _split(corpus, valid_fraction)
        valid_source = f"{valid_fraction:.0%} of the training pieces"
    else:
        valid_corpus = readers.read_folder(valid, steps_per_quarter, max_pieces=max_pieces)
        train, held_out = corpus.pieces, valid_corpus.pieces
        skipped += valid_corpus.skipped
        valid_source = str(valid)
    return train, held_out, {"train": source, "valid": valid_source}, skipped


def fit(
    *,
    data=None,
    valid=None,
    dataset=None,
    out="runs/music",
    preset="default",
    model_overrides=None,
    training_overrides=None,
    encoding=None,
    transpose=None,
    steps_per_quarter=None,
    window=None,
    max_pieces=None,
):
    """Train a music language model and write a run directory; returns a `FitResult`.

    Args:
        data: a folder (or file) of MIDI/MusicXML pieces; the Bach chorales of music21's corpus if None.
        valid: a validation folder; a fixed tenth of the pieces (by file-name hash) if None.
        dataset: not supported (the default corpus needs no download); must be None.
        out: the run directory.
        preset: a name in `PRESETS` (`"default"`, `"tiny"`).
        model_overrides: builder arguments replacing the preset's (`cell`, `units`, `num_layers`, ...).
        training_overrides: `TrainingConfig` fields replacing the preset's (`epochs`, `seed`, ...).
        encoding: `"melody"` (top line: pitch, duration and rest tokens) or `"polyphonic"` (note-on/off and
            time-shift events).
        transpose: `"none"`, `"key"` (into C major / A minor) or `"all"` (augment with every fitting key).
        steps_per_quarter: time grid, steps per quarter note.
        window: tokens per training example.
        max_pieces: read at most this many files (the first by name).
    """
    from seqkit.apps.music import training

    if dataset is not None:
        raise UserInputError(
            f"unknown dataset {dataset!r}: the music app reads folders (--data) or its embedded corpus"
        )
    model_config, data_config, training_config = resolve_preset(
        PRESETS,
        preset,
        model_overrides,
        training_overrides,
        {
            "encoding": encoding,
            "transpose": transpose,
            "steps_per_quarter": steps_per_quarter,
            "window": window,
            "max_pieces": max_pieces,
        },
    )
    training.make_vectorizer(data_config)  # fail on bad settings before reading any file
    train, held_out, sources, skipped = load_training_data(
        data,
        valid,
        steps_per_quarter=data_config["steps_per_quarter"],
        max_pieces=data_config["max_pieces"],
        valid_fraction=data_config["valid_fraction"],
    )
    result = training.train_music_model(
        train,
        held_out,
        out=out,
        model_config=model_config,
        data_config=data_config,
        training_config=training_config,
        sources=sources,
        preset=preset,
    )
    result.skipped = skipped + result.skipped
    result.data["skipped"] = len(result.skipped)
    return result


def load(model_dir):
    """Load a trained run directory as a `MusicModel` (generate, predict/score, evaluate, export)."""
    from seqkit.apps.music.model import MusicModel

    return MusicModel(RunDirectory(model_dir))
