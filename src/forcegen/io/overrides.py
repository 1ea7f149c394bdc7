"""``--set PATH=VALUE``: overrides of a workspace's fields given on the command line.

The text is split at the first '='; the path uses the syntax of
:mod:`forcegen.model.changes` (``nations.GBR.rotation_ratio``, ``pledges.*.zones``); the
value is read as YAML (a scalar or a flow collection such as ``[poland, ukraine-west]``)
by the workspace's own strict reader, never evaluated. The loader applies the overrides
to the raw data before validation, so a bad value gets the message it would get in a
file, located at ``--set #n`` (the option's position, 1-based) instead of file:line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from forcegen.errors import Issue, shown
from forcegen.model.changes import Change, PathSyntaxError, split_path

OverrideSyntaxError = PathSyntaxError
"""A ``--set`` text that is not ``PATH=VALUE``."""


@dataclass(frozen=True)
class Override:
    """One ``--set`` as given: its position (1-based) and text."""

    position: int
    text: str
    steps: tuple[str, ...]
    value_text: str

    @property
    def where(self) -> str:
        """How messages locate it: ``--set #2``."""
        return f"--set #{self.position}"


def parse_override(text: str, position: int) -> Override:
    """Split ``PATH=VALUE`` (the ``position``-th ``--set``, 1-based) into path and value.

    Raises :class:`OverrideSyntaxError` when there is no '=' or the path or one of its
    steps is empty; the value is read with the workspace (:func:`read_overrides`).
    """
    where = f"--set #{position}"
    path, equals, value = text.partition("=")
    if not equals:
        raise OverrideSyntaxError(where, text, "no '=' between the path and the value")
    steps = split_path(path, where, text)
    return Override(position, text.strip(), steps, value.strip())


def parse_overrides(texts: Iterable[str]) -> tuple[Override, ...]:
    """Every ``--set`` text parsed, numbered from 1 in the order given."""
    return tuple(parse_override(text, n) for n, text in enumerate(texts, start=1))


def read_overrides(overrides: Iterable[Override]) -> tuple[list[Change], list[Issue]]:
    """The overrides as changes, each value read as YAML (scalars strictly, as in a
    workspace file), and the values that cannot be read, located at their ``--set #n``."""
    from forcegen.io.yaml_source import read_yaml

    changes: list[Change] = []
    issues: list[Issue] = []
    for over in overrides:
        doc = read_yaml(over.value_text, over.where)
        if doc.issues:
            issues.extend(
                Issue(
                    over.steps,
                    f"the value {shown(over.value_text)!r} cannot be read: {i.message}",
                    expected="a YAML scalar or flow collection, e.g. 4, text, [a, b], {k: v}",
                    hint=i.hint,
                    file=over.where,
                )
                for i in doc.issues
            )
            continue
        changes.append(Change(over.where, over.text, over.steps, doc.data))
    return changes, issues


__all__ = ["Override", "OverrideSyntaxError", "parse_override", "parse_overrides", "read_overrides"]
