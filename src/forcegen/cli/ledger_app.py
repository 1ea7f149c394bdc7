"""``forcegen ledger ...``: the shared pledge ledger in a database (docs/ledger.md).

A thin layer over :func:`forcegen.init_ledger`, :func:`forcegen.open_ledger` and the
:class:`forcegen.Ledger` methods. Results go to stdout (``--json`` where it lists
things); errors to stderr with exit code 2 and nothing written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from forcegen import Ledger, LedgerEntry

DEFAULT_URL = "sqlite:///forcegen-ledger.db"
"""The ledger used when no URL is given: a file in the current folder (the same as
``forcegen.DEFAULT_LEDGER_URL``; a test keeps them equal)."""

ledger_app = typer.Typer(
    name="ledger",
    help="A shared pledge ledger in a database (SQLite file or PostgreSQL): every "
    "revision kept, with the date it holds from and when it was recorded (docs/ledger.md).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

LedgerUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--ledger",
        envvar="FORCEGEN_LEDGER",
        help=f"The ledger's database URL (default: $FORCEGEN_LEDGER, else {DEFAULT_URL}): "
        "sqlite:///FILE.db or postgresql+psycopg://USER@HOST:PORT/DATABASE.",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
KnownAtOpt = Annotated[
    str | None,
    typer.Option(
        "--known-at",
        help="What the ledger held at this moment: YYYY-MM-DD (the end of that day, UTC) "
        "or an ISO date-time; later entries and corrections are not seen.",
        show_default=False,
    ),
]


def _open(url: str | None) -> Ledger:
    import forcegen

    return forcegen.open_ledger(url or DEFAULT_URL)


def _print_json(payload: Any) -> None:
    from forcegen.cli.app import _print_json as print_json

    print_json(payload)


@ledger_app.command("init")
def init(
    url: Annotated[
        str | None,
        typer.Argument(
            help=f"Database URL (default: --ledger, $FORCEGEN_LEDGER, else {DEFAULT_URL}).",
            show_default=False,
        ),
    ] = None,
    ledger: LedgerUrlOpt = None,
) -> None:
    """Create a ledger, or upgrade an older one's schema to this forcegen's (entries kept)."""
    from forcegen.cli.app import _fail, _user_errors

    if url is not None and ledger is not None and url != ledger:
        _fail(f"error: give the URL once: {url} or --ledger {ledger}")
    with _user_errors():
        import forcegen

        target = url or ledger or DEFAULT_URL
        done = forcegen.init_ledger(target)
        typer.echo(done.describe())
        if done.created:
            typer.echo(f"next: forcegen ledger import mnf-ukraine --ledger {done.url}")


@ledger_app.command("import")
def import_(
    workspace: Annotated[
        str,
        typer.Argument(help="Workspace YAML file or folder, or a built-in dataset name."),
    ],
    ledger: LedgerUrlOpt = None,
    author: Annotated[
        str | None,
        typer.Option(
            "--author", help="Who records it (default: your login name).", show_default=False
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a workspace (a path or a built-in dataset) in one transaction.

    Each pledge as first made, each revision, statement, force option, event and other
    record is one entry. Records the ledger already holds as given are skipped; changed
    ones are recorded as corrections."""
    from forcegen.cli.app import _user_errors

    with _user_errors():
        from forcegen.cli.progress import progress_bar

        who = author or _login()
        with _open(ledger) as store:
            bar, update = progress_bar("recording", 1, "entries")
            with bar:
                result = store.import_workspace(workspace, author=who, progress=update)
        if as_json:
            _print_json({"ledger": store.url, "workspace": workspace, **result.to_json()})
            return
        kinds = ", ".join(f"{n:,} {_plural(kind, n)}" for kind, n in result.kinds.items())
        typer.echo(
            f"recorded {len(result.ids):,} entries from {workspace} in {store.url}"
            + (f": {kinds}" if kinds else "")
        )
        if result.corrections:
            typer.echo(f"{result.corrections:,} of them correct records the ledger held")
        if result.unchanged:
            typer.echo(f"{result.unchanged:,} records already held as given: not recorded again")


def _plural(kind: str, n: int) -> str:
    return kind if n == 1 else kind + "s"


def _login() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in a container
        return "unknown"


@ledger_app.command("record")
def record(
    ledger: LedgerUrlOpt = None,
    pledge: Annotated[
        str | None, typer.Option("--pledge", help="Id of the pledge revised.", show_default=False)
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date", help="Date the revision holds from (YYYY-MM-DD).", show_default=False
        ),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status", help="stated, earmarked, deployed or withdrawn.", show_default=False
        ),
    ] = None,
    quantity: Annotated[
        float | None, typer.Option("--quantity", help="Units offered.", show_default=False)
    ] = None,
    personnel: Annotated[
        int | None, typer.Option("--personnel", help="Personnel [persons].", show_default=False)
    ] = None,
    requires: Annotated[
        str | None,
        typer.Option("--requires", help="Condition expression.", show_default=False),
    ] = None,
    zones: Annotated[
        str | None,
        typer.Option("--zones", help="Zones where the units may be used: a,b.", show_default=False),
    ] = None,
    readiness_days: Annotated[
        int | None,
        typer.Option("--readiness-days", help="Days until ready to move.", show_default=False),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source", help="Address of the source (or --assumption).", show_default=False
        ),
    ] = None,
    assumption: Annotated[
        bool, typer.Option("--assumption", help="The revision is the project's assumption.")
    ] = False,
    summary: Annotated[
        str | None, typer.Option("--summary", help="What changed, in words.", show_default=False)
    ] = None,
    author: Annotated[
        str | None, typer.Option("--author", help="Who records it.", show_default=False)
    ] = None,
    corrects: Annotated[
        int | None,
        typer.Option(
            "--corrects",
            help="Id of the entry this one corrects (it replaces it; see ledger log).",
            show_default=False,
        ),
    ] = None,
    retract: Annotated[
        bool,
        typer.Option(
            "--retract",
            help="With --corrects: take that entry out (any kind; give --source for why).",
        ),
    ] = False,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            help="A YAML snippet: a revision (pledge: ID, date: ...), a statement "
            "(nation: ISO3, ...) or workspace sections.",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Record one pledge revision (options) or a YAML snippet (--file), with its source.

    It is validated with the whole ledger exactly as a workspace is; nothing is written
    if it fails. A correction (--corrects ENTRY_ID) is the whole entry as it should have
    been; it replaces that entry from now on, and the entry stays in the log."""
    from forcegen.cli.app import _fail, _user_errors

    if author is None or not author.strip():
        _fail("error: --author NAME: every ledger entry says who recorded it")
    fields = {
        "status": status,
        # a whole number as one, as YAML gives it ("found -2", not "found -2.0")
        "quantity": int(quantity) if quantity is not None and quantity.is_integer() else quantity,
        "personnel": personnel,
        "requires": requires,
        "zones": [z.strip() for z in zones.split(",")] if zones is not None else None,
        "readiness_days": readiness_days,
    }
    given = {name: value for name, value in fields.items() if value is not None}
    with _user_errors():
        if file is not None:
            flags = (
                [
                    f"--{name.replace('_', '-')}"
                    for name, value in {
                        "pledge": pledge,
                        "date": date,
                        "source": source,
                        "summary": summary,
                        "corrects": corrects,
                        **given,
                    }.items()
                    if value is not None
                ]
                + (["--assumption"] if assumption else [])
                + (["--retract"] if retract else [])
            )
            if flags:
                _fail(
                    f"error: give --file or the revision's options, not both ({', '.join(flags)})"
                )
            with _open(ledger) as store:
                result = store.record_file(file, author=author)
        else:
            request: dict[str, Any] = {}
            if retract:
                if corrects is None:
                    _fail("error: --retract takes out an earlier entry: give --corrects ENTRY_ID")
                if given or date is not None or assumption:
                    _fail("error: --retract takes the entry out; give no new fields with it")
                request.update(corrects=corrects, retract=True)
                if pledge is not None:
                    request["pledge"] = pledge
                if summary is not None:
                    request["summary"] = summary
            else:
                if pledge is None:
                    _fail(
                        "error: give --pledge ID --date YYYY-MM-DD (and what changed), "
                        "or --file SNIPPET.yaml"
                    )
                if date is None:
                    _fail("error: --date YYYY-MM-DD: the date the revision holds from")
                request.update(pledge=pledge, date=date, **given)
                if source is not None:
                    request["sources"] = [source]
                if assumption:
                    request["basis"] = "assumption"
                if summary is not None:
                    request["summary"] = summary
                if corrects is not None:
                    request["corrects"] = corrects
            where = "ledger record " + (
                f"--pledge {pledge}" if pledge is not None else f"--corrects {corrects}"
            )
            with _open(ledger) as store:
                result = store.record(
                    request,
                    author=author,
                    where=where,
                    source=source if retract else None,
                )
        if as_json:
            _print_json({"ledger": store.url, **result.to_json()})
            return
        if not result.ids:
            typer.echo("nothing recorded: the ledger already holds it as given")
        for entry_id in result.ids:
            typer.echo(f"recorded ledger entry {entry_id} in {store.url}")
        for warning in result.warnings:
            typer.echo("warning: " + warning.render())


@ledger_app.command("log")
def log(
    ledger: LedgerUrlOpt = None,
    pledge: Annotated[
        str | None,
        typer.Option(
            "--pledge", help="Only this pledge (as made, and its revisions).", show_default=False
        ),
    ] = None,
    nation: Annotated[
        str | None,
        typer.Option("--nation", help="Only this nation's entries (ISO3).", show_default=False),
    ] = None,
    known_at: KnownAtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The entries in recorded order, corrections marked.

    Each with the date it holds from, when it was recorded (UTC), by whom, what it says
    and its source (the host in the table; the full address with --json)."""
    from forcegen.cli.app import _user_errors

    with _user_errors(), _open(ledger) as store:
        found = store.log(pledge=pledge, nation=nation, known_at=known_at)
        corrected: dict[int, int] = {}
        for entry in found:
            if entry.corrects is not None:
                corrected[entry.corrects] = entry.id
        if as_json:
            rows = [{**e.to_json(), "corrected_by": corrected.get(e.id)} for e in found]
            _print_json({"ledger": store.url, "entries": rows})
            return
        _print_log(store.url, found, corrected)


def _print_log(url: str, found: list[LedgerEntry], corrected: dict[int, int]) -> None:
    from rich.text import Text

    from forcegen.cli.console import make_console
    from forcegen.cli.tables import Column, FittedTable

    if not found:
        typer.echo(f"no entries in {url}")
        return
    table = FittedTable(
        [
            Column("entry", "right", key=True),
            Column("valid from"),
            Column("recorded (UTC)"),
            Column("author"),
            Column("what"),
            Column("source"),
        ],
        title=f"Ledger {url}: {len(found):,} entries",
        caption="Corrections are marked: a correction replaces the entry it corrects "
        "from the moment it was recorded (--known-at shows what was believed before).",
    )
    for entry in found:
        notes = []
        if entry.corrects is not None:
            notes.append(f"corrects {entry.corrects}")
        if entry.id in corrected:
            notes.append(f"corrected by {corrected[entry.id]}")
        what = f"{entry.describe()}: {entry.what()}" + (f" [{'; '.join(notes)}]" if notes else "")
        table.add_row(  # user text as Text: never read as markup ("[corrects 21]")
            str(entry.id),
            entry.valid_from.isoformat() if entry.valid_from else "-",
            entry.recorded_at.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3],
            Text(entry.author),
            Text(what),
            Text(_host(entry.source)),
        )
    make_console().print(table)


def _host(source: str | None) -> str:
    """A source as the table shows it: the host of an address, else the text (shortened)."""
    from urllib.parse import urlsplit

    if not source:
        return "-"
    host = urlsplit(source).hostname if "://" in source else None
    text = host.removeprefix("www.") if host else source
    return text if len(text) <= 30 else text[:27] + "..."


@ledger_app.command("export")
def export(
    folder: Annotated[Path, typer.Argument(help="Folder to write the workspace to.")],
    as_of: Annotated[
        str,
        typer.Option("--as-of", help="The force as it stood on this date (YYYY-MM-DD)."),
    ],
    ledger: LedgerUrlOpt = None,
    known_at: KnownAtOpt = None,
    force: Annotated[
        bool, typer.Option("--force", help="Write into a folder that is not empty.")
    ] = False,
) -> None:
    """Write the force as of a date (as known at --known-at) as a workspace folder.

    Pledges made by then with their revisions up to then, statements, force options
    floated and events: YAML files that every command reads."""
    from forcegen.cli.app import _user_errors

    with _user_errors():
        import forcegen

        day = forcegen.parse_as_of(as_of)
        assert day is not None
        with _open(ledger) as store:
            written = store.export(folder, day, known_at, force=force)
        for path in written:
            typer.echo(f"wrote {path}")
        typer.echo(f"next: forcegen run {folder}")
