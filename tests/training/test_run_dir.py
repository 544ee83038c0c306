from seqkit.training.run_dir import RunPaths


def test_layout_and_latest_checkpoint(tmp_path):
    paths = RunPaths(tmp_path)
    assert paths.latest_checkpoint() is None
    assert paths.state_files() == {} and paths.temporary_files() == []
    paths.state.mkdir(parents=True)
    for epoch in (2, 10, 9):
        paths.epoch_checkpoint(epoch).write_bytes(b"")
    (paths.checkpoints / "notes.txt").write_text("")
    assert list(paths.epoch_checkpoints()) == [2, 9, 10]
    assert paths.latest_checkpoint() == tmp_path / "checkpoints/epoch_0010.weights.h5"
    for step in (40, 8):
        paths.state_file(step).write_text("{}")
    assert paths.state_files() == {8: paths.state / "step_000000008.json", 40: paths.state / "step_000000040.json"}
    # What a process killed while writing a checkpoint leaves behind.
    stray = [
        paths.checkpoints / ".epoch_0011.weights.h5.tmp-x1.weights.h5",
        paths.state / ".step_000000048.npz.tmp-y2",
        tmp_path / ".history.csv.tmp-z3",
    ]
    (tmp_path / ".config.json.tmp-w4").write_bytes(b"")  # not the trainer's
    for path in stray:
        path.write_bytes(b"")
    assert sorted(paths.temporary_files()) == sorted(stray)
    assert paths.curves == tmp_path / "plots/training_curves.png"
