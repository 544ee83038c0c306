"""`DnaVectorizer`: the task, the class names and how examples become model inputs.

Bases need no vocabulary (their codes are fixed by `seqkit.data.dna.alphabet`); what is learned from the
training data is the list of classes. Reverse complements of tagging examples swap stranded classes
(`cds+` ↔ `cds-`); unstranded classes keep their name.

Example:

>>> vectorizer = DnaVectorizer("tagging", ["intergenic", "cds+", "cds-"])
>>> vectorizer.strand_swap.tolist()
[0, 2, 1]
"""

import json
import pathlib

import numpy as np

from seqkit.apps.dna.sources import CLASSIFICATION, TAGGING
from seqkit.application.sources import Skipped
from seqkit.errors import UserInputError

LABELS_FILE = "labels.json"


def _other_strand(name):
    if name.endswith("+"):
        return name[:-1] + "-"
    if name.endswith("-"):
        return name[:-1] + "+"
    return name


class DnaVectorizer:
    """Encodes DNA examples for one task.

    Args:
        task: `"tagging"` (a class per base) or `"classification"` (a class per sequence).
        classes: the class names, in id order.
    """

    def __init__(self, task, classes):
        if task not in (TAGGING, CLASSIFICATION):
            raise ValueError(f"`task` must be 'tagging' or 'classification'. Received: task={task!r}")
        self.task = task
        self.classes = [str(name) for name in classes]
        self.index = {name: i for i, name in enumerate(self.classes)}
        self.strand_swap = np.asarray(
            [self.index.get(_other_strand(name), i) for i, name in enumerate(self.classes)], dtype=np.int32
        )

    # === Building ===

    @classmethod
    def build(cls, examples):
        """Learn the task and the classes from one pass over the training examples."""
        from seqkit.apps.dna.sources import TaggedSequence

        task, seen = None, set()
        ordered = None
        for example in examples:
            if isinstance(example, Skipped):
                continue
            kind = TAGGING if isinstance(example, TaggedSequence) else CLASSIFICATION
            task = task or kind
            if kind == TAGGING:
                ordered = ordered or tuple(example.classes)
                seen.update(example.classes)
            else:
                seen.add(example.label)
        if task is None:
            raise UserInputError("the training data holds no sequences")
        if task == TAGGING:
            # The annotation's own order (intergenic, utr, cds, intron, ...); classes only some rows have after it.
            classes = list(ordered) + sorted(seen - set(ordered))
        else:
            classes = sorted(seen)
        if len(classes) < 2:
            raise UserInputError(f"the training data has only one class ({classes[0]!r}); need at least two")
        return cls(task, classes)

    # === Encoding ===

    def check_task(self, example, source):
        from seqkit.apps.dna.sources import TaggedSequence

        kind = TAGGING if isinstance(example, TaggedSequence) else CLASSIFICATION
        if kind != self.task:
            raise UserInputError(f"this data is for {kind}, but the model does {self.task}", path=source)

    def label_ids(self, example, source):
        """The class id(s) of an example in this vectorizer's classes."""
        if self.task == CLASSIFICATION:
            if example.label not in self.index:
                raise UserInputError(
                    f"class {example.label!r} of {example.name!r} is not one of the model's classes "
                    f"({', '.join(self.classes)})", path=source, line=getattr(example, "line", None),
                )
            return np.int32(self.index[example.label])
        unknown = [name for name in example.classes if name not in self.index]
        if unknown:
            raise UserInputError(
                f"{example.name}: classes {unknown} are not among the model's classes ({', '.join(self.classes)})",
                path=source,
            )
        mapping = np.asarray([self.index[name] for name in example.classes], dtype=np.int32)
        return mapping[example.labels]

    def codes(self, example, source):
        if self.task == TAGGING:
            return example.codes
        from seqkit.data.dna.alphabet import encode_bases

        return encode_bases(example.sequence, record=example.name, path=source)

    def encode(self, example, source, *, reverse_complement=False):
        """`{"token_ids": int32 codes, "labels": class id(s)}`; the reverse complement (strands swapped) too when
        asked."""
        from seqkit.data.dna.alphabet import reverse_complement_codes

        self.check_task(example, source)
        codes = self.codes(example, source).astype(np.int32)
        labels = self.label_ids(example, source)
        yield {"token_ids": codes, "labels": labels}
        if reverse_complement:
            flipped = reverse_complement_codes(codes).astype(np.int32)
            if self.task == TAGGING:
                yield {"token_ids": flipped, "labels": self.strand_swap[labels[::-1]]}
            else:
                yield {"token_ids": flipped, "labels": labels}

    # === Files ===

    def settings(self):
        return {"task": self.task, "classes": self.classes, "file": LABELS_FILE}

    def save(self, directory):
        from seqkit.data.atomic import atomic_write_json

        atomic_write_json(pathlib.Path(directory) / LABELS_FILE, self.settings())

    @classmethod
    def load(cls, directory, settings=None):
        path = pathlib.Path(directory) / LABELS_FILE
        stored = json.loads(path.read_text(encoding="utf-8"))
        return cls(stored["task"], stored["classes"])
