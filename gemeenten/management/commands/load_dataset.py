"""Replace the dataset in the database with the curated fixtures in fixtures/.

Runs in one transaction: either the whole dataset is replaced or nothing changes. The
dataset's stamp (DatasetVersie) is renewed in that transaction, so every server process serves
the new dataset from its next request on.
"""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gemeenten.dataset import leeg_dataset
from gemeenten.models import DatasetVersie


class Command(BaseCommand):
    help = "Load the curated dataset (fixtures/*.json, in name order), replacing what is there."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures", default=str(Path(settings.BASE_DIR) / "fixtures"), help="Folder."
        )

    def handle(self, *args, fixtures, **options):
        files = sorted(Path(fixtures).glob("*.json"))
        if not files:
            self.stdout.write(self.style.WARNING(f"No fixtures in {fixtures}: nothing loaded."))
            return
        with transaction.atomic(), DatasetVersie.in_een_keer():  # one new stamp at the end
            leeg_dataset()
            for path in files:
                try:
                    call_command("loaddata", str(path), verbosity=0)
                except Exception as exc:  # loaddata wraps every failure in its own types
                    raise CommandError(f"{path.name}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Loaded {len(files)} fixture files from {fixtures}."))
