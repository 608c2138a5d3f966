"""Benchmarks (``make bench``): measurements, never part of ``make test``."""
