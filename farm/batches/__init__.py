"""Operator batches: the work of each feature run over many inputs (lip-sync a folder,
a crowd of characters, background variations, track clips, scenes to clips), planned
once and run by the scheduling core for the command line and the service alike."""
