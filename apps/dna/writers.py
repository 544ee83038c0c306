"""Writers of `seqkit dna predict --fasta`: BED or GFF3 regions (tagging), a TSV of classes (classification).

Regions are maximal runs of one non-background class in the stitched per-base predictions, merged across the
chunks the stitcher emits, so a whole genome streams through in constant memory. Files are written to a
temporary name and renamed when complete.
"""

import pathlib

import numpy as np

from seqkit.apps.dna.sources import TAGGING

GFF3_TYPES = {"cds": "CDS", "utr": "UTR", "intron": "intron", "exon": "exon", "gene": "gene"}


def _strand(name):
    return name[-1] if name[-1:] in "+-" else "."


def _bare(name):
    return name[:-1] if name[-1:] in "+-" else name


class _Regions:
    """Runs of one class, grown chunk by chunk; `closed` ones are ready to write."""

    def __init__(self, background_id):
        self.background_id = background_id
        self.open = None  # [record, class id, start, end, probability sum]

    def add(self, record, start, probabilities, ids):
        from seqkit.metrics.base_tagging import runs

        if self.open is not None and self.open[0] != record:
            yield from self.finish()
        for run_start, run_end, class_id in runs(ids):
            total = float(probabilities[run_start:run_end, class_id].sum())
            begin, end = start + int(run_start), start + int(run_end)
            if self.open is not None and self.open[1] == class_id and self.open[3] == begin:
                self.open[3], self.open[4] = end, self.open[4] + total
                continue
            yield from self.finish()
            self.open = [record, int(class_id), begin, end, total]

    def finish(self):
        if self.open is not None and self.open[1] != self.background_id:
            record, class_id, start, end, total = self.open
            yield record, class_id, start, end, total / (end - start)
        self.open = None


def write_predictions(predictor, fasta, out, *, output_format=None, rc_average=False):
    """Write `predictor`'s predictions of `fasta` to `out`; returns `{"path", "records", "regions"|...}`."""
    from seqkit.data.atomic import atomic_open

    out = pathlib.Path(out)
    if predictor.task != TAGGING:
        return _write_classes(predictor, fasta, out, rc_average, atomic_open)
    output_format = output_format or ("gff3" if out.suffix.lower() in (".gff3", ".gff") else "bed")
    if output_format not in ("bed", "gff3"):
        raise ValueError(f"`output_format` must be 'bed' or 'gff3'. Received: output_format={output_format!r}")
    background = predictor.classes.index(predictor.background) if predictor.background else -1
    regions, records, count = _Regions(background), set(), 0
    with atomic_open(out) as handle:
        if output_format == "gff3":
            handle.write("##gff-version 3\n")
        else:
            handle.write(f'track name=seqkit_dna description="seqkit dna predictions ({predictor.run.path.name})"\n')

        def write(found):
            nonlocal count
            for record, class_id, start, end, score in found:
                count += 1
                name = predictor.classes[class_id]
                if output_format == "bed":
                    handle.write(f"{record}\t{start}\t{end}\t{name}\t{round(score * 1000)}\t{_strand(name)}\n")
                else:
                    kind = GFF3_TYPES.get(_bare(name), _bare(name))
                    handle.write(
                        f"{record}\tseqkit\t{kind}\t{start + 1}\t{end}\t{score:.4f}\t{_strand(name)}\t.\t"
                        f"ID=region{count};Name={name}\n"
                    )

        for record, start, probabilities, ids in predictor.iter_fasta_predictions(fasta, rc_average):
            records.add(record)
            write(regions.add(record, start, probabilities, ids))
        write(regions.finish())
    return {"path": str(out), "records": len(records), "regions": count, "format": output_format}


def _write_classes(predictor, fasta, out, rc_average, atomic_open):
    records = 0
    with atomic_open(out) as handle:
        handle.write("record\tclass\t" + "\t".join(f"p_{name}" for name in predictor.classes) + "\n")
        for name, probabilities, class_id in predictor.iter_fasta_predictions(fasta, rc_average):
            records += 1
            values = "\t".join(f"{p:.6f}" for p in np.asarray(probabilities))
            handle.write(f"{name}\t{predictor.classes[class_id]}\t{values}\n")
    return {"path": str(out), "records": records, "format": "tsv"}
