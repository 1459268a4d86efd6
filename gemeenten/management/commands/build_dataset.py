"""Build the curated dataset from the raw sources and write it into fixtures/.

All importers run in dependency order inside one transaction: a defect in any source stops the
build with a message naming file, row and reason, and the database is left as it was.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gemeenten.dataset import leeg_dataset
from gemeenten.importers import importers, maak_peildata
from gemeenten.importers.base import ImportFout
from gemeenten.importers.uitvoer import schrijf_fixtures
from gemeenten.models import DatasetVersie

VERSLAG = "report/importverslag.json"


class Command(BaseCommand):
    help = "Import every source in --source into one consistent dataset and write fixtures/."

    def add_arguments(self, parser):
        parser.add_argument("--source", default="../shared/data", help="Raw data folder.")
        parser.add_argument(
            "--output",
            default=str(Path(settings.BASE_DIR) / "fixtures"),
            help="Folder for the fixtures (its curation/ subfolder holds the curation tables).",
        )
        parser.add_argument(
            "--curation", default=None, help="Curation folder (default: OUTPUT/curation)."
        )
        parser.add_argument(
            "--no-write", action="store_true", help="Import into the database only."
        )

    def handle(self, *args, source, output, curation, no_write, verbosity, **options):
        source = Path(source)
        if not source.is_absolute():
            source = Path(settings.BASE_DIR) / source
        if not source.is_dir():
            raise CommandError(f"{source}: not a folder")
        output = Path(output)
        curation = Path(curation) if curation else output / "curation"
        verslagen = []
        try:
            with transaction.atomic(), DatasetVersie.in_een_keer():  # one new stamp at the end
                leeg_dataset()
                maak_peildata()
                for cls in importers():
                    importer = cls(source, curation, stdout=self.stdout, verbosity=verbosity)
                    if verbosity >= 2:
                        self.stdout.write(f"{cls.naam} …")
                    verslag = importer()
                    verslagen.append(verslag.as_dict())
                    if verbosity >= 1:
                        self.stdout.write(
                            f"{verslag.bron}: {verslag.gelezen} read, {verslag.geimporteerd} "
                            f"imported, {verslag.aantal_buiten_bereik} out of scope, "
                            f"{len(verslag.onopgelost)} unresolved"
                        )
                if not no_write:
                    counts = schrijf_fixtures(output)
                    path = output / VERSLAG
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(
                        json.dumps(verslagen, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
                    )
                    if verbosity >= 1:
                        for name, n in counts.items():
                            self.stdout.write(f"  {name}: {n} rows")
        except ImportFout as exc:
            raise CommandError(f"Import stopped, nothing changed:\n{exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Dataset built from {source}."))
