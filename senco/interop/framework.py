"""The one import framework (docs/import.md): every import is a `Kind`.

A kind names its columns (with the headings MIS exports use for them), plans a table row by row
(create, change, leave alone, refuse, with reasons) without writing anything, and applies a plan
that refused nothing in one transaction. Planning again after applying finds nothing to change:
that is what makes an import idempotent.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from senco.interop import cells
from senco.interop.cells import CellError
from senco.interop.tabular import Table, column_letter, normalise

CREATE, CHANGE, SAME, REFUSE = "create", "change", "same", "refuse"
OUTCOMES = {
    CREATE: "would be added",
    CHANGE: "would change",
    SAME: "already up to date",
    REFUSE: "refused",
}
APPLIED = {CREATE: "added", CHANGE: "changed", SAME: "already up to date", REFUSE: "refused"}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False
    aliases: tuple[str, ...] = ()

    def recognises(self, heading: str) -> bool:
        return normalise(heading) in {normalise(a) for a in (self.label, *self.aliases)}


@dataclass
class Row:
    """One line of the file, its cells named by the kind's column keys under the mapping."""

    line: int
    cells: dict[str, str]
    headings: dict[str, str]  # column key -> the file's heading, for messages

    def get(self, key: str) -> str:
        return self.cells.get(key, "")

    def has(self, key: str) -> bool:
        return key in self.cells

    def where(self, key: str) -> str:
        return self.headings.get(key, key)


@dataclass
class RowResult:
    line: int
    outcome: str
    label: str = ""
    messages: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: dict[str, list] = field(default_factory=dict)
    # The pupil the row is about, when they are already here: a report shows such a row only to
    # someone who may see that pupil (a confidential record stays hidden).
    pupil: str = ""

    def about(self, pupil) -> None:
        if pupil is not None and pupil.pk:
            self.pupil = str(pupil.public_id)

    def refuse(self, message: str) -> None:
        self.outcome = REFUSE
        self.messages.append(message)

    def as_dict(self) -> dict:
        return {
            "line": self.line,
            "outcome": self.outcome,
            "label": self.label,
            "messages": self.messages,
            "warnings": self.warnings,
            "changes": self.changes,
            "pupil": self.pupil,
        }


@dataclass
class Plan:
    results: list[RowResult]
    file_warnings: list[str] = field(default_factory=list)
    work: Any = None  # what the kind's apply() needs: built while planning
    extra: dict = field(default_factory=dict)  # kept in the report beside the rows

    @property
    def refused(self) -> bool:
        return any(r.outcome == REFUSE for r in self.results)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOMES, 0)
        for r in self.results:
            counts[r.outcome] += 1
        counts["warnings"] = sum(1 for r in self.results if r.warnings)
        return counts


class Kind:
    key = ""
    label = ""
    help = ""
    columns: tuple[Column, ...] = ()
    # What the person importing must be allowed to do (access.ACTIONS) beyond "imports.run".
    action = "imports.run"
    # A kind read as a whole file (a ZIP of photos, a CTF) rather than as a table of columns.
    whole_file = False

    def recognises(self, data: bytes) -> bool:
        """For a whole-file kind: whether the uploaded bytes are its kind of file."""
        return False

    def plan_file(self, school, data: bytes, max_bytes: int, progress) -> Plan:
        raise NotImplementedError

    def plan(self, school, rows: list[Row], progress: Callable[[int], None]) -> Plan:
        raise NotImplementedError

    def apply(self, school, plan: Plan, by) -> None:
        raise NotImplementedError

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def needed(self) -> str:
        return ", ".join(c.label for c in self.columns if c.required)

    @property
    def labels(self) -> dict[str, str]:
        return {c.key: c.label for c in self.columns}


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.key] = kind
    return kind


def auto_mapping(kind: Kind, headings: Iterable[str]) -> dict[str, str]:
    """Each column of the kind to the file heading that names it, where one does."""
    mapping = {}
    for column in kind.columns:
        heading = next((h for h in headings if column.recognises(h)), None)
        if heading is not None:
            mapping[column.key] = heading
    return mapping


def missing_columns(kind: Kind, mapping: dict[str, str]) -> list[Column]:
    return [c for c in kind.columns if c.required and not mapping.get(c.key)]


def detect(headings: list[str]) -> Kind | None:
    """The kind whose required columns the headings all name, the best match first."""
    scored = []
    for kind in KINDS.values():
        if not kind.columns:
            continue  # a kind that is not a table (photos) is known by its file, not headings
        mapping = auto_mapping(kind, headings)
        if not missing_columns(kind, mapping):
            scored.append((len(mapping) / len(kind.columns), len(mapping), kind.key))
    return KINDS[max(scored)[2]] if scored else None


def rows_under(table: Table, mapping: dict[str, str]) -> list[Row]:
    """The table's rows with cells named by column key; line numbers as a spreadsheet shows."""
    index = {h: i for i, h in enumerate(table.headings)}
    wanted = {key: index[h] for key, h in mapping.items() if h in index}
    headings = {key: f"{h} (column {column_letter(index[h])})" for key, h in mapping.items()}
    rows = []
    for number, line in enumerate(table.rows, start=2):
        named = {key: line[i].strip() if i < len(line) else "" for key, i in wanted.items()}
        rows.append(Row(line=number, cells=named, headings=headings))
    return rows


def read_cell(row: Row, result: RowResult, key: str, parse: Callable[[str], Any]) -> Any:
    """A parsed cell, or None with the row refused saying which cell and why."""
    try:
        return parse(row.get(key))
    except CellError as e:
        result.refuse(f"{row.where(key)}: {e}")
        return None


def read_text(row: Row, result: RowResult, key: str, limit: int = 100) -> str:
    """A text cell, refused (with the row) when longer than the field holds."""
    value = read_cell(row, result, key, lambda text: cells.text(text, limit, row.where(key)))
    return value or ""


def differences(obj, values: dict[str, Any]) -> dict[str, list]:
    """The fields whose values differ from the object's, as [old, new] (dates as text)."""
    changed = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changed[name] = [_plain(old), _plain(new)]
    return changed


def _plain(value: Any) -> Any:
    """A value as the report shows it: dates as ISO text, yes or no for true or false."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value.isoformat() if hasattr(value, "isoformat") else value


def duplicates(rows: list[Row], key: str, results: dict[int, RowResult], what: str) -> None:
    """Refuse every row whose value in `key` another row also has."""
    seen: dict[str, list[int]] = {}
    for row in rows:
        value = row.get(key).upper()
        if value:
            seen.setdefault(value, []).append(row.line)
    for value, lines in seen.items():
        if len(lines) > 1:
            shown = ", ".join(str(n) for n in lines[:5]) + (" ..." if len(lines) > 5 else "")
            for line in lines:
                results[line].refuse(
                    f"{what} {value[:20]} is on {len(lines)} lines ({shown}): keep one row."
                )
