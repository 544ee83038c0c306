"""Named settings of the language-model application: plain dicts of builder, data and training arguments."""

PRESETS = {
    # A one-layer LSTM: right for names and for character-level text of a few MB. Tiny Shakespeare as running
    # text (benchmarks/lm_quality.py, seed 0): 30 epochs with the cosine schedule 2.092 bits/char on valid,
    # 20 epochs at a constant rate 2.11; a second layer was 0.3 % better in perplexity after 7 epochs for
    # 1.5-2x the time per epoch.
    "default": {
        "model": {"embedding_dim": 64, "cell": "lstm", "units": 256, "num_layers": 1, "dropout": 0.1},
        "data": {"level": "char", "vocab_size": 10_000, "min_count": 1},
        "training": {
            "epochs": 30,
            "batch_size": 64,
            "learning_rate": 0.003,
            "learning_rate_schedule": "cosine",
            "clipnorm": 1.0,
            "early_stopping_patience": 3,
        },
    },
    # Two stacked LSTM layers for larger corpora (word level, or long character-level text).
    "large": {
        "model": {"embedding_dim": 256, "cell": "lstm", "units": 512, "num_layers": 2, "dropout": 0.2},
        "data": {"level": "char", "vocab_size": 10_000, "min_count": 1},
        "training": {
            "epochs": 20,
            "batch_size": 64,
            "learning_rate": 0.002,
            "clipnorm": 1.0,
            "early_stopping_patience": 2,
        },
    },
    # A small, fast model for smoke runs and tests.
    "tiny": {
        "model": {"embedding_dim": 8, "cell": "gru", "units": 16, "num_layers": 1, "dropout": 0.0},
        "data": {"level": "char", "vocab_size": 10_000, "min_count": 1},
        "training": {"epochs": 2, "batch_size": 32, "learning_rate": 0.01, "early_stopping_patience": None},
    },
}
