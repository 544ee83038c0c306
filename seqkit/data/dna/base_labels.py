"""Per-base class labels of a genome from its annotation (GFF3 gene structure, or named BED intervals).

A `BaseLabeler` holds, for each sequence, the annotation resolved into runs of one class (a few arrays, not
one label per base), and answers `labels(seqid, start, end)` for a window with NumPy (`searchsorted` and
`repeat`), so a 4.6 Mb genome with 4,000 genes costs a few hundred kilobytes and a window a few microseconds.
Class 0 is always the background (`intergenic`): bases no annotation covers, and whole sequences the
annotation does not name.

Gene structure (`gene_structure_intervals`)
-------------------------------------------

Classes: `intergenic`, `utr`, `cds`, `intron`; with strands, `intergenic`, `utr+`, `utr-`, `cds+`, `cds-`,
`intron+`, `intron-` (intergenic is never stranded). Every class of the scheme is listed even when the
annotation has no base of it, so labelers built from different files (train and valid) agree on the ids when
they agree on the scheme.

Evidence rule: a row counts as annotation only when

- its type is `gene`; or a transcript: `mRNA` or `transcript` whose `Parent` is a gene and that has `exon`
  or `CDS` rows, or a row of any other type whose `Parent` is a gene and that has `CDS` rows (RefSeq's
  `V_gene_segment`, ...). Non-coding RNAs (`tRNA`, `rRNA`, `ncRNA`, ... with exons only) are not
  transcripts, so their genes stay intergenic. An `mRNA` or `transcript` without `Parent` is its own gene.
- or its type is `exon`, `CDS`, `intron`, `five_prime_UTR`, `three_prime_UTR` (also `5UTR`, `3UTR`,
  `5'UTR`, `3'UTR`, `UTR`; types are compared case-insensitively) and one of its `Parent`s is a chosen
  transcript.

Everything else is ignored and counted in `summary()["ignored_rows"]`: other types (`region`, `tRNA`,
`repeat_region`, ...), parts without `Parent` (such as `RNASeq_splice` intron counts, or Prodigal's
parent-less `CDS` rows) and parts of transcripts that were not chosen.

One transcript per gene: `transcript="first"` takes the first in file order, `"longest"` the one with
the most spliced bases (the sum of its merged exon lengths, the `CDS` and UTR rows standing in when it has
no exon rows; ties go to the longer span, then to the first). A gene with `CDS` or `exon` rows directly
under it and no transcript (prokaryote RefSeq GFFs: `gene` → `CDS`) is its own transcript. A gene
without any is not labelled.

Classes of a transcript: `cds` are its CDS rows; `utr` its explicit UTR rows together with the parts of its
exons no CDS covers (the two agree in well-formed files); `intron` its explicit intron rows together with
the gaps between consecutive exons. Where classes overlap (within a gene, or between genes) CDS wins over
UTR, UTR over intron; between the two strands of one class, `+` wins.

Strands: `strand="+"` (or `"-"`) labels only genes on that strand, the others stay intergenic. `stranded`
chooses the class names: True gives the stranded scheme, False the unstranded one, None (automatic) gives
the stranded scheme when `strand="both"` and the chosen transcripts lie on both strands, otherwise the
unstranded one. Give it explicitly when labelers of different files must agree. Genes whose strand is
unknown (`.` or `?`) are labelled only in the unstranded scheme with `strand="both"`, and counted in
`summary()["genes_without_strand"]` otherwise.

BED intervals (`bed_intervals_labeler`)
---------------------------------------

The classes are the background then the names of column 4 (sorted, or as given in `classes`); with
`stranded=True`, each name is split into `name+` and `name-` by column 6. Overlapping intervals: with
`overlap="last"` the later row wins (rows painted in file order), with `overlap="priority"` the class
listed first in `classes` (sorted names by default) wins, later rows breaking ties.

Example:

>>> from seqkit.data.dna.gff3 import GffFeature
>>> features = [
...     GffFeature("chr1", "demo", "gene", 3, 12, None, "+", None, {"ID": ["g1"]}),
...     GffFeature("chr1", "demo", "mRNA", 3, 12, None, "+", None, {"ID": ["t1"], "Parent": ["g1"]}),
...     GffFeature("chr1", "demo", "exon", 3, 6, None, "+", None, {"Parent": ["t1"]}),
...     GffFeature("chr1", "demo", "exon", 9, 12, None, "+", None, {"Parent": ["t1"]}),
...     GffFeature("chr1", "demo", "CDS", 5, 6, None, "+", 0, {"Parent": ["t1"]}),
...     GffFeature("chr1", "demo", "CDS", 9, 10, None, "+", 2, {"Parent": ["t1"]}),
... ]
>>> labeler = gene_structure_intervals(features)
>>> labeler.classes
['intergenic', 'utr', 'cds', 'intron']
>>> "".join("-UCI"[i] for i in labeler.labels("chr1", 0, 14))
'--UUCCIICCUU--'
"""

import collections
import heapq
import os

import numpy as np

from seqkit.errors import UserInputError

BACKGROUND = "intergenic"
UNSTRANDED_CLASSES = (BACKGROUND, "utr", "cds", "intron")
STRANDED_CLASSES = (BACKGROUND, "utr+", "utr-", "cds+", "cds-", "intron+", "intron-")
TRANSCRIPT_CHOICES = ("first", "longest")
STRAND_CHOICES = ("both", "+", "-")
OVERLAP_CHOICES = ("last", "priority")
# Feature types (lowercase) and what they are to the gene structure.
_KINDS = {
    "gene": "gene",
    "mrna": "transcript",
    "transcript": "transcript",
    "exon": "exon",
    "cds": "cds",
    "intron": "intron",
    **dict.fromkeys(("five_prime_utr", "three_prime_utr", "5utr", "3utr", "5'utr", "3'utr", "utr"), "utr"),
}
_PARTS = ("exon", "cds", "utr", "intron")
# Overlap priority of the gene-structure classes (higher wins), doubled to break strand ties towards "+".
_RANK = {"intron": 1, "utr": 2, "cds": 3}
_MAX_CLASSES = 256  # labels are uint8


class BaseLabeler:
    """Per-base class ids of annotated sequences, resolved from (possibly overlapping) intervals.

    Usually made by `gene_structure_intervals` or `bed_intervals_labeler`.

    Args:
        classes: the class names; class 0 is the background of bases no interval covers.
        intervals: `(seqid, start, end, class_id, priority)` tuples, 0-based and end-exclusive; where
            intervals overlap, the higher priority wins (then the later interval). Empty ones are ignored.
        seqids: every sequence name of the annotation, in order (names only seen in `intervals` are added).
        details: counts about how the labeler was built, reported by `summary()`.

    Example:

    >>> labeler = BaseLabeler(["none", "a+", "a-"], [("s", 2, 6, 1, 0), ("s", 4, 8, 2, 1)])
    >>> labeler.labels("s", 0, 10).tolist()
    [0, 0, 1, 1, 2, 2, 2, 2, 0, 0]
    >>> labeler.swap_strand_class_ids().tolist()
    [0, 2, 1]
    >>> labeler.summary()["bases"]
    {'none': None, 'a+': 2, 'a-': 4}
    """

    def __init__(self, classes, intervals, *, seqids=(), details=None):
        classes = [str(name) for name in classes]
        if not classes or len(set(classes)) != len(classes):
            raise ValueError(f"`classes` must be distinct names, at least one. Received: classes={classes!r}")
        if len(classes) > _MAX_CLASSES:
            raise UserInputError(f"{len(classes)} classes are too many for per-base labels (at most {_MAX_CLASSES})")
        self.classes = classes
        self.details = dict(details or {})
        by_seqid = collections.defaultdict(list)
        for seqid, start, end, class_id, priority in intervals:
            if not 0 <= class_id < len(classes):
                raise ValueError(f"`class_id` must be in [0, {len(classes)}). Received: class_id={class_id}")
            if end > start:
                by_seqid[seqid].append((start, end, priority, class_id))
        self.seqids = list(dict.fromkeys([*seqids, *by_seqid]))
        self._runs = {seqid: _resolve(items) for seqid, items in by_seqid.items()}

    def __repr__(self):
        return f"BaseLabeler(classes={self.classes!r}, seqids={len(self.seqids)})"

    @property
    def num_classes(self):
        """The number of classes, `len(classes)`."""
        return len(self.classes)

    def index(self, name):
        """The class id of the class `name`."""
        return self.classes.index(name)

    def labels(self, seqid, start, end):
        """The class ids of the bases `[start, end)` (0-based, end-exclusive) of `seqid`.

        A sequence the annotation does not name, and bases past its last interval, are background (0).

        Returns:
            A `np.uint8` array of `end - start` class ids.
        """
        start, end = _check_range(start, end)
        values, lengths = self._segments(seqid, start, end)
        return np.repeat(values, lengths)

    def swap_strand_class_ids(self):
        """Class id → id of the same class on the other strand (`cds+` ↔ `cds-`); unstranded classes map to
        themselves. For reverse-complement augmentation: `swap[labels[::-1]]`.

        Returns:
            A `np.uint8` array of `num_classes` ids.
        """
        index = {name: i for i, name in enumerate(self.classes)}
        other = {"+": "-", "-": "+"}
        swap = [index.get(name[:-1] + other[name[-1]], i) if name[-1:] in other else i
                for i, name in enumerate(self.classes)]
        return np.asarray(swap, dtype=np.uint8)

    def summary(self, lengths=None):
        """Counts of what the labeler holds.

        Args:
            lengths: `{seqid: length}` of the sequences, or None. With it, bases are counted within the
                sequences (the background included); without it, over the annotated runs, and the
                background count is None.

        Returns:
            A dict: `bases` (`{class: number of bases}`), `seqids` (how many sequences the annotation
            names), and the builder's `details` (genes, transcripts, ignored rows, ...).
        """
        counts = np.zeros(len(self.classes), dtype=np.int64)
        spans = lengths.items() if lengths is not None else ((s, None) for s in self._runs)
        for seqid, length in spans:
            starts, values = self._runs.get(seqid, _EMPTY_RUNS)
            end = int(length) if length is not None else int(starts[-1])
            run_values, run_lengths = self._segments(seqid, 0, end)
            counts += np.bincount(run_values, weights=run_lengths, minlength=len(self.classes)).astype(np.int64)
        bases = {name: int(count) for name, count in zip(self.classes, counts)}
        if lengths is None:
            bases[self.classes[0]] = None
        return {"bases": bases, "seqids": len(self.seqids), **self.details}

    def _segments(self, seqid, start, end):
        """`(class ids, lengths)` of the runs that cover `[start, end)` exactly, in order."""
        starts, values = self._runs.get(seqid, _EMPTY_RUNS)
        if end <= start:
            return values[:0], np.zeros(0, dtype=np.int64)
        first = int(np.searchsorted(starts, start, side="right")) - 1
        stop = int(np.searchsorted(starts, end, side="left"))
        run_starts = starts[first:stop].copy()
        run_starts[0] = start
        run_ends = np.append(starts[first + 1 : stop], end)
        return values[first:stop], run_ends - run_starts


# Runs of a sequence with no interval: background from 0 on.
_EMPTY_RUNS = (np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.uint8))


def gene_structure_intervals(features, *, transcript="first", strand="both", stranded=None):
    """A `BaseLabeler` of gene structure (intergenic, UTR, CDS, intron) from GFF3 features.

    See the module docstring for the evidence rule, the choice of transcript, the overlap priority and the
    class names.

    Args:
        features: `GffFeature`s (any iterable, read once), or the path of a GFF3 file.
        transcript: `"first"` (in file order) or `"longest"` (most spliced bases) transcript per gene.
        strand: `"both"`, or `"+"`/`"-"` to label only the genes on that strand.
        stranded: True for stranded class names (`cds+`, `cds-`, ...), False for unstranded ones, None to
            decide from the data (stranded when `strand="both"` and genes lie on both strands).

    Returns:
        A `BaseLabeler` whose `classes` are `UNSTRANDED_CLASSES` or `STRANDED_CLASSES`, and whose
        `summary()` also counts genes, transcripts and ignored rows.

    Example:

    >>> from seqkit.data.dna.gff3 import GffFeature
    >>> features = [
    ...     GffFeature("NC_1", "RefSeq", "region", 1, 30, None, "+", None, {"ID": ["NC_1:1..30"]}),
    ...     GffFeature("NC_1", "RefSeq", "gene", 3, 8, None, "+", None, {"ID": ["gene-a"]}),
    ...     GffFeature("NC_1", "RefSeq", "CDS", 3, 8, None, "+", 0, {"ID": ["cds-a"], "Parent": ["gene-a"]}),
    ...     GffFeature("NC_1", "RefSeq", "gene", 12, 14, None, "-", None, {"ID": ["gene-b"]}),
    ...     GffFeature("NC_1", "RefSeq", "CDS", 12, 14, None, "-", 0, {"ID": ["cds-b"], "Parent": ["gene-b"]}),
    ... ]
    >>> labeler = gene_structure_intervals(features)
    >>> [labeler.classes[i] for i in labeler.labels("NC_1", 6, 13)]
    ['cds+', 'cds+', 'intergenic', 'intergenic', 'intergenic', 'cds-', 'cds-']
    >>> gene_structure_intervals(features, strand="+").labels("NC_1", 6, 13).tolist()
    [2, 2, 0, 0, 0, 0, 0]
    """
    if transcript not in TRANSCRIPT_CHOICES:
        raise ValueError(f"`transcript` must be one of {TRANSCRIPT_CHOICES}. Received: transcript={transcript!r}")
    if strand not in STRAND_CHOICES:
        raise ValueError(f"`strand` must be one of {STRAND_CHOICES}. Received: strand={strand!r}")
    if stranded not in (None, True, False):
        raise ValueError(f"`stranded` must be None, True or False. Received: stranded={stranded!r}")
    if isinstance(features, (str, os.PathLike)):
        from seqkit.data.dna.gff3 import iter_gff3

        features = iter_gff3(features)

    seqids = {}
    genes = {}  # gene ID -> gene row (or a parent-less transcript standing for its gene)
    parented = {}  # ID -> first row with that ID and a Parent, not a part: a possible transcript
    parts = collections.defaultdict(list)  # Parent ID -> [(kind, row)]
    ignored = collections.Counter()
    for feature in features:
        seqids.setdefault(feature.seqid)
        kind = _KINDS.get(feature.type.lower())
        parents, feature_id = feature.parents, feature.id
        if kind in _PARTS:
            if not parents:
                ignored[f"{feature.type} without Parent"] += 1
            for parent in parents:
                parts[parent].append((kind, feature))
        elif kind == "gene" and feature_id is not None:
            genes.setdefault(feature_id, feature)
        elif kind == "transcript" and not parents and feature_id is not None:
            genes.setdefault(feature_id, feature)
            parented.setdefault(feature_id, feature)
        elif parents and feature_id is not None:
            parented.setdefault(feature_id, feature)
        else:
            ignored[feature.type] += 1

    # === Transcripts of each gene ===
    transcripts = collections.defaultdict(list)
    for feature_id, feature in parented.items():
        kinds = {kind for kind, part in parts.get(feature_id, ()) if part.seqid == feature.seqid}
        gene_id = feature_id if feature_id in genes else next((p for p in feature.parents if p in genes), None)
        coding = "cds" in kinds or (_KINDS.get(feature.type.lower()) == "transcript" and "exon" in kinds)
        if gene_id is not None and coding:
            transcripts[gene_id].append(feature)
        else:
            ignored[feature.type] += 1
    chosen = []  # (gene, transcript, structure)
    without_transcript = 0
    for gene_id, gene in genes.items():
        candidates = transcripts.get(gene_id) or []
        if not candidates and any(kind in ("exon", "cds") for kind, _ in parts.get(gene_id, ())):
            candidates = [gene]
        if not candidates:
            without_transcript += 1
            continue
        structures = [_structure(candidate, parts.get(candidate.id, ())) for candidate in candidates]
        best = 0
        if transcript == "longest":
            best = max(range(len(candidates)), key=lambda i: (structures[i]["spliced"], structures[i]["span"], -i))
        chosen.append((gene, candidates[best], structures[best]))
    used = {row.id for _, row, _ in chosen}
    for parent, rows in parts.items():
        if parent not in used:
            for _, row in rows:
                ignored[f"{row.type} whose Parent is not a chosen transcript"] += 1

    # === Classes ===
    def strand_of(gene, row):
        return row.strand if row.strand in "+-" else gene.strand

    strands_seen = {strand_of(gene, row) for gene, row, _ in chosen}
    if stranded is None:
        stranded = strand == "both" and {"+", "-"} <= strands_seen
    classes = STRANDED_CLASSES if stranded else UNSTRANDED_CLASSES
    index = {name: i for i, name in enumerate(classes)}
    intervals = []
    without_strand = skipped_by_strand = 0
    for gene, row, structure in chosen:
        row_strand = strand_of(gene, row)
        known = row_strand in ("+", "-")
        if not known and (stranded or strand != "both"):
            without_strand += 1
            continue
        if strand != "both" and row_strand != strand:
            skipped_by_strand += 1
            continue
        for kind in ("cds", "utr", "intron"):
            class_id = index[f"{kind}{row_strand}" if stranded else kind]
            priority = 2 * _RANK[kind] + (row_strand == "+")
            intervals.extend((row.seqid, start, end, class_id, priority) for start, end in structure[kind])
    details = {
        "genes": len(chosen) - without_strand - skipped_by_strand,
        "genes_without_transcript": without_transcript,
        "genes_without_strand": without_strand,
        "genes_on_other_strand": skipped_by_strand,
        "ignored_rows": dict(sorted(ignored.items())),
    }
    return BaseLabeler(classes, intervals, seqids=seqids, details=details)


def bed_intervals_labeler(intervals, *, background=BACKGROUND, classes=None, stranded=False, overlap="last"):
    """A `BaseLabeler` whose classes are the names (column 4) of BED intervals.

    Args:
        intervals: `BedInterval`s (any iterable, read once), or the path of a BED file.
        background: the name of class 0, the bases no interval covers.
        classes: the names of the other classes, in class-id order (and priority order for
            `overlap="priority"`); a name missing from the file is still a class, a name of the file not
            in `classes` is an error. None: the distinct names of the file, sorted.
        stranded: split each name into `name+` and `name-` by the interval's strand (every interval then
            needs one).
        overlap: `"last"`: where intervals overlap the later row wins; `"priority"`: the class listed first
            in `classes` wins (then the later row).

    Returns:
        A `BaseLabeler`.

    Raises:
        seqkit.errors.UserInputError: an interval without a name, without a strand (with `stranded`), or
            whose name is not in `classes`, with the file and line.

    Example:

    >>> from seqkit.data.dna.bed import BedInterval
    >>> rows = [BedInterval("chr1", 0, 6, "exon"), BedInterval("chr1", 2, 4, "CpG")]
    >>> labeler = bed_intervals_labeler(rows, background="other")
    >>> labeler.classes, labeler.labels("chr1", 0, 8).tolist()
    (['other', 'CpG', 'exon'], [2, 2, 1, 1, 2, 2, 0, 0])
    >>> bed_intervals_labeler(rows, classes=["exon", "CpG"], overlap="priority").labels("chr1", 0, 8).tolist()
    [1, 1, 1, 1, 1, 1, 0, 0]
    """
    if overlap not in OVERLAP_CHOICES:
        raise ValueError(f"`overlap` must be one of {OVERLAP_CHOICES}. Received: overlap={overlap!r}")
    if not isinstance(background, str) or not background:
        raise ValueError(f"`background` must be a non-empty string. Received: background={background!r}")
    if isinstance(intervals, (str, os.PathLike)):
        from seqkit.data.dna.bed import iter_bed

        intervals = iter_bed(intervals)
    rows = []
    seqids = {}
    for interval in intervals:
        seqids.setdefault(interval.chrom)
        if interval.name is None:
            raise UserInputError("the interval has no name (column 4): BED labels come from the name column",
                                 path=interval.path, line=interval.line)
        if stranded and interval.strand not in ("+", "-"):
            raise UserInputError(
                f"the interval has no strand (column 6 is {interval.strand!r}); stranded labels need + or -",
                path=interval.path,
                line=interval.line,
            )
        rows.append(interval)
    names = list(dict.fromkeys(classes)) if classes is not None else sorted({row.name for row in rows} - {background})
    allowed = set(names) | {background}
    rank = {name: i for i, name in enumerate(names)}
    rank[background] = len(names)
    suffixes = ("+", "-") if stranded else ("",)
    class_names = [background] + [name + suffix for name in names if name != background for suffix in suffixes]
    index = {name: i for i, name in enumerate(class_names)}
    items = []
    for row_number, row in enumerate(rows):
        if row.name not in allowed:
            raise UserInputError(
                f"label {row.name!r} is not one of the classes ({', '.join(names)})", path=row.path, line=row.line
            )
        name = row.name if row.name == background else row.name + (row.strand if stranded else "")
        priority = row_number if overlap == "last" else ((len(names) - rank[row.name]) << 40) + row_number
        items.append((row.chrom, row.start, row.end, index[name], priority))
    details = {"intervals": len(rows), "empty_intervals": sum(row.end == row.start for row in rows)}
    return BaseLabeler(class_names, items, seqids=seqids, details=details)


# === Internals ===


def _check_range(start, end):
    start, end = int(start), int(end)
    if start < 0:
        raise ValueError(f"`start` must be non-negative. Received: start={start}")
    if end < start:
        raise ValueError(f"`end` must be at least `start` ({start}). Received: end={end}")
    return start, end


def _resolve(items):
    """Runs `(starts, class ids)` covering `[0, inf)` from `(start, end, priority, class_id)` items.

    Run `k` covers `[starts[k], starts[k + 1])` (the last one, background, to infinity). A sweep over the
    interval ends with a heap of the intervals covering the current position (highest priority on top,
    expired ones dropped when they surface): O(n log n) for n intervals.
    """
    items.sort(key=lambda item: item[0])
    points = sorted({point for start, end, _, _ in items for point in (start, end)})
    starts, values = [0], [0]
    heap = []
    next_item = 0
    for point in points:
        while next_item < len(items) and items[next_item][0] <= point:
            start, end, priority, class_id = items[next_item]
            heapq.heappush(heap, (-priority, -next_item, end, class_id))
            next_item += 1
        while heap and heap[0][2] <= point:
            heapq.heappop(heap)
        class_id = heap[0][3] if heap else 0
        if class_id == values[-1]:
            continue
        if point == starts[-1]:
            values[-1] = class_id
        else:
            starts.append(point)
            values.append(class_id)
    return np.asarray(starts, dtype=np.int64), np.asarray(values, dtype=np.uint8)


def _merge(intervals):
    """Sorted, disjoint `(start, end)` intervals covering the same bases (touching ones are joined)."""
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [tuple(interval) for interval in merged]


def _subtract(intervals, holes):
    """The parts of merged `intervals` that merged `holes` do not cover."""
    result = []
    for start, end in intervals:
        for hole_start, hole_end in holes:
            if hole_end <= start or hole_start >= end:
                continue
            if hole_start > start:
                result.append((start, hole_start))
            start = max(start, hole_end)
            if start >= end:
                break
        if start < end:
            result.append((start, end))
    return result


def _structure(transcript, parts):
    """The merged 0-based, end-exclusive intervals of each class of one transcript, and its lengths."""
    rows = collections.defaultdict(list)
    for kind, row in parts:
        if row.seqid == transcript.seqid:
            rows[kind].append((row.start - 1, row.end))
    cds = _merge(rows["cds"])
    exons = _merge(rows["exon"] or rows["cds"] + rows["utr"])
    gaps = [(left[1], right[0]) for left, right in zip(exons, exons[1:])]
    return {
        "cds": cds,
        "utr": _merge(rows["utr"] + _subtract(exons, cds)),
        "intron": _merge(rows["intron"] + gaps),
        "spliced": sum(end - start for start, end in exons),
        "span": transcript.end - transcript.start + 1,
    }
