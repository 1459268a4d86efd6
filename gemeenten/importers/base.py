"""The small base every importer stands on (after UK-Polling-Stations' design).

An importer reads its files, cleans each record and writes it. A bad record does not stop the
reading: it becomes a `Fout` naming file, row and reason, and all of them are raised together
at the end as `ImportFout`. The caller runs importers inside one `transaction.atomic()`, so a
failed run leaves the database exactly as it was.

Each importer also keeps the counts the dataset report prints: rows read, imported, out of
scope (with the reason, per row) and unresolved.
"""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..models import Bron


@dataclass(frozen=True)
class Fout:
    """One defect in a source: where it is and why it stops the import."""

    bestand: str
    regel: str
    reden: str

    def __str__(self):
        return f"{self.bestand}, {self.regel}: {self.reden}"


class ImportFout(Exception):
    """Raised when an importer found defects; carries all of them."""

    def __init__(self, fouten):
        self.fouten = list(fouten)
        lines = [str(f) for f in self.fouten[:50]]
        if len(self.fouten) > 50:
            lines.append(f"… and {len(self.fouten) - 50} more")
        super().__init__("\n".join(lines))


@dataclass
class Verslag:
    """What one importer did with its source, for the dataset report."""

    bron: str
    gelezen: int = 0
    geimporteerd: int = 0
    buiten_bereik: list = field(default_factory=list)  # [(where, reason[, number of rows])]
    onopgelost: list = field(default_factory=list)  # [(where, reason)]
    opmerkingen: list = field(default_factory=list)  # free text: measurements, repairs

    @property
    def aantal_buiten_bereik(self):
        return sum(entry[2] if len(entry) > 2 else 1 for entry in self.buiten_bereik)

    def as_dict(self):
        return {
            "bron": self.bron,
            "gelezen": self.gelezen,
            "geimporteerd": self.geimporteerd,
            "buiten_bereik_aantal": self.aantal_buiten_bereik,
            "buiten_bereik": [list(x) for x in self.buiten_bereik],
            "onopgelost": [list(x) for x in self.onopgelost],
            "opmerkingen": list(self.opmerkingen),
        }


# Characters that only appear when UTF-8 was read as Latin-1/Windows-1252.
MOJIBAKE = ("Ã", "Â", "â€")


class BaseImporter:
    """Subclasses set `naam` (the report's label) and implement `run()`.

    `source` is the raw data folder; `curation` the folder of curation CSV files.
    """

    naam = ""

    def __init__(self, source, curation, stdout=None, verbosity=1):
        self.source = Path(source)
        self.curation = Path(curation)
        self.stdout = stdout
        self.verbosity = verbosity
        self.fouten = []
        self.verslag = Verslag(self.naam)

    # --- running -------------------------------------------------------------------------
    def __call__(self):
        self.run()
        self.stop_bij_fouten()
        return self.verslag

    def run(self):
        raise NotImplementedError

    def fout(self, bestand, regel, reden):
        self.fouten.append(Fout(str(bestand), str(regel), reden))

    def stop_bij_fouten(self):
        if self.fouten:
            raise ImportFout(self.fouten)

    def log(self, message, level=2):
        if self.stdout is not None and self.verbosity >= level:
            self.stdout.write(message)

    def rel(self, path):
        """A path as the report names it: relative to the source or curation folder."""
        path = Path(path)
        for base in (self.source, self.curation.parent):
            try:
                return str(path.relative_to(base))
            except ValueError:
                continue
        return str(path)

    # --- reading ---------------------------------------------------------------------------
    def read_text(self, path, encoding="utf-8"):
        """The file's text; a missing file or undecodable bytes is an error naming the line."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ImportFout(
                [Fout(self.rel(path), "-", f"cannot read file ({exc.strerror})")]
            ) from exc
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise ImportFout(
                [Fout(self.rel(path), f"line {line}", f"not valid {encoding} ({exc.reason})")]
            ) from exc

    def read_csv(self, path, columns, delimiter=",", encoding="utf-8", key=None):
        """Rows of a CSV file as dicts, each with `_regel` (its line number).

        Stops with an error for a wrong delimiter or missing column (header), and records one
        for every row with the wrong number of fields (a truncated file) or a repeated `key`.
        """
        path = Path(path)
        text = self.read_text(path, encoding)
        if text.startswith("\ufeff"):
            text = text[1:]
        if not text.strip():
            raise ImportFout([Fout(self.rel(path), "line 1", "file is empty")])
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        try:
            header = [h.strip() for h in next(reader)]
        except csv.Error as exc:
            raise ImportFout(
                [Fout(self.rel(path), "line 1", f"not readable as CSV ({exc})")]
            ) from exc
        missing = [c for c in columns if c not in header]
        if missing:
            hint = ""
            if len(header) == 1 and any(d in header[0] for d in ",;\t|" if d != delimiter):
                hint = f" (is the delimiter {delimiter!r}?)"
            raise ImportFout(
                [Fout(self.rel(path), "line 1", f"missing column(s) {', '.join(missing)}{hint}")]
            )
        rows = []
        seen = {}
        try:
            for values in reader:
                line = reader.line_num
                if not values or values == [""]:
                    continue
                if len(values) != len(header):
                    self.fout(
                        self.rel(path),
                        f"line {line}",
                        f"{len(values)} fields where the header has {len(header)} "
                        "(truncated file or wrong delimiter?)",
                    )
                    continue
                row = dict(zip(header, (v.strip() for v in values), strict=True))
                row["_regel"] = line
                if key is not None:
                    k = tuple(row[c] for c in key)
                    if k in seen:
                        self.fout(
                            self.rel(path),
                            f"line {line}",
                            f"duplicate row: {', '.join(key)} = {', '.join(k)} "
                            f"(also on line {seen[k]})",
                        )
                        continue
                    seen[k] = line
                rows.append(row)
        except csv.Error as exc:
            self.fout(self.rel(path), f"line {reader.line_num}", f"not readable as CSV ({exc})")
        self.stop_bij_fouten()
        return rows

    # --- provenance --------------------------------------------------------------------
    @staticmethod
    def bron(code, **fields):
        """Create or update the `Bron` with this code."""
        obj, _ = Bron.objects.update_or_create(code=code, defaults=fields)
        return obj
