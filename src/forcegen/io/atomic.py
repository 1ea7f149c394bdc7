"""All-or-nothing output files: every command writes its outputs in one small transaction.

Each output file (CSV tables, the MPS export, charts, the files of ``forcegen init``) is
first written to a temporary file in the folder of its final path, named
``.<name>.<random>.tmp<suffix>`` (the suffix is kept, so that writers that choose a
format by the file name still see it). :meth:`OutputTransaction.commit` renames them
all into place (``os.replace``, atomic on POSIX) only once the whole command has
succeeded; on any failure, Ctrl-C included, :meth:`OutputTransaction.abort` removes the
temporary files and the folders the transaction created. A failed command therefore
leaves no new or changed output behind, and a reader never sees a half-written file.

The renames themselves are guarded too: an existing file is kept as a hard link (or a
copy) until every rename has succeeded, so that a rename that fails puts back the
files already replaced; Ctrl-C during the renames is held back until they are done,
then undoes them and is raised.

Symbolic links (see docs/outputs.md): an output path whose last component is a
symbolic link is refused, whether the link points to a file, a folder or nowhere; the
link is neither followed nor replaced, so its target is never touched. Links among the
folders on the way (``--plot`` given a link to a folder, ``--csv linked/out.csv``) are
followed like any folder: the user named that folder.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from forcegen.errors import ForcegenError
from forcegen.sigint import HeldInterrupts

TEMP_MARK = ".tmp"
"""Temporary files are named ``.<name>.<random>.tmp<suffix>``."""

_NAME_KEPT = 180
"""At most this many characters of the final name go into a temporary name, so that it
stays within the usual 255-byte limit of a file name [characters]."""


def check_target(path: str | Path) -> Path:
    """Refuse an output file that must not be replaced: a symbolic link (never followed),
    a folder, anything but a regular file (a device, a pipe), or a read-only file.

    The folder is not checked (see :func:`check_folder`). Returns ``path``.
    """
    path = Path(path)
    if path.is_symlink():
        raise ForcegenError(
            f"cannot write {path}: it is a symbolic link (to {os.readlink(path)}); "
            "outputs are never written through a link: give the path of a regular file"
        )
    if not path.exists():
        return path
    if path.is_dir():
        raise ForcegenError(f"cannot write {path}: it is a folder")
    if not path.is_file():
        raise ForcegenError(f"cannot write {path}: it exists and is not a regular file")
    if not os.access(path, os.W_OK):
        raise ForcegenError(f"cannot write {path}: the file is read-only")
    return path


def check_folder(folder: str | Path, create: bool = False, output: Path | None = None) -> Path:
    """Check that files can be created in ``folder``; with ``create``, a missing folder
    is acceptable if it can be created (its nearest existing parent is a writable
    folder). Nothing is created here. A symbolic link to a folder is followed.

    Messages name ``output`` (the file to be written in ``folder``) when given.
    Returns ``folder``.
    """
    folder = Path(folder)
    start = f"cannot write {output}: " if output is not None else f"cannot write to {folder}: "
    if folder.is_symlink() and not folder.exists():
        raise ForcegenError(f"{start}{folder} is a symbolic link to a missing folder")
    if folder.exists():
        if not folder.is_dir():
            raise ForcegenError(f"{start}{folder} exists and is not a folder")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise ForcegenError(f"{start}permission denied in the folder {folder}")
        return folder
    if not create:
        raise ForcegenError(f"{start}the folder {folder} does not exist")
    parent = Path(os.path.abspath(folder)).parent
    while not parent.exists() and not parent.is_symlink() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise ForcegenError(f"{start}cannot create the folder {folder}: {parent} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ForcegenError(
            f"{start}cannot create the folder {folder}: permission denied in {parent}"
        )
    return folder


@dataclass
class _Staged:
    final: Path
    temp: Path
    backup: Path | None = None
    placed: bool = False


class OutputTransaction:
    """The output files of one command, staged as temporary files next to their final
    paths, renamed into place together by :meth:`commit` or removed by :meth:`abort`.

    Use it as a context manager: the block's normal end commits, an exception (or
    Ctrl-C, or ``typer.Exit``) aborts::

        with OutputTransaction() as out:
            out.write(Path("table.csv"), lambda tmp: frame.to_csv(tmp, index=False))
            figure.savefig(out.stage(Path("chart.png")), format="png")
        # both files are in place here, or neither is
    """

    def __init__(self) -> None:
        self._staged: dict[str, _Staged] = {}
        self._created: list[Path] = []
        self._closed = False

    def __enter__(self) -> OutputTransaction:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()

    @property
    def paths(self) -> list[Path]:
        """The final paths staged so far, in order."""
        return [item.final for item in self._staged.values()]

    def stage(self, final: str | Path, mkdir: bool = False) -> Path:
        """A new, empty temporary file for ``final``, for the caller to write.

        ``final`` is checked first (:func:`check_target`, :func:`check_folder`); with
        ``mkdir`` its missing folders are created (and removed again on abort). A path
        staged twice in one transaction is refused: two outputs would overwrite each
        other.
        """
        if self._closed:
            raise RuntimeError("this output transaction is already committed or aborted")
        final = Path(final)
        key = os.path.join(os.path.realpath(final.parent), final.name)
        if key in self._staged:
            raise ForcegenError(f"cannot write {final} twice: two outputs are given the same path")
        check_target(final)
        check_folder(final.parent, create=mkdir, output=final)
        self._make_folders(final.parent)
        temp = _new_file(final, "tmp")
        with contextlib.suppress(OSError):  # keep the mode of a file that is replaced
            if final.is_file():
                os.chmod(temp, stat.S_IMODE(final.stat().st_mode))
        self._staged[key] = _Staged(final, temp)
        return temp

    def write(self, final: str | Path, writer: Callable[[Path], Any], mkdir: bool = False) -> Path:
        """Stage ``final`` and call ``writer`` with the temporary path; an ``OSError``
        of the writer becomes a clear :class:`ForcegenError`. Returns ``final``."""
        final = Path(final)
        temp = self.stage(final, mkdir=mkdir)
        try:
            writer(temp)
        except OSError as exc:
            raise ForcegenError(f"cannot write {final}: {exc.strerror or exc}") from None
        return final

    def commit(self) -> list[Path]:
        """Rename every staged file into place; all of them or (on an error) none.

        Returns the final paths. On an error, the files already replaced are put back,
        every temporary file is removed and a :class:`ForcegenError` is raised.
        """
        if self._closed:
            raise RuntimeError("this output transaction is already committed or aborted")
        hold = HeldInterrupts()
        try:
            for item in self._staged.values():  # a link or folder may have appeared since
                check_target(item.final)
            with hold:
                try:
                    for item in self._staged.values():
                        if os.path.lexists(item.final):
                            item.backup = _backup(item.final)
                        os.replace(item.temp, item.final)
                        item.placed = True
                except OSError as exc:
                    self._undo()
                    raise ForcegenError(
                        f"cannot write {item.final}: {exc.strerror or exc}; no output was changed"
                    ) from None
                if hold.interrupted:
                    self._undo()
                else:
                    for item in self._staged.values():
                        _remove(item.backup)
        except BaseException:
            self.abort()
            raise
        if hold.interrupted:  # raised now that the outputs are back as they were
            self.abort()
            hold.deliver()
        self._closed = True
        return self.paths

    def abort(self) -> None:
        """Remove every temporary file and every folder this transaction created (if
        empty). Safe to call more than once."""
        for item in self._staged.values():
            if not item.placed:
                _remove(item.temp)
        for folder in reversed(self._created):
            with contextlib.suppress(OSError):
                folder.rmdir()
        self._created.clear()
        self._closed = True

    def _undo(self) -> None:
        """Put back what the renames replaced (best effort, errors ignored)."""
        for item in self._staged.values():
            with contextlib.suppress(OSError):
                if item.placed and item.backup is not None:
                    os.replace(item.backup, item.final)
                elif item.placed:
                    os.unlink(item.final)
                elif item.backup is not None:
                    os.unlink(item.backup)
            item.placed = False
            item.backup = None

    def _make_folders(self, folder: Path) -> None:
        missing = []
        here = Path(os.path.abspath(folder))
        while not os.path.lexists(here) and here != here.parent:
            missing.append(here)
            here = here.parent
        for path in reversed(missing):
            try:
                path.mkdir()
            except OSError as exc:
                raise ForcegenError(
                    f"cannot create the folder {path}: {exc.strerror or exc}"
                ) from None
            self._created.append(path)


@contextlib.contextmanager
def output_transaction(out: OutputTransaction | None = None) -> Iterator[OutputTransaction]:
    """``out`` itself when given (its owner commits it), else a transaction of its own
    that commits at the end of the block: lets a function that writes files join the
    transaction of its caller or stand alone."""
    if out is not None:
        yield out
        return
    with OutputTransaction() as own:
        yield own


def _new_file(final: Path, kind: str) -> Path:
    """Create an empty file, new and private to us, next to ``final``; created with mode
    0o666 so that the umask applies as for any new file."""
    stem = final.name[:_NAME_KEPT]
    for _ in range(100):
        path = final.parent / f".{stem}.{secrets.token_hex(4)}.{kind}{final.suffix}"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise ForcegenError(f"cannot write {final}: {exc.strerror or exc}") from None
        os.close(fd)
        return path
    raise ForcegenError(f"cannot write {final}: no free temporary name in {final.parent}")


def _backup(final: Path) -> Path:
    """Keep the current ``final`` under a temporary name: a hard link, or a copy where
    hard links are not available."""
    for _ in range(100):
        path = final.parent / f".{final.name[:_NAME_KEPT]}.{secrets.token_hex(4)}.bak"
        try:
            os.link(final, path, follow_symlinks=False)
            return path
        except FileExistsError:
            continue
        except OSError:
            shutil.copy2(final, path, follow_symlinks=False)
            return path
    raise OSError(f"no free temporary name in {final.parent}")


def _remove(path: Path | None) -> None:
    if path is not None:
        with contextlib.suppress(OSError):
            os.unlink(path)
