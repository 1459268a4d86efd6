"""Admin for curators: read-mostly, behind login. The dataset is rebuilt by the importers,
so hand edits here are for inspection and emergencies, not the normal workflow."""

from django.contrib.gis import admin

from . import models


class DatasetAdmin(admin.ModelAdmin):
    """Read-mostly: the dataset is rebuilt by the importers, so curators inspect it here.

    Only superusers may correct a record in an emergency; nobody adds or deletes rows by hand
    (a new row would have no source, a deletion would be undone by the next build).
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class DatasetGISAdmin(DatasetAdmin, admin.GISModelAdmin):
    pass


@admin.register(models.Bron)
class BronAdmin(DatasetAdmin):
    list_display = ["code", "naam", "uitgever", "licentie", "peildatum"]
    search_fields = ["code", "naam", "uitgever"]


@admin.register(models.Peildatum)
class PeildatumAdmin(DatasetAdmin):
    list_display = ["code", "datum", "naam", "grensjaar"]


@admin.register(models.Provincie)
class ProvincieAdmin(DatasetAdmin):
    list_display = ["code", "naam"]


@admin.register(models.Gemeente)
class GemeenteAdmin(DatasetAdmin):
    list_display = ["cbs_code", "naam", "provincie", "geldig_van", "geldig_tot"]
    list_filter = ["provincie"]
    search_fields = ["cbs_code", "naam"]
    list_select_related = ["provincie"]


@admin.register(models.GemeenteGrens)
class GemeenteGrensAdmin(DatasetGISAdmin):
    list_display = ["gemeente", "jaar"]
    list_filter = ["jaar"]
    list_select_related = ["gemeente"]


@admin.register(models.ProvincieGrens)
class ProvincieGrensAdmin(DatasetGISAdmin):
    list_display = ["provincie", "jaar"]
    list_select_related = ["provincie"]


@admin.register(models.Herindeling)
class HerindelingAdmin(DatasetAdmin):
    list_display = ["datum", "voorganger", "opvolger", "soort", "deel"]
    list_filter = ["soort"]
    list_select_related = ["voorganger", "opvolger"]


@admin.register(models.Hoofdtaakveld)
class HoofdtaakveldAdmin(DatasetAdmin):
    list_display = ["code", "naam"]


@admin.register(models.Taakveld)
class TaakveldAdmin(DatasetAdmin):
    list_display = ["code", "naam", "hoofdtaakveld"]
    list_select_related = ["hoofdtaakveld"]


@admin.register(models.Rechtsvorm)
class RechtsvormAdmin(DatasetAdmin):
    list_display = ["code", "naam"]


@admin.register(models.Organisatie)
class OrganisatieAdmin(DatasetAdmin):
    list_display = ["naam", "soort", "land"]
    list_filter = ["soort", "land"]
    search_fields = ["naam", "slug"]


class VersieInline(admin.TabularInline):
    can_delete = False
    model = models.Versie
    fk_name = "samenwerking"
    fields = ["register_id", "titel", "in_werking", "buiten_werking"]
    extra = 0


class StandInline(admin.TabularInline):
    can_delete = False
    model = models.Stand
    fields = ["peildatum", "naam_in_bron", "grootte", "reikwijdte", "aantal_deelnemers"]
    extra = 0


@admin.register(models.Samenwerking)
class SamenwerkingAdmin(DatasetAdmin):
    list_display = ["naam", "afkorting", "soort", "rechtsvorm", "taakveld"]
    list_filter = ["soort", "rechtsvorm"]
    search_fields = ["naam", "afkorting", "slug"]
    list_select_related = ["rechtsvorm", "taakveld"]
    filter_horizontal = ["overige_taakvelden", "voorgangers"]
    inlines = [StandInline, VersieInline]


class DeelnameInline(admin.TabularInline):
    can_delete = False
    model = models.Deelname
    fields = ["gemeente", "organisatie", "rol", "rol_in_bron", "toegetreden_op", "naam_in_bron"]
    raw_id_fields = ["gemeente", "organisatie"]
    extra = 0


@admin.register(models.Stand)
class StandAdmin(DatasetAdmin):
    list_display = ["samenwerking", "peildatum", "grootte", "reikwijdte", "aantal_deelnemers"]
    list_filter = ["peildatum", "grootte", "reikwijdte"]
    list_select_related = ["samenwerking", "peildatum"]
    search_fields = ["samenwerking__naam", "naam_in_bron"]
    inlines = [DeelnameInline]
