"""The data model of the atlas.

Domain nouns stay Dutch (Gemeente, Samenwerking, Deelname …): they are legal concepts that
English would blur. Every imported record has a natural key, so fixtures load the same on
SpatiaLite and PostGIS and importers can be idempotent, and a `bron` that says where it
comes from.
"""

import contextlib
import datetime
import threading
import uuid

from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import Count, F, Min, OuterRef, Prefetch, Q, Subquery, Sum
from django.utils import timezone
from django.utils.functional import cached_property

from . import zoeken
from .paden import pad


class NaturalKeyManager(models.Manager):
    """Looks records up by the fields named in the model's `natural_key_fields`."""

    def get_by_natural_key(self, *values):
        return self.get(**dict(zip(self.model.natural_key_fields, values, strict=True)))


class Bron(models.Model):
    """A source a fact comes from: publisher, file or URL, licence and reference date.

    Every imported record points to one, so every fact on the site can say where it is from.
    """

    code = models.SlugField(max_length=60, unique=True)
    naam = models.CharField(max_length=200)
    uitgever = models.CharField(max_length=200)
    url = models.URLField(max_length=500, blank=True)
    bestand = models.CharField(
        max_length=200, blank=True, help_text="Path inside the raw data folder."
    )
    licentie = models.CharField(max_length=100)
    peildatum = models.DateField(help_text="The date the source describes (or was retrieved).")
    opgehaald = models.DateField(
        null=True, blank=True, help_text="The day the source was retrieved; empty: not known."
    )
    toelichting = models.TextField(blank=True)

    natural_key_fields = ("code",)
    objects = NaturalKeyManager()

    class Meta:
        verbose_name = "bron"
        verbose_name_plural = "bronnen"
        ordering = ["code"]

    def __str__(self):
        return self.naam

    def natural_key(self):
        return (self.code,)


class PeildatumQuerySet(models.QuerySet):
    def laatste(self):
        return self.order_by("-datum").first()


class Peildatum(models.Model):
    """A snapshot: the dataset describes who takes part in what at these dates only.

    Sources do not give a continuous history, so "who takes part in what" is always asked at
    one of these (2016: OpenGR and Regioatlas; 2026: the GR register).
    """

    code = models.CharField(max_length=10, unique=True, help_text="As used in URLs, e.g. 2016.")
    datum = models.DateField(unique=True)
    naam = models.CharField(max_length=100)
    grensjaar = models.PositiveSmallIntegerField(
        help_text="Which boundary division the map of this snapshot uses."
    )
    overzichtjaar = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Which national generalised division (GemeenteGrens niveau 'overzicht') "
        "stands for this snapshot; empty: none.",
    )

    natural_key_fields = ("code",)
    objects = NaturalKeyManager.from_queryset(PeildatumQuerySet)()

    class Meta:
        verbose_name = "peildatum"
        verbose_name_plural = "peildata"
        ordering = ["datum"]

    def __str__(self):
        return self.naam

    def natural_key(self):
        return (self.code,)

    def gemeenten(self):
        return Gemeente.objects.op(self.datum)


class Provincie(models.Model):
    code = models.CharField(max_length=4, unique=True, help_text="CBS code, e.g. PV20.")
    naam = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)

    natural_key_fields = ("code",)
    objects = NaturalKeyManager()

    class Meta:
        verbose_name = "provincie"
        verbose_name_plural = "provincies"
        ordering = ["naam"]

    def __str__(self):
        return self.naam

    def natural_key(self):
        return (self.code,)


class GemeenteQuerySet(models.QuerySet):
    def op(self, datum):
        """The municipalities that existed on `datum`."""
        return self.filter(
            Q(geldig_van__isnull=True) | Q(geldig_van__lte=datum),
            Q(geldig_tot__isnull=True) | Q(geldig_tot__gte=datum),
        )

    def huidig(self):
        return self.op(datetime.date.today())

    def voormalig(self):
        return self.filter(geldig_tot__lt=datetime.date.today())


class Gemeente(models.Model):
    """A municipality as CBS knows it: one CBS code, valid from/to a date.

    A rename or a merger under a new name gives a new code, so a former municipality is a
    record of its own, linked to its successors through `Herindeling`.
    """

    cbs_code = models.CharField(max_length=6, unique=True, help_text="E.g. GM0014.")
    naam = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    provincie = models.ForeignKey(Provincie, on_delete=models.PROTECT, related_name="gemeenten")
    geldig_van = models.DateField(null=True, blank=True, help_text="Empty: before 2009-01-01.")
    geldig_tot = models.DateField(null=True, blank=True, help_text="Last day; empty: still exists.")
    bron = models.ForeignKey(Bron, on_delete=models.PROTECT, related_name="+")
    # Facts from the Register van Overheidsorganisaties (gemeenten.importers.roo).
    tooi = models.CharField(
        max_length=200, blank=True, help_text="TOOI URI, e.g. …/tooi/id/gemeente/gm0014."
    )
    roo_id = models.CharField(max_length=20, blank=True, help_text="Id in the register.")
    roo_url = models.URLField(max_length=500, blank=True, help_text="Its page in the register.")
    roo_opgehaald = models.DateField(
        null=True, blank=True, help_text="When that page was retrieved (the record's own date)."
    )
    inwoners = models.PositiveIntegerField(
        null=True, blank=True, help_text="As the register states it; it gives no reference date."
    )
    website = models.URLField(max_length=500, blank=True)
    grondgebied_sinds = models.DateField(
        null=True,
        blank=True,
        help_text="Start of the territory the register's figure describes: the last boundary "
        "change (Herindeling) it went through; empty: unchanged since 2009.",
    )
    roo_bron = models.ForeignKey(
        Bron,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Source of inhabitants and website.",
    )
    zoektekst = models.TextField(
        blank=True,
        editable=False,
        help_text="Every name it is known by, normalised (gemeenten.zoeken): its own, its CBS "
        "code, the names sources give it and those of the municipalities wholly merged into it.",
    )

    natural_key_fields = ("cbs_code",)
    objects = NaturalKeyManager.from_queryset(GemeenteQuerySet)()

    class Meta:
        verbose_name = "gemeente"
        verbose_name_plural = "gemeenten"
        ordering = ["naam"]

    def __str__(self):
        return self.naam

    def natural_key(self):
        return (self.cbs_code,)

    def save(self, *args, **kwargs):
        # Own names join the names the import stored (an old spelling stays findable).
        self.zoektekst = zoeken.zoektekst(
            self.naam, self.cbs_code, *zoeken.namen_in(self.zoektekst)
        )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return pad("gemeenten:gemeente", self.slug)

    def bestaat_op(self, datum):
        return (self.geldig_van is None or self.geldig_van <= datum) and (
            self.geldig_tot is None or self.geldig_tot >= datum
        )

    def opvolger_op(self, datum, stappen=None):
        """The municipality this one went into, existing on `datum`, or None.

        Only through `Herindeling`: each step must hand over the whole municipality (a
        merger or a rename); a split or an unknown step gives None, never a guess.
        `stappen` ({voorganger_id: [Herindeling]}) saves the queries in a loop.
        """
        gemeente = self
        for _ in range(20):
            if gemeente.bestaat_op(datum):
                return gemeente
            if stappen is None:
                volgende = list(gemeente.naar.select_related("voorganger", "opvolger"))
            else:
                volgende = stappen.get(gemeente.pk, [])
            opheffing = [s for s in volgende if s.heft_voorganger_op and s.datum <= datum]
            if len(opheffing) != 1 or opheffing[0].deel != Herindeling.Deel.GEHEEL:
                return None
            gemeente = opheffing[0].opvolger
        return None

    def inwoners_op(self, datum):
        """The register's figure, if it describes the municipality as it was on `datum`: it
        existed then and its territory has not changed since (see `inwoners_geldig`)."""
        if self.inwoners is None or not self.bestaat_op(datum):
            return None
        if self.grondgebied_sinds is not None and self.grondgebied_sinds > datum:
            return None
        return self.inwoners


def inwoners_geldig(datum, prefix=""):
    """Q: the municipality (at `prefix`) has a register figure that holds on `datum`.

    The register gives one figure per municipality, for its territory at retrieval (a former
    one: its last). It holds on a date when the municipality existed then with that same
    territory; Groningen's figure includes Haren and Ten Boer (2019), so not for 2016.
    """
    return (
        Q(**{f"{prefix}inwoners__isnull": False})
        & (Q(**{f"{prefix}geldig_van__isnull": True}) | Q(**{f"{prefix}geldig_van__lte": datum}))
        & (Q(**{f"{prefix}geldig_tot__isnull": True}) | Q(**{f"{prefix}geldig_tot__gte": datum}))
        & (
            Q(**{f"{prefix}grondgebied_sinds__isnull": True})
            | Q(**{f"{prefix}grondgebied_sinds__lte": datum})
        )
    )


def rangschik_partners(telling):
    """[(gemeente, number shared)] from {Gemeente: number}: most shared first, then by name.

    One ranking for the profile's partners and the map's "met wie" view.
    """
    return sorted(telling.items(), key=lambda item: (-item[1], item[0].naam))


class Niveau(models.TextChoices):
    """Level of detail of a boundary: the northern detailed layers, or the national overview
    (the generalised CBS layers of the whole country, 2016 and 2025)."""

    DETAIL = "detail", "gedetailleerd (noorden)"
    OVERZICHT = "overzicht", "overzicht (heel Nederland, gegeneraliseerd)"


class Grens(models.Model):
    """A boundary in one division year and level of detail: the full geometry and a
    simplified copy for the map."""

    jaar = models.PositiveSmallIntegerField()
    niveau = models.CharField(
        max_length=10,
        choices=Niveau.choices,
        default=Niveau.DETAIL,
        help_text="detail: the northern detailed layers (as before the national import); "
        "overzicht: the national generalised layers.",
    )
    geometrie = models.MultiPolygonField(srid=4326)
    kaartgeometrie = models.MultiPolygonField(
        srid=4326, help_text="Simplified in metres (EPSG:28992) for the web map."
    )
    bron = models.ForeignKey(Bron, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class DetailManager(NaturalKeyManager):
    """Only the detailed level: `objects` of the boundary models, so every query written
    before the national overview level existed keeps its meaning. `alle` has every level."""

    def get_queryset(self):
        return super().get_queryset().filter(niveau=Niveau.DETAIL)


class GemeenteGrensQuerySet(models.QuerySet):
    def voor_kaart(self, peildatum, precisie=5, niveau=Niveau.DETAIL):
        """The simplified boundaries of a snapshot's municipalities, as GeoJSON text in
        `kaart_json` (the full geometry is not read). `niveau` overzicht: the national
        generalised layer of the snapshot (`Peildatum.overzichtjaar`); call it on
        `GemeenteGrens.alle`."""
        jaar = peildatum.grensjaar if niveau == Niveau.DETAIL else peildatum.overzichtjaar
        return (
            self.filter(niveau=niveau, jaar=jaar, gemeente__in=Gemeente.objects.op(peildatum.datum))
            .select_related("gemeente__provincie")
            .defer("geometrie", "kaartgeometrie")
            .annotate(kaart_json=AsGeoJSON("kaartgeometrie", precision=precisie))
            .order_by("gemeente__naam")
        )


class GemeenteGrens(Grens):
    gemeente = models.ForeignKey(Gemeente, on_delete=models.CASCADE, related_name="grenzen")

    natural_key_fields = ("gemeente__cbs_code", "jaar", "niveau")
    # The first manager is the default one (fixtures, related managers, admin): every level.
    alle = NaturalKeyManager.from_queryset(GemeenteGrensQuerySet)()
    objects = DetailManager.from_queryset(GemeenteGrensQuerySet)()

    class Meta:
        verbose_name = "gemeentegrens"
        verbose_name_plural = "gemeentegrenzen"
        ordering = ["jaar", "niveau", "gemeente__cbs_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["gemeente", "jaar", "niveau"], name="gemeentegrens_uniek_per_jaar"
            )
        ]

    def __str__(self):
        return f"{self.gemeente} ({self.jaar}, {self.niveau})"

    def natural_key(self):
        return (self.gemeente.cbs_code, self.jaar, self.niveau)

    natural_key.dependencies = ["gemeenten.gemeente"]


class ProvincieGrens(Grens):
    provincie = models.ForeignKey(Provincie, on_delete=models.CASCADE, related_name="grenzen")

    natural_key_fields = ("provincie__code", "jaar", "niveau")
    alle = NaturalKeyManager()
    objects = DetailManager()

    class Meta:
        verbose_name = "provinciegrens"
        verbose_name_plural = "provinciegrenzen"
        ordering = ["jaar", "niveau", "provincie__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["provincie", "jaar", "niveau"], name="provinciegrens_uniek_per_jaar"
            )
        ]

    def __str__(self):
        return f"{self.provincie} ({self.jaar}, {self.niveau})"

    def natural_key(self):
        return (self.provincie.code, self.jaar, self.niveau)

    natural_key.dependencies = ["gemeenten.provincie"]


class Herindeling(models.Model):
    """One predecessor → successor step of a municipal reorganisation (CBS).

    A merger of three municipalities is three rows; a split is one row per successor.
    """

    class Soort(models.TextChoices):
        FUSIE = "fusie", "samenvoeging"
        SPLITSING = "splitsing", "opsplitsing"
        GRENSCORRECTIE = "grenscorrectie", "grenscorrectie (deel overgedragen)"
        NAAMSWIJZIGING = "naamswijziging", "naamswijziging"

    class Deel(models.TextChoices):
        GEHEEL = "geheel", "geheel"
        DEEL = "deel", "deel"

    datum = models.DateField(help_text="The day the change took effect.")
    voorganger = models.ForeignKey(Gemeente, on_delete=models.CASCADE, related_name="naar")
    opvolger = models.ForeignKey(Gemeente, on_delete=models.CASCADE, related_name="van")
    soort = models.CharField(max_length=20, choices=Soort.choices)
    deel = models.CharField(max_length=10, choices=Deel.choices)
    bron = models.ForeignKey(Bron, on_delete=models.PROTECT, related_name="+")
    bron_url = models.URLField(max_length=500, blank=True)

    natural_key_fields = ("datum", "voorganger__cbs_code", "opvolger__cbs_code")
    objects = NaturalKeyManager()

    class Meta:
        verbose_name = "herindeling"
        verbose_name_plural = "herindelingen"
        ordering = ["datum", "opvolger__naam", "voorganger__naam"]
        constraints = [
            models.UniqueConstraint(
                fields=["datum", "voorganger", "opvolger"], name="herindeling_uniek"
            )
        ]

    def __str__(self):
        return f"{self.datum}: {self.voorganger} → {self.opvolger} ({self.get_soort_display()})"

    def natural_key(self):
        return (self.datum.isoformat(), self.voorganger.cbs_code, self.opvolger.cbs_code)

    @property
    def heft_voorganger_op(self):
        """Whether the predecessor ceased to exist with this step (its last day was the day
        before). A grenscorrectie the predecessor outlived (Meerstad, Slochteren → Groningen
        on 2017-01-01) is not its end: Slochteren went into Midden-Groningen on 2018-01-01."""
        tot = self.voorganger.geldig_tot
        return tot is not None and self.datum == tot + datetime.timedelta(days=1)

    natural_key.dependencies = ["gemeenten.gemeente"]


class Hoofdtaakveld(models.Model):
    """The ten BBV main task fields (0 Bestuur en ondersteuning … 8 Volkshuisvesting)."""

    code = models.CharField(max_length=4, unique=True)
    naam = models.CharField(max_length=200)

    natural_key_fields = ("code",)
    objects = NaturalKeyManager()

    class Meta:
        verbose_name = "hoofdtaakveld"
        verbose_name_plural = "hoofdtaakvelden"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.naam}"

    def natural_key(self):
        return (self.code,)


class Taakveld(models.Model):
    """A BBV taakveld: the budget classification every council reads its budget in."""

    code = models.CharField(max_length=8, unique=True, help_text="E.g. 7.1 or 0.10.")
    naam = models.CharField(max_length=200)
    hoofdtaakveld = models.ForeignKey(
        Hoofdtaakveld, on_delete=models.PROTECT, related_name="taakvelden"
    )
    volgorde = models.PositiveIntegerField(help_text="Sort key: 0.9 comes before 0.10.")
    bron = models.ForeignKey(Bron, on_delete=models.PROTECT, related_name="+")

    natural_key_fields = ("code",)
    objects = NaturalKeyManager()

    class Meta:
        verbose_name = "taakveld"
        verbose_name_plural = "taakvelden"
        ordering = ["volgorde"]

    def __str__(self):
        return f"{self.code} {self.naam}"

    def natural_key(self):
        return (self.code,)


class Rechtsvorm(models.Model):
    """A legal form of a gemeenschappelijke regeling under art. 8 Wgr (or a centrumregeling).

    An arrangement whose form no source states has none: unknown stays unknown.
    """

    code = models.SlugField(max_length=40, unique=True)
    naam = models.CharField(max_length=100)
    definitie = models.TextField()
    bron = models.ForeignKey(Bron, on_delete=models.PROTECT, related_name="+")

    natural_key_fields = ("code",)
    objects = NaturalKeyManager()

    class Meta:
        verbose_name = "rechtsvorm"
        verbose_name_plural = "rechtsvormen"
        ordering = ["naam"]

    def __str__(self):
        return self.naam

    def natural_key(self):
        return (self.code,)


class Organisatie(models.Model):
    """A participant that is not one of the northern municipalities.

    Provinces, water boards, the state, German municipalities, other GRs, and Dutch
    municipalities outside Groningen, Fryslân and Drenthe.
    """

    class Soort(models.TextChoices):
        PROVINCIE = "provincie", "provincie"
        WATERSCHAP = "waterschap", "waterschap"
        RIJK = "rijk", "Rijk"
        GEMEENTE = "gemeente", "gemeente buiten Noord-Nederland"
        BUITENLANDS = "buitenlands", "buitenlandse overheid"
        GEMEENSCHAPPELIJKE_REGELING = "gemeenschappelijke_regeling", "gemeenschappelijke regeling"
        OVERIG = "overig", "overig"

    slug = models.SlugField(max_length=120, unique=True)
    naam = models.CharField(max_length=200)
    soort = models.CharField(max_length=30, choices=Soort.choices)
    land = models.CharField(max_length=2, default="NL", help_text="ISO 3166 code.")
    provincie_code = models.CharField(
        max_length=4, blank=True, help_text="For Dutch municipalities and provinces: PVxx."
    )
    identificatie = models.CharField(
        max_length=200, blank=True, help_text="TOOI URI or other identifier from the source."
    )
    bron = models.ForeignKey(Bron, on_delete=models.PROTECT, related_name="+")
    zoektekst = models.TextField(
        blank=True,
        editable=False,
        help_text="Its name and the names sources give it, normalised (gemeenten.zoeken).",
    )

    natural_key_fields = ("slug",)
    objects = NaturalKeyManager()

    class Meta:
        verbose_name = "organisatie"
        verbose_name_plural = "organisaties"
        ordering = ["naam"]

    def __str__(self):
        return self.naam

    def natural_key(self):
        return (self.slug,)

    def save(self, *args, **kwargs):
        self.zoektekst = zoeken.zoektekst(self.naam, *zoeken.namen_in(self.zoektekst))
        super().save(*args, **kwargs)


class Soort(models.TextChoices):
    GEMEENSCHAPPELIJKE_REGELING = "gemeenschappelijke_regeling", "gemeenschappelijke regeling"
    CENTRUMREGELING = "centrumregeling", "centrumregeling"
    WERKORGANISATIE = "werkorganisatie", "werkorganisatie"
    REGIO_INDELING = "regio_indeling", "regio-indeling"
    PRIVAATRECHTELIJK = "privaatrechtelijk", "privaatrechtelijke rechtspersoon"
    OVERIG = "overig", "overig"


class Aard(models.TextChoices):
    """Whether an arrangement is a collaboration of municipalities (and counts as one), or a
    division of the country by the state or for statistics, which municipalities fall in
    without deciding anything together. Only regional divisions can be the latter; the basis
    of each choice is in fixtures/curation/indelingen.csv."""

    SAMENWERKING = "samenwerking", "samenwerking van gemeenten"
    INDELING = "indeling", "indeling van Rijk of statistiek"


class Grootte(models.TextChoices):
    """How many municipalities take part at a peildatum (see gemeenten.schaal): Dutch
    municipalities only, so one municipality with a ministry or a province is not
    bilateral. Derived at import, never typed in."""

    EEN = "een", "1 gemeente"
    TWEE = "twee", "2 gemeenten (bilateraal)"
    DRIE_TOT_VIJF = "drie-tot-vijf", "3–5 gemeenten"
    ZES_OF_MEER = "zes-of-meer", "6 of meer gemeenten"


class Reikwijdte(models.TextChoices):
    """Where the participants are at a peildatum (see gemeenten.schaal): a foreign
    participant outranks several provinces, which outranks the whole province. Derived at
    import, never typed in."""

    BINNEN_PROVINCIE = "binnen-provincie", "binnen één provincie"
    PROVINCIEBREED = "provinciebreed", "de hele provincie"
    BOVENPROVINCIAAL = "bovenprovinciaal", "meer provincies"
    GRENSOVERSCHRIJDEND = "grensoverschrijdend", "over de landsgrens"


class Schaal(models.TextChoices):
    """The scale before it was split into size and reach: only for the old `schaal`
    parameter of permalinks, which still selects what it did (see gemeenten.schaal)."""

    BILATERAAL = "bilateraal", "bilateraal (2)"
    SUBREGIONAAL = "subregionaal", "subregionaal (3–5)"
    REGIONAAL = "regionaal", "regionaal (6+)"
    PROVINCIEBREED = "provinciebreed", "provinciebreed"
    BOVENPROVINCIAAL = "bovenprovinciaal", "bovenprovinciaal"
    GRENSOVERSCHRIJDEND = "grensoverschrijdend", "grensoverschrijdend"


class SamenwerkingQuerySet(models.QuerySet):
    def op(self, peildatum):
        """Arrangements that exist in the snapshot `peildatum`."""
        return self.filter(standen__peildatum=peildatum)

    def samenwerkingen(self):
        """What "samenwerkingen per gemeente" counts: GRs, centrumregelingen, werkorganisaties
        and the regional divisions that are a collaboration of municipalities."""
        return self.filter(aard=Aard.SAMENWERKING)

    def indelingen(self):
        """State and statistical divisions: shown apart, never counted as collaborations."""
        return self.filter(aard=Aard.INDELING)

    def met_gemeente(self, gemeente, peildatum):
        return self.filter(
            standen__peildatum=peildatum, standen__deelnames__gemeente=gemeente
        ).distinct()

    def voor_lijst(self):
        return self.select_related("rechtsvorm", "taakveld__hoofdtaakveld")

    def voor_kaart(self, peildatum):
        """Arrangements of the snapshot with their theme, and in `kaart_standen` (a list of
        one) their snapshot with its participating municipalities (`kaart_deelnames`, a
        list). Three queries."""
        # Only the columns the map reads (serialisers.als_kaart): a national snapshot has
        # 6,000 participations, and a full instance of each and of its municipality was a
        # fifth of the page.
        deelnames = (
            Deelname.objects.filter(gemeente__isnull=False)
            .select_related("gemeente")
            .only("stand", "gemeente__cbs_code", "gemeente__naam")
        )
        standen = (
            Stand.objects.filter(peildatum=peildatum)
            .only("samenwerking", "titel", "grootte", "reikwijdte")
            .prefetch_related(
                Prefetch("deelnames", queryset=deelnames.order_by(), to_attr="kaart_deelnames")
            )
        )
        return (
            self.op(peildatum)
            .select_related("taakveld__hoofdtaakveld")
            .prefetch_related(Prefetch("standen", queryset=standen, to_attr="kaart_standen"))
            .order_by("naam", "slug")
        )

    def in_stand(self, peildatum, **stand_filters):
        """Arrangements with a snapshot at `peildatum` matching `stand_filters`.

        A subquery rather than a join, so the result never repeats an arrangement.
        """
        standen = Stand.objects.filter(peildatum=peildatum, **stand_filters)
        return self.filter(pk__in=standen.values("samenwerking_id"))

    def met_stand(self, peildatum):
        """Arrangements in the snapshot, annotated with what the snapshot says of them:
        `stand_grootte`, `stand_reikwijdte`, `stand_aantal` (number of participants), and the
        title and legal form
        on that date (`stand_titel`, `stand_rechtsvorm`: the register version in force)."""
        stand = Stand.objects.filter(samenwerking=OuterRef("pk"), peildatum=peildatum)
        return self.in_stand(peildatum).annotate(
            stand_grootte=Subquery(stand.values("grootte")[:1]),
            stand_reikwijdte=Subquery(stand.values("reikwijdte")[:1]),
            stand_aantal=Subquery(stand.values("aantal_deelnemers")[:1]),
            stand_titel=Subquery(stand.values("titel")[:1]),
            stand_rechtsvorm=Subquery(stand.values("rechtsvorm__naam")[:1]),
        )

    def voor_export(self, peildatum):
        """What a row of the CSV and the JSON API needs, in five queries whatever the size:
        the rows, their secondary themes, their snapshot (with its source), its
        participants (`export_deelnames`: a list, which spares Django a queryset per
        snapshot) and their municipalities (one instance per municipality, by prefetch), as
        `standen_op_peildatum` (a list of one)."""
        deelnames = Deelname.objects.select_related("organisatie").prefetch_related("gemeente")
        return (
            self.met_stand(peildatum)
            .select_related("rechtsvorm", "taakveld__hoofdtaakveld", "bron")
            .prefetch_related(
                "overige_taakvelden",
                Prefetch(
                    "standen",
                    queryset=Stand.objects.filter(peildatum=peildatum)
                    .select_related("bron", "rechtsvorm", "versie")
                    .prefetch_related(
                        Prefetch("deelnames", queryset=deelnames, to_attr="export_deelnames")
                    ),
                    to_attr="standen_op_peildatum",
                ),
            )
        )


class Samenwerking(models.Model):
    """An arrangement between municipalities: a GR, centrumregeling, werkorganisatie or a
    regional division.

    One record however many register versions or source names it has had; what it looked
    like at a peildatum (participants, scale) is in `Stand`.
    """

    slug = models.SlugField(max_length=150, unique=True)
    naam = models.CharField(max_length=300)
    weergavenaam = models.CharField(
        max_length=300,
        blank=True,
        help_text="Short name shown above the official one; empty: the official name "
        "(rule: fixtures/curation/weergavenamen.csv).",
    )
    sorteernaam = models.CharField(
        max_length=300,
        blank=True,
        editable=False,
        help_text="Sort key: the display name, normalised (no case, accents or prefix).",
    )
    zoektekst = models.TextField(
        blank=True,
        editable=False,
        help_text="Every name it is known by, normalised (gemeenten.zoeken): official, display, "
        "abbreviation, the names in sources and the titles of its register versions.",
    )
    afkorting = models.CharField(max_length=50, blank=True)
    soort = models.CharField(max_length=30, choices=Soort.choices)
    soort_basis = models.CharField(
        max_length=300,
        help_text="Why this kind: the register's legal form, its name or purpose text, or a "
        "curation row (fixtures/curation/soorten.csv, samenwerkingen.csv, indelingen.csv).",
    )
    rechtsvorm = models.ForeignKey(
        Rechtsvorm, null=True, blank=True, on_delete=models.PROTECT, related_name="samenwerkingen"
    )
    doel = models.TextField(blank=True)
    taakveld = models.ForeignKey(
        Taakveld,
        on_delete=models.PROTECT,
        related_name="samenwerkingen",
        help_text="Primary theme.",
    )
    taakveld_basis = models.CharField(
        max_length=200, help_text="Why this taakveld: policy area, name, purpose text, manual."
    )
    overige_taakvelden = models.ManyToManyField(
        Taakveld, blank=True, related_name="samenwerkingen_secundair"
    )
    aard = models.CharField(
        max_length=20,
        choices=Aard.choices,
        default=Aard.SAMENWERKING,
        help_text="Collaboration of municipalities (counted) or state/statistical division.",
    )
    aard_basis = models.CharField(
        max_length=300,
        blank=True,
        help_text="For a regional division: why it is (not) a collaboration "
        "(fixtures/curation/indelingen.csv).",
    )
    bevoegdheden = models.JSONField(
        default=list, blank=True, help_text="Bevoegdheidsverkrijgingen: delegatie, mandaat …"
    )
    start = models.DateField(null=True, blank=True)
    eind = models.DateField(null=True, blank=True)
    zetel = models.CharField(max_length=200, blank=True)
    adres = models.CharField(max_length=300, blank=True)
    website = models.URLField(max_length=500, blank=True)
    register_id = models.CharField(
        max_length=40, blank=True, help_text="Id (roo_id) of the current register version."
    )
    cbs_gr_code = models.CharField(max_length=10, blank=True, help_text="E.g. GR0316.")
    documenten = models.JSONField(default=list, blank=True, help_text="Founding texts (URLs).")
    voorgangers = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="opvolgers"
    )
    bron = models.ForeignKey(Bron, on_delete=models.PROTECT, related_name="+")

    natural_key_fields = ("slug",)
    objects = NaturalKeyManager.from_queryset(SamenwerkingQuerySet)()

    class Meta:
        verbose_name = "samenwerking"
        verbose_name_plural = "samenwerkingen"
        ordering = ["sorteernaam", "naam"]

    def __str__(self):
        return self.naam

    def natural_key(self):
        return (self.slug,)

    def save(self, *args, **kwargs):
        self.sorteernaam = zoeken.sorteernaam(self.korte_naam)
        self.zoektekst = zoeken.zoektekst(
            self.naam, self.weergavenaam, self.afkorting, *zoeken.namen_in(self.zoektekst)
        )
        super().save(*args, **kwargs)

    @property
    def korte_naam(self):
        """The name shown first; the official name goes beneath it when they differ."""
        return self.weergavenaam or self.naam

    @property
    def officiele_naam_apart(self):
        return bool(self.weergavenaam) and self.weergavenaam != self.naam

    def get_absolute_url(self):
        return pad("gemeenten:samenwerking", self.slug)


class Versie(models.Model):
    """One version of an arrangement in the GR register (each amendment is a new record)."""

    samenwerking = models.ForeignKey(Samenwerking, on_delete=models.CASCADE, related_name="versies")
    register_id = models.CharField(max_length=40, unique=True, help_text="roo_id in the register.")
    titel = models.CharField(max_length=300)
    in_werking = models.DateField(null=True, blank=True)
    buiten_werking = models.DateField(null=True, blank=True)
    url = models.URLField(max_length=500, blank=True)
    documenten = models.JSONField(
        default=list, blank=True, help_text="This version's instellingsbesluiten (CVDR URLs)."
    )
    doel = models.TextField(blank=True)
    rechtsvorm = models.ForeignKey(
        Rechtsvorm, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    zetel = models.CharField(max_length=200, blank=True)
    vorige = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="volgende"
    )
    bron = models.ForeignKey(Bron, on_delete=models.PROTECT, related_name="+")

    natural_key_fields = ("register_id",)
    objects = NaturalKeyManager()

    class Meta:
        verbose_name = "versie"
        verbose_name_plural = "versies"
        ordering = ["samenwerking", "in_werking", "register_id"]

    def __str__(self):
        return self.titel

    def natural_key(self):
        return (self.register_id,)

    def in_werking_op(self, datum):
        """In force on `datum`: from its first day up to (not including) its end."""
        return (
            self.in_werking is not None
            and self.in_werking <= datum
            and (self.buiten_werking is None or self.buiten_werking > datum)
        )


class StandQuerySet(models.QuerySet):
    def op(self, peildatum):
        return self.filter(peildatum=peildatum)


class Stand(models.Model):
    """An arrangement as a source describes it at one peildatum: its size, reach and participants.

    The 2016 and 2026 sources are different lists; keeping each observation separate keeps
    every participation traceable to the source that states it.
    """

    samenwerking = models.ForeignKey(Samenwerking, on_delete=models.CASCADE, related_name="standen")
    peildatum = models.ForeignKey(Peildatum, on_delete=models.PROTECT, related_name="standen")
    naam_in_bron = models.CharField(max_length=300, help_text="The name as the source gives it.")
    versie = models.ForeignKey(
        Versie,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="standen",
        help_text="The register version in force on the peildatum, where the register has one.",
    )
    titel = models.CharField(
        max_length=300,
        blank=True,
        help_text="Title on the peildatum: the version's, else the source's.",
    )
    doel = models.TextField(blank=True, help_text="Purpose on the peildatum (the version's).")
    rechtsvorm = models.ForeignKey(
        Rechtsvorm, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    zetel = models.CharField(max_length=200, blank=True)
    grootte = models.CharField(
        max_length=20, choices=Grootte.choices, blank=True, help_text="Municipalities taking part."
    )
    reikwijdte = models.CharField(
        max_length=20,
        choices=Reikwijdte.choices,
        blank=True,
        help_text="Where the participants are: one province, all of it, several, abroad.",
    )
    aantal_gemeenten = models.PositiveIntegerField(
        default=0, help_text="Dutch municipalities among the participants (gives the size)."
    )
    aantal_deelnemers = models.PositiveIntegerField(default=0)
    bron = models.ForeignKey(Bron, on_delete=models.PROTECT, related_name="+")
    bron_bestand = models.CharField(
        max_length=200, blank=True, help_text="The file of the source the snapshot came from."
    )
    bron_regels = models.TextField(
        blank=True,
        help_text="Where in that file: its lines (regels 12–14, 20) or its record (a region code).",
    )

    natural_key_fields = ("samenwerking__slug", "peildatum__code")
    objects = NaturalKeyManager.from_queryset(StandQuerySet)()

    class Meta:
        verbose_name = "stand"
        verbose_name_plural = "standen"
        ordering = ["samenwerking__naam", "peildatum__datum"]
        constraints = [
            models.UniqueConstraint(fields=["samenwerking", "peildatum"], name="stand_uniek")
        ]

    def __str__(self):
        return f"{self.samenwerking} ({self.peildatum.code})"

    def natural_key(self):
        return (self.samenwerking.slug, self.peildatum.code)

    natural_key.dependencies = ["gemeenten.samenwerking", "gemeenten.peildatum", "gemeenten.versie"]

    @cached_property
    def inwoners_samen(self):
        """Inhabitants of its participating municipalities together on its peildatum (see
        DeelnameQuerySet.inwoners_samen); one query, once per object."""
        return self.deelnames.all().inwoners_samen(self.peildatum.datum)


class DeelnameQuerySet(models.QuerySet):
    def get_by_natural_key(self, samenwerking_slug, peildatum_code, cbs_code, organisatie_slug):
        return self.get(
            stand__samenwerking__slug=samenwerking_slug,
            stand__peildatum__code=peildatum_code,
            gemeente__cbs_code=cbs_code or None,
            organisatie__slug=organisatie_slug or None,
        )

    def op(self, peildatum):
        return self.filter(stand__peildatum=peildatum)

    def van_gemeente(self, gemeente, peildatum):
        return (
            self.filter(gemeente=gemeente, stand__peildatum=peildatum)
            .select_related(
                "stand__samenwerking__rechtsvorm",
                "stand__samenwerking__taakveld__hoofdtaakveld",
                "stand__rechtsvorm",
                "stand__versie",
                "bron",
            )
            .order_by("stand__samenwerking__taakveld__volgorde", "stand__samenwerking__naam")
        )

    def samenwerkingen(self):
        """Participations in collaborations (see SamenwerkingQuerySet.samenwerkingen)."""
        return self.filter(stand__samenwerking__aard=Aard.SAMENWERKING)

    def indelingen(self):
        """Participations in state and statistical divisions (never counted)."""
        return self.filter(stand__samenwerking__aard=Aard.INDELING)

    def inwoners_samen(self, datum):
        """The participating municipalities' inhabitants together, in one query:
        {"totaal": sum of the figures that hold on `datum` (None if none does), "bekend": how
        many municipalities have such a figure, "aantal": how many take part, and the
        figures' source: "bron_naam", "bron_url", "bron_opgehaald"}."""
        geldig = inwoners_geldig(datum, "gemeente__")
        return self.filter(gemeente__isnull=False).aggregate(
            aantal=Count("gemeente", distinct=True),
            bekend=Count("gemeente", distinct=True, filter=geldig),
            totaal=Sum("gemeente__inwoners", filter=geldig),
            # The figures' source (one: the register), in the same query.
            bron_naam=Min("gemeente__roo_bron__naam", filter=geldig),
            bron_url=Min("gemeente__roo_bron__url", filter=geldig),
            bron_opgehaald=Min("gemeente__roo_bron__peildatum", filter=geldig),
        )

    def aantallen_per_gemeente(self, peildatum):
        """{gemeente_id: number of arrangements} at a peildatum."""
        rows = (
            self.filter(stand__peildatum=peildatum, gemeente__isnull=False)
            .values("gemeente")
            .annotate(n=Count("stand__samenwerking", distinct=True))
        )
        return {row["gemeente"]: row["n"] for row in rows}


class Deelname(models.Model):
    """A participant in an arrangement at a peildatum: a northern municipality or another
    organisation, with its role and dates where the source gives them."""

    class Rol(models.TextChoices):
        DEELNEMER = "deelnemer", "deelnemer"
        CENTRUMGEMEENTE = "centrumgemeente", "centrumgemeente"
        BRONHOUDER = "bronhouder", "bronhouder"

    stand = models.ForeignKey(Stand, on_delete=models.CASCADE, related_name="deelnames")
    gemeente = models.ForeignKey(
        Gemeente, null=True, blank=True, on_delete=models.PROTECT, related_name="deelnames"
    )
    organisatie = models.ForeignKey(
        Organisatie, null=True, blank=True, on_delete=models.PROTECT, related_name="deelnames"
    )
    rol = models.CharField(max_length=20, choices=Rol.choices, default=Rol.DEELNEMER)
    rol_in_bron = models.CharField(
        max_length=50,
        blank=True,
        help_text="The role in the source's own word where it names one (the register: "
        "bronhouder), whatever `rol` says.",
    )
    toegetreden_op = models.DateField(null=True, blank=True)
    uitgetreden_op = models.DateField(null=True, blank=True)
    naam_in_bron = models.CharField(max_length=300, help_text="The name as the source gives it.")
    voormalige_gemeente = models.ForeignKey(
        Gemeente,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The former municipality the source names; the membership goes to its "
        "successor on the peildatum (through Herindeling).",
    )
    bron = models.ForeignKey(Bron, on_delete=models.PROTECT, related_name="+")

    objects = DeelnameQuerySet.as_manager()

    class Meta:
        verbose_name = "deelname"
        verbose_name_plural = "deelnames"
        # NULLs first on every database (SQLite's default, PostgreSQL's opposite): the
        # organisations of a snapshot, then its municipalities, in the same order everywhere.
        ordering = [
            "stand",
            F("gemeente__naam").asc(nulls_first=True),
            F("organisatie__naam").asc(nulls_first=True),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(gemeente__isnull=False, organisatie__isnull=True))
                | (Q(gemeente__isnull=True, organisatie__isnull=False)),
                name="deelname_gemeente_of_organisatie",
            ),
            models.UniqueConstraint(
                fields=["stand", "gemeente"],
                condition=Q(gemeente__isnull=False),
                name="deelname_gemeente_uniek",
            ),
            models.UniqueConstraint(
                fields=["stand", "organisatie"],
                condition=Q(organisatie__isnull=False),
                name="deelname_organisatie_uniek",
            ),
        ]

    def __str__(self):
        return f"{self.deelnemer} in {self.stand}"

    def natural_key(self):
        return (
            *self.stand.natural_key(),
            self.gemeente.cbs_code if self.gemeente else "",
            self.organisatie.slug if self.organisatie else "",
        )

    natural_key.dependencies = ["gemeenten.stand", "gemeenten.gemeente", "gemeenten.organisatie"]

    @property
    def deelnemer(self):
        return self.gemeente or self.organisatie

    @property
    def rol_weergave(self):
        """The role as shown: "centrumgemeente (in het register: bronhouder)" where the
        source's word differs (only the register names roles)."""
        label = self.get_rol_display()
        if self.rol_in_bron and self.rol_in_bron != self.rol:
            return f"{label} (in het register: {self.rol_in_bron})"
        return label


class DatasetVersie(models.Model):
    """The dataset's edit stamp: one row, whose token every write to the dataset replaces.

    Public pages are cached under (this token, URL) and their ETag is made of it; the
    middleware reads it on every request (gemeenten.middleware.dataset_version). Because it
    lives in the database, a correction in the admin or a new load is seen at once by every
    server process, not only by the one that wrote. A random token rather than a counter: a
    recreated database never repeats an old ETag. Not part of the dataset: not in
    DATASET_MODELS, not in the fixtures.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    token = models.CharField(max_length=32)
    gewijzigd = models.DateTimeField()

    class Meta:
        verbose_name = "datasetversie"
        verbose_name_plural = "datasetversie"

    def __str__(self):
        return f"{self.token} ({self.gewijzigd:%Y-%m-%d %H:%M:%S})"

    @classmethod
    def vernieuw(cls):
        """A new token, in the writer's transaction: it commits (or rolls back) with the data."""
        token, nu = uuid.uuid4().hex, timezone.now()
        if not cls.objects.filter(pk=1).update(token=token, gewijzigd=nu):
            cls.objects.update_or_create(pk=1, defaults={"token": token, "gewijzigd": nu})
        return token

    @classmethod
    @contextlib.contextmanager
    def in_een_keer(cls):
        """Thousands of rows in one transaction (load_dataset, build_dataset):
        the rows' signals renew nothing, the stamp is renewed once when the block succeeds.
        Per thread, so a server thread's requests are not affected."""
        buiten = cls.bezig_in_een_keer()
        _in_een_keer.actief = True
        try:
            yield
        finally:
            _in_een_keer.actief = buiten
        cls.vernieuw()

    @staticmethod
    def bezig_in_een_keer():
        return getattr(_in_een_keer, "actief", False)


_in_een_keer = threading.local()


class Kaartlaag(models.Model):
    """A precomputed map layer: the GeoJSON of one snapshot, area and level of detail, as
    `/api/gemeenten.geojson` serves it (gemeenten/kaartlagen.py).

    Built once per dataset stamp (DatasetVersie.token) — by `manage.py kaartlagen` after a
    load, or by the first request that needs it — and served from here with its ETag and its
    gzip bytes, never rebuilt per request. A row of an older stamp is never read again (and is
    removed when a newer one is written). Not part of the dataset: not in DATASET_MODELS,
    not in the fixtures.
    """

    token = models.CharField(max_length=32, help_text="DatasetVersie.token it was built from.")
    peildatum = models.CharField(max_length=10)
    gebied = models.CharField(max_length=20)
    inhoud = models.BinaryField(help_text="The GeoJSON, UTF-8.")
    gzip = models.BinaryField(help_text="The same bytes, gzipped once (level 9).")
    etag = models.CharField(max_length=40)

    class Meta:
        verbose_name = "kaartlaag"
        verbose_name_plural = "kaartlagen"
        constraints = [
            models.UniqueConstraint(fields=["token", "peildatum", "gebied"], name="kaartlaag_uniek")
        ]

    def __str__(self):
        return f"{self.peildatum} {self.gebied} ({len(self.inhoud)} bytes)"
