"""Named settings of the NER application: plain dicts of builder and training arguments."""

from seqkit.presets import TINY_BIDIRECTIONAL_GRU

PRESETS = {
    # Word + character BiLSTM-CRF (Lample et al., 2016 sizes); tuned for the embedded corpus and CoNLL-2003.
    "default": {
        "model": {
            "embedding_dim": 100,
            "cell": "lstm",
            "units": 100,
            "num_layers": 1,
            "bidirectional": True,
            "dropout": 0.5,
            "head": "crf",
            "char_embedding_dim": 25,
            "char_units": 25,
        },
        "data": {"max_vocabulary": 20_000, "min_count": 1, "char_features": True, "lowercase": True},
        "training": {"epochs": 10, "batch_size": 32, "learning_rate": 0.002, "early_stopping_patience": 3},
    },
    # A small, fast model for smoke runs and tests.
    "tiny": {
        "model": {
            **TINY_BIDIRECTIONAL_GRU,
            "head": "crf",
            "char_embedding_dim": 8,
            "char_units": 8,
        },
        "data": {"max_vocabulary": 5_000, "min_count": 1, "char_features": True, "lowercase": True},
        "training": {"epochs": 2, "batch_size": 16, "learning_rate": 0.01, "early_stopping_patience": None},
    },
}
