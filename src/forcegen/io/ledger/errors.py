"""The ledger's own error, and how to say that its extra is missing."""

from __future__ import annotations

from forcegen.errors import ForcegenError

INSTALL_LEDGER = "pip install 'forcegen[ledger]'"
"""How to install what the ledger needs (SQLAlchemy, Alembic, psycopg)."""


class LedgerError(ForcegenError):
    """A ledger could not be opened, read or written (the message says why and what to do)."""


def require_extra() -> None:
    """Refuse at once, saying how to install it, when SQLAlchemy or Alembic is missing."""
    missing = []
    for module in ("sqlalchemy", "alembic"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise LedgerError(
            f"the pledge ledger needs {' and '.join(missing)}, which "
            f"{'is' if len(missing) == 1 else 'are'} not installed; install the ledger "
            f"extra: {INSTALL_LEDGER}"
        )


__all__ = ["INSTALL_LEDGER", "LedgerError", "require_extra"]
