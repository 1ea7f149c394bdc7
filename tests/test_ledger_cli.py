"""``forcegen ledger ...`` and ``--ledger URL`` on the command line (SQLite; the store
is tested on PostgreSQL too in the other ledger tests): results on stdout, errors on
stderr with exit code 2 and nothing written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import forcegen
from helpers.cli import ENV, cli
from helpers.ledger import require_extra, sqlite_url, write_history

require_extra()


@pytest.fixture
def url(tmp_path: Path) -> str:
    """An SQLite ledger holding the history workspace."""
    ledger = sqlite_url(tmp_path)
    assert cli("ledger", "init", ledger).code == 0
    code, _, err = cli(
        "ledger", "import", str(write_history(tmp_path)), "--ledger", ledger, "--author", "importer"
    )
    assert code == 0, err
    return ledger


def count(url: str) -> int:
    with forcegen.open_ledger(url) as ledger:
        return ledger.count()


def test_init_without_a_url_makes_a_file_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from forcegen.cli.ledger_app import DEFAULT_URL

    assert DEFAULT_URL == forcegen.DEFAULT_LEDGER_URL
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FORCEGEN_LEDGER", raising=False)
    code, out, err = cli("ledger", "init")
    assert code == 0, err
    assert out.splitlines() == [
        "created the ledger sqlite:///forcegen-ledger.db (schema 0002)",
        "next: forcegen ledger import mnf-ukraine --ledger sqlite:///forcegen-ledger.db",
    ]
    assert (tmp_path / "forcegen-ledger.db").is_file()
    code, out, _ = cli("ledger", "import", "mnf-ukraine", "--author", "me")
    assert code == 0 and out.startswith(
        "recorded 246 entries from mnf-ukraine in sqlite:///forcegen-ledger.db"
    )
    code, out, _ = cli("ledger", "init")
    assert (
        code == 0 and out == "the ledger sqlite:///forcegen-ledger.db is up to date (schema 0002)\n"
    )
    code, out, _ = cli("ledger", "import", "mnf-ukraine", "--json")
    assert code == 0 and json.loads(out)["unchanged"] == 246 and json.loads(out)["recorded"] == 0


def test_the_ledger_url_from_the_environment(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCEGEN_LEDGER", url)
    code, out, _ = cli("ledger", "log", "--json")
    assert code == 0 and len(json.loads(out)["entries"]) == count(url)


def test_record_then_log_with_a_correction(url: str) -> None:
    base = ["--ledger", url, "--author", "alice", "--pledge", "fra-bde", "--date", "2026-02-01"]
    code, out, err = cli(
        "ledger", "record", *base, "--quantity", "3", "--source", "https://e.org/a"
    )
    assert code == 0, err
    wrong = int(out.split()[3])
    assert out == f"recorded ledger entry {wrong} in {url}\n"
    code, out, err = cli(
        "ledger",
        "record",
        *base,
        "--quantity",
        "2",
        "--source",
        "https://e.org/b",
        "--summary",
        "3 was a typo",
        "--corrects",
        str(wrong),
        "--json",
    )
    assert code == 0, err
    right = json.loads(out)["ids"][0]
    assert json.loads(out)["corrections"] == 1
    code, out, _ = cli("ledger", "log", "--ledger", url, "--pledge", "fra-bde", "--json")
    entries = json.loads(out)["entries"]
    assert [e["kind"] for e in entries] == ["pledge", "revision", "revision", "revision"]
    assert entries[-2]["id"] == wrong and entries[-2]["corrected_by"] == right
    assert entries[-1]["corrects"] == wrong and entries[-1]["author"] == "alice"
    assert entries[-1]["valid_from"] == "2026-02-01" and entries[-1]["source"] == "https://e.org/b"
    assert entries[-1]["what"] == "quantity 2: 3 was a typo"
    believed = entries[-2]["recorded_at"]
    code, out, _ = cli(
        "ledger", "log", "--ledger", url, "--pledge", "fra-bde", "--known-at", believed, "--json"
    )
    assert [e["id"] for e in json.loads(out)["entries"]][-1] == wrong
    code, out, _ = cli("ledger", "log", "--ledger", url, "--nation", "DEU")
    assert code == 0 and "statement of DEU" in out and "Ledger" in out
    code, table, _ = cli("ledger", "log", "--ledger", url, "--pledge", "fra-bde", columns=80)
    assert all(len(line) <= 80 for line in table.splitlines())
    words = " ".join(w for w in table.split() if w != "│")
    assert code == 0 and f"[corrects {wrong}]" in words and f"[corrected by {right}]" in words
    # taken out altogether: back to the pledge as first made (1 brigade)
    code, out, err = cli(
        "ledger",
        "record",
        "--ledger",
        url,
        "--author",
        "bob",
        "--corrects",
        str(right),
        "--retract",
        "--source",
        "https://e.org/none",
        "--summary",
        "no such revision",
    )
    assert code == 0, err
    _, out, _ = cli("run", "--ledger", url, "--as-of", "2026-03-01", "--json")
    assert json.loads(out)["cf"]["by_nation"]["FRA"] == 5_000


def test_a_refused_revision_exits_2_and_writes_nothing(url: str) -> None:
    before = count(url)
    args = ["ledger", "record", "--ledger", url, "--author", "alice", "--pledge", "gbr-bde"]
    cases = [
        (
            ["--date", "2025-05-05", "--quantity", "-2", "--source", "s"],
            "ledger record --pledge gbr-bde: quantity: invalid value",
        ),
        (["--date", "2025-05-05", "--zones", "west,atlantis", "--assumption"], "atlantis"),
        (["--date", "2025-05-05", "--quantity", "2"], "has no source"),
        (["--quantity", "2", "--source", "s"], "--date YYYY-MM-DD"),
        (["--date", "2025-05-05", "--retract", "--source", "s"], "--corrects ENTRY_ID"),
        (["--date", "2025-05-05", "--file", "x.yaml"], "not both"),
    ]
    for extra, message in cases:
        code, out, err = cli(*args, *extra)
        assert (code, out) == (2, ""), (extra, out, err)
        assert message in err, (extra, err)
    code, _, err = cli(
        "ledger", "record", "--ledger", url, "--pledge", "gbr-bde", "--date", "2025-05-05"
    )
    assert code == 2 and "--author NAME" in err
    assert count(url) == before


def test_record_a_snippet_with_its_file_and_line(url: str, tmp_path: Path) -> None:
    good = tmp_path / "deu.yaml"
    good.write_text(
        "nation: DEU\ndate: 2026-01-07\nstance: troops\nsummary: Yes.\nsources: [https://e.org/d]\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "pledge: gbr-bde\ndate: 2026-01-07\nbasis: assumption\nstatus: firmish\n", encoding="utf-8"
    )
    code, out, err = cli("ledger", "record", "--ledger", url, "--author", "x", "--file", str(good))
    assert code == 0 and out.startswith("recorded ledger entry"), err
    before = count(url)
    code, out, err = cli("ledger", "record", "--ledger", url, "--author", "x", "--file", str(bad))
    assert (code, out) == (2, "") and f"{bad}:4: status:" in err
    assert count(url) == before


def test_every_command_reads_the_ledger(url: str) -> None:
    code, out, err = cli("run", "--ledger", url, "--as-of", "2025-10-01", "--json")
    assert code == 0, err
    assert json.loads(out)["cf"]["personnel"] == 15_300
    code, out, err = cli("run", "--ledger", url, "--json")
    assert json.loads(out)["cf"]["personnel"] == 10_300
    code, out, err = cli("validate", "--ledger", url)
    assert code == 0, err
    code, _, err = cli("run", "--known-at", "2026-01-01")
    assert code == 2 and "--ledger URL" in err
    code, _, err = cli("run", "--ledger", url, "--known-at", "yesterday")
    assert code == 2 and "--known-at" in err and "'yesterday' is not a date or a date-time" in err


def test_export_writes_a_workspace_every_command_reads(url: str, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    code, out, err = cli("ledger", "export", "--ledger", url, "--as-of", "2025-10-01", str(folder))
    assert code == 0, err
    assert out.splitlines()[-1] == f"next: forcegen run {folder}"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        line.split("/")[-1] for line in out.splitlines()[:-1]
    )
    code, exported, _ = cli("run", str(folder), "--json")
    _, from_ledger, _ = cli("run", "--ledger", url, "--as-of", "2025-10-01", "--json")
    dated = json.loads(from_ledger)
    assert {s.pop("as_of") for s in dated.values()} == {"2025-10-01"}
    assert code == 0 and json.loads(exported) == dated
    code, _, err = cli("ledger", "export", "--ledger", url, "--as-of", "2025-10-01", str(folder))
    assert code == 2 and "not empty" in err
    code, _, err = cli(
        "ledger", "export", "--ledger", url, "--as-of", "2025-13-01", str(tmp_path / "x")
    )
    assert code == 2 and "--as-of" in err and not (tmp_path / "x").exists()


def test_the_command_line_starts_without_the_database_libraries() -> None:
    code = (
        "import sys, typer; from forcegen.cli.app import app; typer.main.get_command(app); "
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'psycopg') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_missing_ledger_is_exit_2_in_a_real_process(tmp_path: Path) -> None:
    env = {**ENV, "PYTHONPATH": os.environ.get("PYTHONPATH", "")}  # this checkout's forcegen
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "forcegen",
            "ledger",
            "log",
            "--ledger",
            f"sqlite:///{tmp_path}/none.db",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert (
        f"error: no ledger at {tmp_path}/none.db: create one with `forcegen ledger init"
        in done.stderr
    )
    assert not (tmp_path / "none.db").exists()
