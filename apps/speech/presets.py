"""Named settings of the speech application: plain dicts of builder, data and training arguments.

`waveform_features` are `LogMelSpectrogram` arguments and `spec_augment` `SpecAugment` arguments, both layers
of the model, so the exported model takes waveforms; `conv_stride` 2 halves the 100 frames a second before the
recurrent stack.
"""

PRESETS = {
    # Log-mel (80 bins) → SpecAugment → strided convolution → 3 bidirectional LSTM layers → characters, CTC.
    "default": {
        "model": {
            "waveform_features": {"num_mel_bins": 80, "deltas": 0, "normalize": "utterance"},
            "spec_augment": {"freq_masks": 2, "freq_mask_width": 10, "time_masks": 2, "time_mask_ratio": 0.05},
            "conv_filters": 128,
            "conv_kernel_size": 11,
            "conv_stride": 2,
            "cell": "lstm",
            "units": 128,
            "num_layers": 3,
            "bidirectional": True,
            "dropout": 0.2,
        },
        "data": {"max_seconds": 30.0},
        # At least 300 updates: 25 yes/no clips (2 batches an epoch) reached their best epoch at 40-67 (seeds 0-2),
        # not within 30; FSDD's 2,400 clips make 150 batches an epoch, so 30 epochs are 4,500 there
        # (benchmarks/speech_quality.py).
        "training": {"epochs": 30, "min_steps": 300, "batch_size": 16, "learning_rate": 0.002,
                     "early_stopping_patience": 6},
    },
    # A small, fast model for smoke runs and tests.
    "tiny": {
        "model": {
            "waveform_features": {"num_mel_bins": 20, "deltas": 0, "normalize": "utterance"},
            "spec_augment": None,
            "conv_filters": 8,
            "conv_kernel_size": 5,
            "conv_stride": 2,
            "cell": "gru",
            "units": 16,
            "num_layers": 1,
            "bidirectional": True,
            "dropout": 0.0,
        },
        "data": {"max_seconds": 30.0},
        "training": {"epochs": 2, "batch_size": 8, "learning_rate": 0.01, "early_stopping_patience": None},
    },
}
