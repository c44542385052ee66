"""One refresh: what it has to do (the raw folder against the published warehouse, the code fingerprint) and
the steps that write a build's staging tables."""
