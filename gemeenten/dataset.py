"""The dataset as a whole: which models it consists of, in dependency order."""

from . import models

# Dependency order: a model comes after every model it refers to.
DATASET_MODELS = [
    models.Bron,
    models.Peildatum,
    models.Provincie,
    models.Gemeente,
    models.ProvincieGrens,
    models.GemeenteGrens,
    models.Herindeling,
    models.Hoofdtaakveld,
    models.Taakveld,
    models.Rechtsvorm,
    models.Organisatie,
    models.Samenwerking,
    models.Versie,
    models.Stand,
    models.Deelname,
]


def leeg_dataset():
    """Delete every dataset row (not users or sessions), dependants first."""
    for model in reversed(DATASET_MODELS):
        model._default_manager.all().delete()  # every row (boundaries: every level)
