"""Importers, one module per source, on the small base in `base`.

`IMPORTERS` is the dependency order `build_dataset` runs them in.
"""

import datetime

from ..models import Peildatum

PEILDATA = [
    # code, datum, naam, grensjaar (the northern detailed division its map uses),
    # overzichtjaar (the national generalised division that stands for it)
    ("2016", datetime.date(2016, 1, 1), "1 januari 2016", 2016, 2016),
    ("2026", datetime.date(2026, 5, 16), "16 mei 2026", 2022, 2025),
]


def maak_peildata():
    for code, datum, naam, grensjaar, overzichtjaar in PEILDATA:
        Peildatum.objects.update_or_create(
            code=code,
            defaults=dict(datum=datum, naam=naam, grensjaar=grensjaar, overzichtjaar=overzichtjaar),
        )


def importers():
    """The importer classes in dependency order (imported late: they import models)."""
    from .cbs import CbsOpvolgersImporter, CbsRegisterImporter
    from .cbs_regios import CbsRegiosImporter
    from .curatie import KoppelingenImporter
    from .dsta import DstaImporter
    from .gr_register import GrRegisterImporter
    from .grenzen import GrenzenImporter
    from .opengr import OpenGrImporter
    from .regioatlas import RegioatlasImporter
    from .roo import RooImporter
    from .taxonomie import TaxonomieImporter
    from .zoekvelden import ZoekveldenImporter

    return [
        CbsRegisterImporter,
        GrenzenImporter,
        CbsOpvolgersImporter,  # after the boundaries: it overlays them
        TaxonomieImporter,
        GrRegisterImporter,
        OpenGrImporter,
        RegioatlasImporter,
        CbsRegiosImporter,
        DstaImporter,
        KoppelingenImporter,
        RooImporter,
        ZoekveldenImporter,  # last: a record's names come from every source
    ]
