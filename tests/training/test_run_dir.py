from seqkit.training.run_dir import RunPaths


def test_layout_and_latest_checkpoint(tmp_path):
    paths = RunPaths(tmp_path)
    assert paths.latest_checkpoint() is None
    paths.checkpoints.mkdir()
    for epoch in (2, 10, 9):
        paths.epoch_checkpoint(epoch).write_bytes(b"")
    (paths.checkpoints / "notes.txt").write_text("")
    assert list(paths.epoch_checkpoints()) == [2, 9, 10]
    assert paths.latest_checkpoint() == tmp_path / "checkpoints/epoch_0010.weights.h5"
    assert paths.checkpoint_pattern.format(epoch=3).endswith("epoch_0003.weights.h5")
    assert paths.curves == tmp_path / "plots/training_curves.png"
