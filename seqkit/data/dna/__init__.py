"""Readers and codecs of DNA data (FASTA, GFF3, BED, sequence tables) for the `seqkit dna` app; TensorFlow-free."""
