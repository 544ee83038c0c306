"""Errors raised by the trainer."""


class NaNLossError(RuntimeError):
    """Training stopped because the loss became NaN or infinite.

    Args:
        epoch: the 1-based epoch in which it happened.
        batch: the 1-based batch within that epoch.
        checkpoint: the last checkpoint written before it, or `None`.

    Example:

    >>> str(NaNLossError(3, 2, "run/checkpoints/epoch_0002.weights.h5"))
    'Loss became NaN or infinite at epoch 3, batch 2; training stopped. The last good checkpoint is kept: run/checkpoints/epoch_0002.weights.h5'
    """

    def __init__(self, epoch, batch, checkpoint=None):
        self.epoch = epoch
        self.batch = batch
        self.checkpoint = None if checkpoint is None else str(checkpoint)
        message = f"Loss became NaN or infinite at epoch {epoch}, batch {batch}; training stopped. "
        if self.checkpoint is None:
            message += "No epoch had finished, so there is no checkpoint to keep."
        else:
            message += f"The last good checkpoint is kept: {self.checkpoint}"
        super().__init__(message)
