"""Numbers in task texts: target and actual mentions, each target paired with its actual, read once per
phrasing in worker processes."""
