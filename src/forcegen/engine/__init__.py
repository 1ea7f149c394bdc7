"""Engines: pure computations on a validated workspace (no files, no printing)."""
