"""Audio readers, resampling and manifests for `seqkit speech` (TensorFlow-free)."""
