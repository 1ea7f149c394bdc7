"""Output files are all-or-nothing: staged, then renamed into place when the command
succeeds; symbolic links are never written through; ``init --force`` checks every
entry before writing any (issue #10, D9 and D10)."""

from __future__ import annotations

import errno
import os
import re
import signal
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from forcegen.errors import ForcegenError
from forcegen.io import atomic
from forcegen.io.atomic import OutputTransaction
from forcegen.io.datasets import builtin_path
from forcegen.io.writer import write_workspace
from helpers.cli import invoke
from helpers.data import SMALL

SRC = Path(__file__).resolve().parents[1] / "src" / "forcegen"
SWEEP = ["sweep", str(SMALL), "--vary", "consent=0,1", "--serial", "--draws", "1000"]


def tree(folder: Path) -> dict[str, str]:
    """Every entry under ``folder`` (links as 'link -> target', files by content)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            out[name] = "link -> " + os.readlink(path)
        elif path.is_dir():
            out[name] = "folder"
        else:
            out[name] = path.read_bytes().decode("utf-8", "replace")
    return out


def test_failing_chart_leaves_no_csv_or_chart_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matplotlib.figure import Figure

    (tmp_path / "old.csv").write_text("the user's table\n", encoding="utf-8")
    before = tree(tmp_path)
    real_savefig = Figure.savefig

    def full_disk(self: Figure, fname: Any, **kwargs: Any) -> None:
        if kwargs.get("format") == "svg":  # the PNG is written, then the disk is full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_savefig(self, fname, **kwargs)

    monkeypatch.setattr(Figure, "savefig", full_disk)
    result = invoke(
        *SWEEP,
        "--csv",
        str(tmp_path / "old.csv"),
        "--plot",
        str(tmp_path / "new" / "charts"),
    )
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"error: cannot write charts to {tmp_path / 'new' / 'charts'}: No space left on device\n"
    )
    assert tree(tmp_path) == before  # old.csv unchanged, no chart, no folder, no temp file


def test_interrupt_while_writing_outputs_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matplotlib.figure import Figure

    def interrupted(self: Figure, fname: Any, **kwargs: Any) -> None:
        Path(fname).write_bytes(b"half a chart")
        raise KeyboardInterrupt

    monkeypatch.setattr(Figure, "savefig", interrupted)
    result = invoke(*SWEEP, "--csv", str(tmp_path / "t.csv"), "--plot", str(tmp_path / "c"))
    assert result.exit_code == 130
    assert result.stdout == ""
    assert tree(tmp_path) == {}


@pytest.mark.parametrize(
    "option",
    [
        ["sweep", str(SMALL), "--vary", "consent=0,1", "--serial", "--csv"],
        ["source", str(SMALL), "-r", "opt-a", "--dependence-on", "GBR", "--csv"],
        ["source", str(SMALL), "-r", "opt-a", "--dependence-on", "GBR", "--export-model"],
        ["deploy", "--csv"],
        ["deploy", "--utilisation"],
    ],
    ids=["sweep-csv", "source-csv", "source-mps", "deploy-csv", "deploy-utilisation"],
)
def test_symlinked_output_file_is_refused_and_its_target_untouched(
    tmp_path: Path, option: list[str]
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    link = tmp_path / "out.csv"
    link.symlink_to(victim)
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "nowhere.txt")
    before = tree(tmp_path)
    for path, target in ((link, victim), (dangling, tmp_path / "nowhere.txt")):
        result = invoke(*option, str(path))
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        assert result.stderr == (
            f"error: cannot write {path}: it is a symbolic link (to {target}); outputs are "
            "never written through a link: give the path of a regular file\n"
        )
    assert tree(tmp_path) == before


def test_plot_folder_that_is_a_symlink_is_followed(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "charts").symlink_to(real, target_is_directory=True)
    result = invoke(*SWEEP, "--plot", str(tmp_path / "charts"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in real.iterdir()) == ["sweep.png", "sweep.svg"]
    assert (tmp_path / "charts").is_symlink()


def test_chart_file_that_is_a_symlink_is_refused_and_nothing_written(tmp_path: Path) -> None:
    charts = tmp_path / "charts"
    charts.mkdir()
    victim = tmp_path / "victim.png"
    victim.write_bytes(b"not a chart")
    (charts / "sweep.png").symlink_to(victim)
    before = tree(tmp_path)
    result = invoke(*SWEEP, "--csv", str(tmp_path / "t.csv"), "--plot", str(charts))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"cannot write {charts / 'sweep.png'}: it is a symbolic link" in result.stderr
    assert tree(tmp_path) == before


def test_plot_folder_symlink_to_nowhere_is_refused_before_any_work(tmp_path: Path) -> None:
    (tmp_path / "charts").symlink_to(tmp_path / "gone")
    result = invoke(*SWEEP, "--plot", str(tmp_path / "charts"))
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: cannot write to {tmp_path / 'charts'}: {tmp_path / 'charts'} is a symbolic "
        "link to a missing folder\n"
    )
    assert not (tmp_path / "gone").exists()


@pytest.mark.skipif(not Path("/dev/null").is_char_device(), reason="needs /dev/null")
def test_device_output_is_refused() -> None:
    result = invoke(*SWEEP, "--csv", "/dev/null")
    assert result.exit_code == 2
    assert result.stderr == "error: cannot write /dev/null: it exists and is not a regular file\n"


def test_init_force_checks_every_entry_before_writing_any(tmp_path: Path) -> None:
    target = tmp_path / "ws"
    target.mkdir()
    (target / "capabilities.yaml").write_text("# the user's edits\n", encoding="utf-8")
    (target / "nations.yaml").mkdir()  # sorts after capabilities.yaml: written later
    victim = tmp_path / "victim.yaml"
    victim.write_text("precious\n", encoding="utf-8")
    (target / "zones.yaml").symlink_to(victim)
    before = tree(tmp_path)
    result = invoke("init", str(target), "--force")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"error: nothing written to {target}: cannot write {target / 'nations.yaml'}: it is "
        f"a folder; cannot write {target / 'zones.yaml'}: it is a symbolic link (to "
        f"{victim}); outputs are never written through a link: give the path of a regular "
        "file. Move these aside or choose a new folder\n"
    )
    assert tree(tmp_path) == before


def test_init_force_replaces_the_dataset_files_and_keeps_the_others(tmp_path: Path) -> None:
    target = tmp_path / "ws"
    target.mkdir()
    (target / "capabilities.yaml").write_text("# old\n", encoding="utf-8")
    (target / "notes.txt").write_text("mine\n", encoding="utf-8")
    written = write_workspace(target, force=True)
    sources = sorted(builtin_path().glob("*.yaml"))
    assert [p.name for p in written] == [p.name for p in sources]
    assert sorted(p.name for p in target.iterdir()) == sorted(
        [p.name for p in sources] + ["notes.txt"]
    )
    for source in sources:
        assert (target / source.name).read_bytes() == source.read_bytes()
    assert (target / "notes.txt").read_text(encoding="utf-8") == "mine\n"


def test_init_that_fails_while_writing_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    calls = []
    real_copyfile = shutil.copyfile

    def copy_then_fail(src: Any, dst: Any) -> Any:
        calls.append(dst)
        if len(calls) == 3:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real_copyfile(src, dst)

    monkeypatch.setattr(shutil, "copyfile", copy_then_fail)
    result = invoke("init", str(tmp_path / "ws"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: cannot write {tmp_path / 'ws'}/")
    assert result.stderr.endswith(": Input/output error\n")
    assert tree(tmp_path) == {}


def test_outputs_replace_existing_files_keeping_their_mode(tmp_path: Path) -> None:
    old = tmp_path / "old.csv"
    old.write_text("old\n", encoding="utf-8")
    old.chmod(0o640)
    old_inode = old.stat().st_ino
    umask = os.umask(0o022)
    os.umask(umask)
    with OutputTransaction() as out:
        out.write(old, lambda temp: temp.write_text("new\n", encoding="utf-8"))
        out.write(tmp_path / "new.csv", lambda temp: temp.write_text("n\n", encoding="utf-8"))
        assert old.read_text(encoding="utf-8") == "old\n"  # nothing in place before commit
        assert not (tmp_path / "new.csv").exists()
    assert old.read_text(encoding="utf-8") == "new\n"
    assert old.stat().st_ino != old_inode  # replaced by a rename, not rewritten in place
    assert stat.S_IMODE(old.stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o666 & ~umask
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.csv", "old.csv"]


def test_a_failed_rename_puts_back_the_files_already_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a.csv", "b.csv"):
        (tmp_path / name).write_text(f"old {name}\n", encoding="utf-8")
    before = tree(tmp_path)
    real_replace = os.replace
    renames: list[str] = []

    def fail_second(src: Any, dst: Any) -> None:
        renames.append(str(dst))
        if Path(dst).name == "b.csv":
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", fail_second)
    with pytest.raises(ForcegenError) as caught, OutputTransaction() as out:
        for name in ("a.csv", "b.csv", "c.csv"):
            out.write(tmp_path / name, lambda t: t.write_text("new\n", encoding="utf-8"))
    assert str(caught.value) == (
        f"cannot write {tmp_path / 'b.csv'}: Read-only file system; no output was changed"
    )
    assert renames[:2] == [str(tmp_path / "a.csv"), str(tmp_path / "b.csv")]
    assert tree(tmp_path) == before  # a.csv put back, c.csv never created, no temp


def test_ctrl_c_during_the_renames_is_held_then_undoes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.csv").write_text("old\n", encoding="utf-8")
    before = tree(tmp_path)
    real_replace = os.replace

    def interrupted_replace(src: Any, dst: Any) -> None:
        real_replace(src, dst)
        if Path(dst).name == "a.csv":
            signal.raise_signal(signal.SIGINT)  # held: the second rename still runs

    monkeypatch.setattr(atomic.os, "replace", interrupted_replace)
    with pytest.raises(KeyboardInterrupt), OutputTransaction() as out:
        for name in ("a.csv", "b.csv"):
            out.write(tmp_path / name, lambda t: t.write_text("new\n", encoding="utf-8"))
    assert tree(tmp_path) == before


def test_two_outputs_given_the_same_path_are_refused(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    again = tmp_path / "sub" / ".." / "x.csv"
    with pytest.raises(ForcegenError) as caught, OutputTransaction() as out:
        out.stage(tmp_path / "x.csv")
        out.stage(again)
    assert str(caught.value) == f"cannot write {again} twice: two outputs are given the same path"
    assert [p.name for p in tmp_path.iterdir()] == ["sub"]


WRITERS = re.compile(
    r"\.savefig\(|\.to_csv\(|\.save\(|writeModel\(|\.write_text\(|\.write_bytes\(|"
    r"(?<![\w.])open\(|os\.open\(|shutil\.copy"
)
ALLOWED: dict[str, Callable[[str], bool]] = {
    # each writes to a path staged in an OutputTransaction, or opens no user file
    "plots/__init__.py": lambda line: "figure.savefig(" in line,
    "io/writer.py": lambda line: "shutil.copyfile(source, temp)" in line,
    "cli/app.py": lambda line: (
        "to_csv(temp" in line
        or ".to_csv)" in line
        or "out.write(output, lambda temp: temp.write_text(text, " in line  # report
    ),
    "io/spreadsheet.py": lambda line: "tx.write(path, lambda temp: " in line,
    "io/ledger/export.py": lambda line: "lambda temp: temp.write_text(text, " in line,
    "io/geojson.py": lambda line: "lambda temp: temp.write_text(text, " in line,
    # _write_text: called only as tx.write(file, partial(_write_text, text=...))
    "io/mps.py": lambda line: 'path.write_text(text, encoding="utf-8")' in line,
    "io/atomic.py": lambda line: any(
        part in line for part in ("os.open(path", "shutil.copy2(final, path", "out.")
    ),
    "solvers/highs.py": lambda line: (
        "os.open(os.devnull" in line or "self._h.writeModel(str(path))" in line
    ),
}


def test_user_visible_files_are_written_only_through_the_output_transaction() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        name = str(path.relative_to(SRC))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if WRITERS.search(line) and not ALLOWED.get(name, lambda _: False)(line):
                found.append(f"{name}:{number}: {line.strip()}")
    assert found == []
