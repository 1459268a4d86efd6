"""Build the map's precomputed layers (gemeenten/kaartlagen.py) for the current dataset.

Run after load_dataset: every snapshot × every area is built once and stored (Kaartlaag), so
no request builds one. A layer not built is built by the first request that needs it.
"""

from django.core.management.base import BaseCommand

from gemeenten.kaartlagen import bouw_alle
from gemeenten.models import Peildatum


class Command(BaseCommand):
    help = "Build and store the map layers (GeoJSON, both levels, every area) of the dataset."

    def handle(self, *args, **options):
        for peildatum, gebied, raw, gz in bouw_alle(Peildatum.objects.order_by("datum")):
            if options["verbosity"] >= 1:
                self.stdout.write(f"{peildatum} {gebied}: {raw} bytes, {gz} gzip")
