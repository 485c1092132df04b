"""Benchmarks: `python -m bench` runs them all; `python -m bench.<feature>` runs one."""
