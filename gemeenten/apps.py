from django.apps import AppConfig


class GemeentenConfig(AppConfig):
    name = "gemeenten"
    verbose_name = "Samenwerkingsatlas"

    def ready(self):
        # Every process, commands and shells included: a dataset write bumps the stamp.
        from .middleware import connect_dataset_version

        connect_dataset_version()
