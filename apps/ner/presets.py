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
            # IOB2 transition constraints in the CRF (training and decoding). Word dropout of the words seen
            # once (Lample et al.: 0.5) is off: on CoNLL-2003 valid it did not help (benchmarks/ner_conll.py
            # --word-dropout 0.5; README).
            "word_dropout": 0.0,
            "transition_constraints": True,
        },
        "data": {"max_vocabulary": 20_000, "min_count": 1, "char_features": True, "lowercase": True},
        # CoNLL-2003 (benchmarks/ner_conll.py): the validation loss is lowest by epoch 2-6 and then rises while
        # the validation tag F1 still improves (best at epoch 5-6), so early stopping watches the tag F1.
        "training": {
            "epochs": 15,
            "batch_size": 32,
            "learning_rate": 0.002,
            "learning_rate_schedule": "cosine",
            "early_stopping_patience": 5,
            "monitor": "val_tag_f1",
        },
    },
    # A small, fast model for smoke runs and tests.
    "tiny": {
        "model": {
            **TINY_BIDIRECTIONAL_GRU,
            "head": "crf",
            "char_embedding_dim": 8,
            "char_units": 8,
            "word_dropout": 0.0,
            "transition_constraints": True,
        },
        "data": {"max_vocabulary": 5_000, "min_count": 1, "char_features": True, "lowercase": True},
        "training": {"epochs": 2, "batch_size": 16, "learning_rate": 0.01, "early_stopping_patience": None},
    },
}
