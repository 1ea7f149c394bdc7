"""Which plain text is a number, true/false, null or a date, and what other text is not.

A workspace reads YAML strictly (``docs/workspace.md``): only decimal integers, decimal
or exponent numbers, ``true``/``false``, ``null``/``~``/nothing and ``YYYY-MM-DD``
dates are more than text. YAML 1.1 also reads ``011610`` as octal 5,000, ``1:00`` as
60, ``0x1F`` as 31, ``yes``/``on`` as true and ``2025-W18`` as a date; here they stay
text, and a field that wants a number or true/false refuses them with a hint that says
why (:func:`hint_for`).
"""

from __future__ import annotations

import re

NULL = re.compile(r"(?:~|null|)\Z")
"""null: ``null``, ``~`` or nothing."""

BOOL = re.compile(r"(?:true|false)\Z")
"""true or false, in lower case."""

INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
"""A decimal integer without leading zeros."""

FLOAT = re.compile(r"[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")
"""A decimal number, optionally with an exponent: ``1.5``, ``35e-2``, ``-2.5E+3``."""

DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
"""A calendar date ``YYYY-MM-DD`` (whether it exists is checked when it is read)."""

_LEADING_ZEROS = re.compile(r"([-+]?)0+([0-9][0-9]*(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?)\Z")
_PREFIXED = re.compile(r"([-+]?)0([xob])([0-9a-fA-F_]+)\Z")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?\Z")
_UNDERSCORES = re.compile(r"[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?\Z")
_SPECIAL = re.compile(r"[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)\Z")
_YAML11_BOOLS = frozenset(
    form
    for word in ("yes", "no", "on", "off", "y", "n", "true", "false")
    for form in (word, word.title(), word.upper())
) - {"true", "false"}
"""What YAML 1.1 reads as true or false besides ``true`` and ``false``."""
_BASES = {"x": (16, "hexadecimal"), "o": (8, "octal"), "b": (2, "binary")}


def hint_for(text: str, wanted: str) -> str | None:
    """Why ``text`` is not what a field wanted (``"number"`` or ``"flag"``), if it looks
    like one in YAML 1.1."""
    text = text.strip(" ")
    if wanted == "flag":
        return f"'{text}' is text here: write true or false" if text in _YAML11_BOOLS else None
    if _SPECIAL.match(text):
        return "infinity and not-a-number are not numbers here: write a finite number"
    zeros = _LEADING_ZEROS.match(text)
    if zeros and text.lstrip("+-") != "0" and not FLOAT.match(text):
        sign, rest = zeros.groups()
        return f"leading zeros are not allowed: write {sign}{rest}"
    prefixed = _PREFIXED.match(text)
    if prefixed:
        sign, letter, digits = prefixed.groups()
        base, name = _BASES[letter]
        try:
            value = int(digits.replace("_", ""), base)
        except ValueError:
            return f"{name} numbers are not read: write the number in decimal"
        return f"{name} numbers are not read: write {sign.lstrip('+')}{value} in decimal"
    if _SEXAGESIMAL.match(text):
        return f"base-60 numbers such as 1:30 are not read: write {_sexagesimal(text)}"
    if "_" in text and _UNDERSCORES.match(text):
        return f"underscores are not allowed in numbers: write {text.replace('_', '')}"
    return None


def _sexagesimal(text: str) -> str:
    """The decimal value of a YAML 1.1 base-60 number, e.g. ``1:30`` -> ``90``."""
    sign = -1 if text.startswith("-") else 1
    whole, _, fraction = text.lstrip("+-").replace("_", "").partition(".")
    value = 0
    for part in whole.split(":"):
        value = value * 60 + int(part)
    if fraction:
        return f"{sign * (value + float('0.' + fraction)):g}"
    return str(sign * value)
