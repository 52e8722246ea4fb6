"""Benchmark suites and batch runners."""
