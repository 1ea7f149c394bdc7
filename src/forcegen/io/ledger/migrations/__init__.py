"""Alembic migrations of the ledger schema, run programmatically
(:mod:`forcegen.io.ledger.migrate`); no ``alembic.ini`` is needed."""
