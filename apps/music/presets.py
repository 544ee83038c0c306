"""Named settings of the music application: plain dicts of builder, data and training arguments.

Data settings: `encoding` (`"melody"` or `"polyphonic"`), `transpose` (`"none"`, `"key"`, `"all"`), the codec's
grid and range (`steps_per_quarter`, `min_pitch`, `max_pitch`, `max_duration`, `max_shift`), `window` (tokens
per training example), `valid_fraction` (held-out pieces when no validation folder is given), `max_pieces`
(read at most this many files), and `eval_samples` / `eval_length` (pieces generated for the musical
statistics).
"""

_DATA = {
    "encoding": "melody",
    "transpose": "key",
    "steps_per_quarter": 4,
    "min_pitch": 36,
    "max_pitch": 96,
    "max_duration": 32,
    "max_shift": 16,
    "window": 128,
    "valid_fraction": 0.1,
    "max_pieces": None,
    "eval_samples": 16,
    "eval_length": 256,
}

PRESETS = {
    # Two stacked LSTMs, sized for the ~400 Bach chorales and the Nottingham tunes on a few CPU cores.
    "default": {
        "model": {"embedding_dim": 64, "cell": "lstm", "units": 256, "num_layers": 2, "dropout": 0.2},
        "data": dict(_DATA),
        "training": {"epochs": 20, "batch_size": 32, "learning_rate": 0.003, "early_stopping_patience": 3},
    },
    # A small, fast model for smoke runs and tests.
    "tiny": {
        "model": {"embedding_dim": 8, "cell": "lstm", "units": 16, "num_layers": 1, "dropout": 0.0},
        "data": {**_DATA, "window": 64, "eval_samples": 2, "eval_length": 48},
        "training": {"epochs": 2, "batch_size": 16, "learning_rate": 0.01, "early_stopping_patience": None},
    },
}
