"""Named settings of the DNA application: plain dicts of builder, data and training arguments.

One preset serves both tasks: the tagger ignores `pooling`, the classifier ignores `head` (its head is a
softmax). Bases are one-hot (IUPAC codes as mixtures), so there is no embedding size.
"""

PRESETS = {
    # Motif convolution + two bidirectional LSTM layers; per-base softmax (CRF with --head crf). Patience 8:
    # a gene tagger's validation loss plateaus for several epochs before it finds the structure, and patience 4
    # stopped C. elegans seeds there (per-base accuracy 0.769 ± 0.111 over 3 seeds, one stopped at epoch 8);
    # with 8 every seed runs all 20 epochs, 0.870 ± 0.010 (benchmarks/dna_quality.py). The best epoch's
    # weights are restored either way. Sequence classes pool with learned attention over the bases: on UCI splice
    # junctions (the junction's position decides) accuracy 0.954 ± 0.000 against mean pooling's 0.922 ± 0.017 and
    # positional logistic regression's 0.933; on promoters level (MCC 0.789 ± 0.029 vs 0.808 ± 0.014, PR-AUC
    # 0.911 ± 0.021 vs 0.901 ± 0.005), 3 seeds each, benchmarks/dna_quality.py.
    "default": {
        "model": {
            "conv_filters": 64,
            "conv_kernel_size": 9,
            "cell": "lstm",
            "units": 64,
            "num_layers": 2,
            "bidirectional": True,
            "dropout": 0.2,
            "head": "softmax",
            "pooling": "attention",
        },
        "data": {"window": 2000, "overlap": 200, "rc_augment": False},
        "training": {"epochs": 20, "batch_size": 32, "learning_rate": 0.003, "early_stopping_patience": 8},
    },
    # A small, fast model for smoke runs and tests.
    "tiny": {
        "model": {
            "conv_filters": 8,
            "conv_kernel_size": 5,
            "cell": "gru",
            "units": 8,
            "num_layers": 1,
            "bidirectional": True,
            "dropout": 0.0,
            "head": "softmax",
            "pooling": "mean",
        },
        "data": {"window": 500, "overlap": 50, "rc_augment": False},
        "training": {"epochs": 2, "batch_size": 16, "learning_rate": 0.01, "early_stopping_patience": None},
    },
}
