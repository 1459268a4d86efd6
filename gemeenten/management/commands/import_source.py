"""Run one importer against the dataset in the database (for a curator checking one source).

The importers depend on each other (a GR needs its municipalities and taakvelden), so this
runs on a loaded dataset; `build_dataset` is what builds the whole thing. One transaction:
a defect stops it with a message naming file, row and reason, and nothing changes.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gemeenten.importers import importers
from gemeenten.importers.base import ImportFout
from gemeenten.models import DatasetVersie

NAMEN = {
    "cbs": "CbsRegisterImporter",
    "grenzen": "GrenzenImporter",
    "taxonomie": "TaxonomieImporter",
    "gr-register": "GrRegisterImporter",
    "opengr": "OpenGrImporter",
    "regioatlas": "RegioatlasImporter",
    "dsta": "DstaImporter",
    "roo": "RooImporter",
}


class Command(BaseCommand):
    help = "Re-import one source into the loaded dataset: " + ", ".join(NAMEN)

    def add_arguments(self, parser):
        parser.add_argument("bron", choices=sorted(NAMEN))
        parser.add_argument("--source", default="../shared/data", help="Raw data folder.")
        parser.add_argument(
            "--curation",
            default=str(Path(settings.BASE_DIR) / "fixtures" / "curation"),
            help="Curation folder.",
        )

    def handle(self, *args, bron, source, curation, verbosity, **options):
        source = Path(source)
        if not source.is_absolute():
            source = Path(settings.BASE_DIR) / source
        if not source.is_dir():
            raise CommandError(f"{source}: not a folder")
        cls = next(c for c in importers() if c.__name__ == NAMEN[bron])
        try:
            with transaction.atomic(), DatasetVersie.in_een_keer():  # one new stamp at the end
                verslag = cls(source, Path(curation), stdout=self.stdout, verbosity=verbosity)()
        except ImportFout as exc:
            raise CommandError(f"Import stopped, nothing changed:\n{exc}") from exc
        except Exception as exc:  # a missing prerequisite (no peildatum, no municipalities)
            if type(exc).__name__ == "DoesNotExist":
                raise CommandError(f"{bron}: load the dataset first ({exc})") from exc
            raise
        self.stdout.write(
            f"{verslag.bron}: {verslag.gelezen} read, {verslag.geimporteerd} imported, "
            f"{verslag.aantal_buiten_bereik} out of scope, {len(verslag.onopgelost)} unresolved"
        )
