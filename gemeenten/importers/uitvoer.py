"""Writing the dataset as fixtures: dumpdata-style JSON with natural keys, in a stable order,
so that building twice gives byte-identical files and a data change reads as a small diff."""

import json
from pathlib import Path

from django.contrib.gis.geos import GEOSGeometry, WKTWriter
from django.core import serializers

from .. import models

# File name → models, in load order. Within a file, rows are sorted by natural key.
BESTANDEN = [
    ("01_bronnen.json", [models.Bron]),
    ("02_peildata.json", [models.Peildatum]),
    ("03_gemeenten.json", [models.Provincie, models.Gemeente, models.Herindeling]),
    ("04_grenzen.json", [models.ProvincieGrens, models.GemeenteGrens]),
    ("05_taxonomie.json", [models.Hoofdtaakveld, models.Taakveld, models.Rechtsvorm]),
    ("06_organisaties.json", [models.Organisatie]),
    ("07_samenwerkingen.json", [models.Samenwerking, models.Versie]),
    ("08_standen.json", [models.Stand, models.Deelname]),
]

ORDERING = {
    models.Gemeente: ["cbs_code"],
    models.Provincie: ["code"],
    models.Herindeling: ["datum", "voorganger__cbs_code", "opvolger__cbs_code"],
    models.ProvincieGrens: ["jaar", "niveau", "provincie__code"],
    models.GemeenteGrens: ["jaar", "niveau", "gemeente__cbs_code"],
    models.Hoofdtaakveld: ["code"],
    models.Taakveld: ["volgorde", "code"],
    models.Rechtsvorm: ["code"],
    models.Organisatie: ["slug"],
    models.Samenwerking: ["slug"],
    models.Versie: ["samenwerking__slug", "in_werking", "register_id"],
    models.Stand: ["samenwerking__slug", "peildatum__code"],
    models.Deelname: [
        "stand__samenwerking__slug",
        "stand__peildatum__code",
        "gemeente__cbs_code",
        "organisatie__slug",
    ],
    models.Bron: ["code"],
    models.Peildatum: ["code"],
}

_WKT = WKTWriter(dim=2, trim=True, precision=6)


def _geometrie(value):
    geom = GEOSGeometry(value) if isinstance(value, str) else value
    return f"SRID={geom.srid};{_WKT.write(geom).decode()}"


def _waarde(obj, path):
    """The value at a `__` path, as a sort key that puts None first on every backend."""
    for name in path.split("__"):
        obj = getattr(obj, name) if obj is not None else None
    return (obj is not None, obj if obj is not None else 0)


def rijen(model):
    # Sorted in Python: SQLite and PostgreSQL disagree on where NULLs go.
    objs = sorted(
        model._default_manager.all(), key=lambda o: tuple(_waarde(o, p) for p in ORDERING[model])
    )
    data = serializers.serialize(
        "python", objs, use_natural_foreign_keys=True, use_natural_primary_keys=True
    )
    geo_fields = [f.name for f in model._meta.fields if hasattr(f, "geom_type")]
    for obj, row in zip(objs, data, strict=True):
        for name in geo_fields:
            row["fields"][name] = _geometrie(getattr(obj, name))
        for name, value in row["fields"].items():
            if isinstance(value, list) and value and isinstance(value[0], list | tuple):
                row["fields"][name] = sorted(list(v) for v in value)
    return data


def schrijf_fixtures(folder):
    """Write every fixture file into `folder`; returns {file name: number of rows}."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, model_list in BESTANDEN:
        data = []
        for model in model_list:
            data.extend(rijen(model))
        text = json.dumps(data, ensure_ascii=False, indent=1, default=str)
        (folder / name).write_text(text + "\n", encoding="utf-8")
        counts[name] = len(data)
    return counts
