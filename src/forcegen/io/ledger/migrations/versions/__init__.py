"""One module per schema revision: 0001 (the entries table), 0002 (corrections and the
append-only triggers)."""
