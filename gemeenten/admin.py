"""Admin for curators: read-mostly, behind login. The dataset is rebuilt by the importers,
so hand edits here are for inspection and emergencies, not the normal workflow."""

from django.contrib.gis import admin

from . import models


@admin.register(models.Bron)
class BronAdmin(admin.ModelAdmin):
    list_display = ["code", "naam", "uitgever", "licentie", "peildatum"]
    search_fields = ["code", "naam", "uitgever"]


@admin.register(models.Peildatum)
class PeildatumAdmin(admin.ModelAdmin):
    list_display = ["code", "datum", "naam", "grensjaar"]


@admin.register(models.Provincie)
class ProvincieAdmin(admin.ModelAdmin):
    list_display = ["code", "naam"]


@admin.register(models.Gemeente)
class GemeenteAdmin(admin.ModelAdmin):
    list_display = ["cbs_code", "naam", "provincie", "geldig_van", "geldig_tot"]
    list_filter = ["provincie"]
    search_fields = ["cbs_code", "naam"]
    list_select_related = ["provincie"]


@admin.register(models.GemeenteGrens)
class GemeenteGrensAdmin(admin.GISModelAdmin):
    list_display = ["gemeente", "jaar"]
    list_filter = ["jaar"]
    list_select_related = ["gemeente"]


@admin.register(models.ProvincieGrens)
class ProvincieGrensAdmin(admin.GISModelAdmin):
    list_display = ["provincie", "jaar"]
    list_select_related = ["provincie"]


@admin.register(models.Herindeling)
class HerindelingAdmin(admin.ModelAdmin):
    list_display = ["datum", "voorganger", "opvolger", "soort", "deel"]
    list_filter = ["soort"]
    list_select_related = ["voorganger", "opvolger"]


@admin.register(models.Hoofdtaakveld)
class HoofdtaakveldAdmin(admin.ModelAdmin):
    list_display = ["code", "naam"]


@admin.register(models.Taakveld)
class TaakveldAdmin(admin.ModelAdmin):
    list_display = ["code", "naam", "hoofdtaakveld"]
    list_select_related = ["hoofdtaakveld"]


@admin.register(models.Rechtsvorm)
class RechtsvormAdmin(admin.ModelAdmin):
    list_display = ["code", "naam"]


@admin.register(models.Organisatie)
class OrganisatieAdmin(admin.ModelAdmin):
    list_display = ["naam", "soort", "land"]
    list_filter = ["soort", "land"]
    search_fields = ["naam", "slug"]


class VersieInline(admin.TabularInline):
    model = models.Versie
    fk_name = "samenwerking"
    fields = ["register_id", "titel", "in_werking", "buiten_werking"]
    extra = 0


class StandInline(admin.TabularInline):
    model = models.Stand
    fields = ["peildatum", "naam_in_bron", "schaal", "aantal_deelnemers"]
    extra = 0


@admin.register(models.Samenwerking)
class SamenwerkingAdmin(admin.ModelAdmin):
    list_display = ["naam", "afkorting", "soort", "rechtsvorm", "taakveld"]
    list_filter = ["soort", "rechtsvorm"]
    search_fields = ["naam", "afkorting", "slug"]
    list_select_related = ["rechtsvorm", "taakveld"]
    filter_horizontal = ["overige_taakvelden", "voorgangers"]
    inlines = [StandInline, VersieInline]


class DeelnameInline(admin.TabularInline):
    model = models.Deelname
    fields = ["gemeente", "organisatie", "rol", "toegetreden_op", "naam_in_bron"]
    raw_id_fields = ["gemeente", "organisatie"]
    extra = 0


@admin.register(models.Stand)
class StandAdmin(admin.ModelAdmin):
    list_display = ["samenwerking", "peildatum", "schaal", "aantal_deelnemers"]
    list_filter = ["peildatum", "schaal"]
    list_select_related = ["samenwerking", "peildatum"]
    search_fields = ["samenwerking__naam", "naam_in_bron"]
    inlines = [DeelnameInline]
