"""Named settings of the sentiment application: plain dicts of builder, data and training arguments.

`model` holds `seqkit.tasks.sequence_classifier` arguments; `data` the text encoding (`tokenizer`: `"word"` or
`"wordpiece"`, `max_vocabulary`, `min_count` (words only), `lowercase`, `max_length` in words or pieces) and
`class_weights` (`"none"` or `"balanced"`); `training` the `TrainingConfig` fields.
"""

PRESETS = {
    # BiLSTM over learned word embeddings, max-pooled over time, softmax over the ratings. Small, strongly
    # regularised (dropout 0.6, words seen once share <UNK>) and class-weighted; training keeps the epoch with the
    # best validation macro-F1. Measured on SST-5 and on small, skewed product reviews
    # (benchmarks/sentiment_quality.py), where larger or unweighted models overfit within two epochs and scored
    # below TF-IDF logistic regression on macro-F1 or MAE.
    "default": {
        "model": {
            "embedding_dim": 64,
            "cell": "lstm",
            "units": 64,
            "num_layers": 1,
            "bidirectional": True,
            "dropout": 0.6,
            "pooling": "max",
            "head": "softmax",
        },
        "data": {
            "max_vocabulary": 10_000,
            "min_count": 2,
            "lowercase": True,
            "max_length": 256,
            "class_weights": "balanced",
            "tokenizer": "word",
        },
        "training": {
            "epochs": 20,
            "batch_size": 32,
            "learning_rate": 0.002,
            "early_stopping_patience": 5,
            "monitor": "val_macro_f1",
        },
    },
    # A small, fast model for smoke runs and tests.
    "tiny": {
        "model": {
            "embedding_dim": 16,
            "cell": "gru",
            "units": 16,
            "num_layers": 1,
            "bidirectional": True,
            "dropout": 0.0,
            "pooling": "mean",
            "head": "softmax",
        },
        "data": {
            "max_vocabulary": 2_000,
            "min_count": 1,
            "lowercase": True,
            "max_length": 64,
            "class_weights": "none",
            "tokenizer": "word",
        },
        "training": {"epochs": 3, "batch_size": 16, "learning_rate": 0.01, "early_stopping_patience": None},
    },
}
