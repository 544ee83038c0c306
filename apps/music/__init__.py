"""`seqkit music`: learn from MIDI and MusicXML, generate new music."""
