"""Raw files -> one grid of cells, whatever the format: the format registry, one reader per format, and which
files of the raw folder are reports."""
