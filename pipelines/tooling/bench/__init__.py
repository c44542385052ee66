"""Benchmark tooling: a synthetic corpus generator and `make bench`."""
