"""Named settings of the video application: plain dicts of builder, data and training arguments.

`data` holds how clips become frames (`num_frames` spread uniformly over each clip, or `fps` frames a second;
square `frame_size` after a centre crop) and the frame encoder: `backbone` None trains the small convolutional
encoder end to end; a Keras Applications name uses that frozen ImageNet model, whose per-frame features are
computed once and cached.
"""

PRESETS = {
    # 12 frames of 48² and their differences to the previous frame (the motion: without them the model stayed at
    # chance on the generated clips for 8 epochs, with them it leaves chance in 4), a 3-block convolutional encoder
    # that keeps where things are in the frame (a 4 × 4 grid of averages, not one), a bidirectional GRU and mean
    # pooling over the clip's frames. benchmarks/video_quality.py, 3 seeds: 48² gives 0.856 on the generated
    # clips and 1.00 / 0.89 across the two people of ps7; 32² trains the embedded clips about twice as fast for
    # the same generated accuracy (0.852) but falls to 0.70 on ps7 P2→P1; 64² and 16 frames (1.00 / 1.00 on
    # ps7) took ≈ 10 min on the embedded clips.
    "default": {
        "model": {
            "conv_filters": (16, 32, 64),
            "encoder_grid": 4,
            "frame_differences": True,
            "cell": "gru",
            "units": 64,
            "num_layers": 1,
            "bidirectional": True,
            "dropout": 0.3,
            "pooling": "mean",
        },
        "data": {"num_frames": 12, "fps": None, "frame_size": 48, "crop": "center", "backbone": None},
        "training": {"epochs": 30, "batch_size": 16, "learning_rate": 0.002, "early_stopping_patience": 8},
    },
    # A frozen ImageNet backbone (MobileNetV3-Small, 576 features per frame) under a small recurrent head: for
    # real footage with few clips (features cached; only the head trains).
    "backbone": {
        "model": {"cell": "gru", "units": 64, "num_layers": 1, "bidirectional": True, "dropout": 0.3,
                  "pooling": "mean"},
        "data": {"num_frames": 16, "fps": None, "frame_size": 160, "crop": "center",
                 "backbone": "mobilenet_v3_small"},
        "training": {"epochs": 40, "batch_size": 8, "learning_rate": 0.001, "early_stopping_patience": 10},
    },
    # A small, fast model for smoke runs and tests.
    "tiny": {
        "model": {
            "conv_filters": (4, 8),
            "encoder_grid": 2,
            "frame_differences": False,
            "cell": "gru",
            "units": 8,
            "num_layers": 1,
            "bidirectional": True,
            "dropout": 0.0,
            "pooling": "mean",
        },
        "data": {"num_frames": 6, "fps": None, "frame_size": 24, "crop": "center", "backbone": None},
        "training": {"epochs": 2, "batch_size": 8, "learning_rate": 0.01, "early_stopping_patience": None},
    },
}
