"""What changed between two reference dates: per arrangement, per municipality, for the region.

Pure logic over querysets (no HTML): `Vergelijking(van, tot)` loads both snapshots once and
derives every difference from them. A difference always says its evidence:

- "bevestigd door het register": the register's own history backs it, i.e. a join date
  (`Deelname.toegetreden_op`) or leave date between the two dates, a register version chain
  (`Versie.vorige`) whose version of the later date no longer lists a participant, or a
  register version that took effect (or ended) between the dates;
- "mogelijk alleen een verschil tussen de bronnen": the snapshots come from different
  sources (2016: OpenGR and Regioatlas; 2026: the GR register and CBS), and nothing in the
  register's history shows the change happened.

A membership of a municipality that merged between the dates is carried by its successor
(through `Herindeling`, as `Gemeente.opvolger_op` does): it is not a leave plus a join. An
arrangement that went into another one through a curated link (`Samenwerking.voorgangers`,
fixtures/curation/koppelingen.csv) is "overgegaan", not a leave plus a join either.

Only collaborations (`aard=samenwerking`) count for municipalities, partners and the region;
state and statistical divisions are left out there (an arrangement's own comparison still
shows them). Query counts are in each loader's docstring; a page stays within eight.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache

from django import forms
from django.db.models import Q, TextChoices
from django.utils.formats import date_format

from .gebied import NOORD
from .models import Aard, Deelname, Gemeente, Herindeling, Samenwerking, Stand, Versie
from .serialisers import Rij


class Bewijs(TextChoices):
    REGISTER = "register", "bevestigd door het register"
    BRONNEN = "bronnen", "mogelijk alleen een verschil tussen de bronnen"


class Soort(TextChoices):
    TOEGETREDEN = "toegetreden", "toegetreden"
    UITGETREDEN = "uitgetreden", "uitgetreden"
    OVERGEGAAN = "overgegaan", "overgegaan naar een opvolger"
    NIEUW = "nieuw", "nieuwe samenwerking"
    VERDWENEN = "verdwenen", "niet meer in de gegevens"
    OPGEVOLGD = "opgevolgd", "opgevolgd, samengevoegd of gesplitst"
    HERNOEMD = "hernoemd", "andere naam in het register"
    NIEUWE_VERSIE = "nieuwe_versie", "nieuwe versie in het register"
    PARTNER_ERBIJ = "partner_erbij", "partner erbij"
    PARTNER_WEG = "partner_weg", "partner weg"


@lru_cache(maxsize=4096)
def dag(datum):
    """ "1 januari 2016". Memoised: the national comparison formats 4,000 dates, few distinct,
    and the site has one language (LANGUAGE_CODE), so a date always reads the same."""
    return date_format(datum, "j F Y") if datum else ""


def opsomming(namen):
    namen = list(namen)
    if len(namen) <= 1:
        return "".join(namen)
    return ", ".join(namen[:-1]) + " en " + namen[-1]


class Vergelijkingsvraag(forms.Form):
    """Which two snapshots to compare: `?van=2016&tot=2026` (default: oldest and newest)."""

    van = forms.ChoiceField(label="Van peildatum", required=False)
    tot = forms.ChoiceField(label="Tot peildatum", required=False)

    def __init__(self, data, peildata):
        self.peildata = sorted(peildata, key=lambda p: p.datum)
        # A bound form shows what was sent: fill in the defaults, so that the form on the
        # page shows the pair the page compares.
        data = data.copy()
        if self.peildata:
            for naam, standaard in (("van", self.peildata[0]), ("tot", self.peildata[-1])):
                if not data.get(naam):
                    data[naam] = standaard.code
        super().__init__(data)
        keuzes = [(p.code, p.naam) for p in self.peildata]
        for naam in ("van", "tot"):
            self.fields[naam].choices = keuzes
            self.fields[naam].error_messages["invalid_choice"] = (
                "Onbekende peildatum. Kies een van de beschikbare: "
                + ", ".join(p.code for p in self.peildata)
                + "."
            )

    def clean(self):
        gegevens = super().clean()
        if len(self.peildata) < 2:
            raise forms.ValidationError("Er is maar één peildatum: er valt niets te vergelijken.")
        per_code = {p.code: p for p in self.peildata}
        van = per_code.get(gegevens.get("van") or self.peildata[0].code)
        tot = per_code.get(gegevens.get("tot") or self.peildata[-1].code)
        if "van" in self.errors or "tot" in self.errors:
            return gegevens
        if van.pk == tot.pk:
            raise forms.ValidationError("Kies twee verschillende peildata.")
        if van.datum > tot.datum:
            raise forms.ValidationError(
                "De eerste peildatum (van) moet vóór de tweede (tot) liggen."
            )
        gegevens["van_peildatum"], gegevens["tot_peildatum"] = van, tot
        return gegevens

    def foutmelding(self):
        delen = [" ".join(f) for f in self.errors.values()]
        return "Deze vergelijking kan niet: " + " ".join(delen)


def herkomst(stand):
    """The snapshot's own source link: register record, else file and lines (or CBS layer)."""
    if stand is None:
        return ""
    return Rij(stand.samenwerking, stand, [], stand.peildatum).herkomst_verwijzing


@dataclass
class Verschil:
    """One difference between the two dates, with its evidence in plain Dutch."""

    soort: str
    samenwerking: Samenwerking | None
    bewijs: str
    toelichting: str
    deelnemer: object = None  # Gemeente/Organisatie as named on `van` (or the partner)
    erfgenamen: tuple = ()  # ((Gemeente on `tot`, whole?), …) the change concerns
    stand_van: Stand | None = None
    stand_tot: Stand | None = None
    versie: Versie | None = None
    andere: tuple = ()  # related arrangements (predecessors/successors, shared ones)
    ook_als: tuple = ()  # other names (former municipalities) the same change covers

    @property
    def gemeenten(self):
        """The municipalities (on `tot`) this difference is theirs: whole successors only."""
        return [g for g, geheel in self.erfgenamen if geheel]

    @property
    def bevestigd(self):
        return self.bewijs == Bewijs.REGISTER

    @property
    def bewijs_label(self):
        return Bewijs(self.bewijs).label

    @property
    def soort_label(self):
        return Soort(self.soort).label

    @property
    def via(self):
        """The former municipality the source named, if the change is carried by a
        successor (Haren in 2016 for Groningen in 2026)."""
        if self.soort not in (Soort.TOEGETREDEN, Soort.UITGETREDEN, Soort.OVERGEGAAN):
            return None
        if self.deelnemer is None or not isinstance(self.deelnemer, Gemeente):
            return None
        gemeenten = self.gemeenten
        if gemeenten and all(g.pk != self.deelnemer.pk for g in gemeenten):
            return self.deelnemer
        return None

    @property
    def bronnen(self):
        """[(label, link or text)]: the records the difference rests on."""
        uit = []
        for stand in (self.stand_van, self.stand_tot):
            if stand is not None:
                uit.append((f"{stand.bron.naam} ({stand.peildatum.naam})", herkomst(stand)))
        if self.versie is not None:
            uit.append((f"registerversie {self.versie.register_id}", self.versie.url))
        for samenwerking, stand in self.andere:
            if stand is not None:
                uit.append((f"{stand.titel or samenwerking.naam}", herkomst(stand)))
        if self.soort in (Soort.OPGEVOLGD,) or (self.soort == Soort.OVERGEGAAN and self.andere):
            uit.append(("curatie", "fixtures/curation/koppelingen.csv"))
        return [(label, link) for label, link in uit if link]


@dataclass
class Arrangement:
    """One arrangement's two snapshots and its differences."""

    samenwerking: Samenwerking
    stand_van: Stand | None
    stand_tot: Stand | None
    verschillen: list = field(default_factory=list)
    samenvatting: str = ""

    def tel(self, *soorten):
        return sum(1 for v in self.verschillen if v.soort in soorten)

    @property
    def erbij(self):
        return self.tel(Soort.TOEGETREDEN)

    @property
    def weg(self):
        return self.tel(Soort.UITGETREDEN)

    @property
    def bevestigd(self):
        return sum(1 for v in self.verschillen if v.bevestigd)

    @property
    def naam(self):
        stand = self.stand_tot or self.stand_van
        return (stand.titel if stand else "") or self.samenwerking.naam


def erfgenamen(gemeente, datum, stappen, diepte=0):
    """[(municipality existing on `datum`, whole?)] that `gemeente`'s territory went into,
    through `Herindeling` only (whole mergers and renames; a split gives each successor,
    not whole). `stappen`: {voorganger_id: [Herindeling]}. Empty when no step is known."""
    if gemeente.bestaat_op(datum):
        return [(gemeente, True)]
    if diepte > 20:
        return []
    volgende = [
        s for s in stappen.get(gemeente.pk, []) if s.heft_voorganger_op and s.datum <= datum
    ]
    uit = {}
    for stap in volgende:
        geheel = stap.deel == Herindeling.Deel.GEHEEL and len(volgende) == 1
        for erfgenaam, heel in erfgenamen(stap.opvolger, datum, stappen, diepte + 1):
            eerder = uit.get(erfgenaam.pk)
            uit[erfgenaam.pk] = (erfgenaam, (heel and geheel) or bool(eerder and eerder[1]))
    return sorted(uit.values(), key=lambda item: item[0].naam)


class Vergelijking:
    """Both snapshots loaded once; every difference derived in Python.

    `gemeente` or `samenwerking` narrow what is loaded to what their page needs; otherwise
    `gebied` (gemeenten/gebied.py; default the north) narrows it to the arrangements with a
    participating municipality of the area in either snapshot. Queries:
    herindelingen, standen, deelnames, versies, links, and (narrowed) the snapshots' sources:
    six at most.
    """

    def __init__(self, van, tot, gemeente=None, samenwerking=None, gebied=NOORD):
        self.van, self.tot = van, tot
        self.gebied = gebied
        self.stappen = list(
            Herindeling.objects.select_related("voorganger__provincie", "opvolger__provincie")
        )
        self.per_voorganger = defaultdict(list)
        for stap in self.stappen:
            self.per_voorganger[stap.voorganger_id].append(stap)
        standen = Stand.objects.filter(peildatum__in=[van, tot]).select_related(
            "samenwerking__taakveld", "bron", "versie", "versie__bron"
        )
        if gemeente is not None:
            familie = [gemeente.pk, *[g.pk for g in self.voorgangers(gemeente)]]
            betrokken = Deelname.objects.filter(
                gemeente__in=familie, stand__peildatum__in=[van, tot]
            ).values("stand__samenwerking")
            standen = standen.filter(samenwerking__in=betrokken)
        elif samenwerking is not None:
            koppeling = Samenwerking.voorgangers.through.objects
            buren = koppeling.filter(from_samenwerking=samenwerking).values("to_samenwerking")
            buren2 = koppeling.filter(to_samenwerking=samenwerking).values("from_samenwerking")
            standen = standen.filter(
                Q(samenwerking=samenwerking)
                | Q(samenwerking__in=buren)
                | Q(samenwerking__in=buren2)
            )
        elif not gebied.alles:
            in_gebied = Deelname.objects.filter(
                gebied.q("gemeente__"), stand__peildatum__in=[van, tot]
            ).values("stand__samenwerking")
            standen = standen.filter(samenwerking__in=in_gebied)
        self.standen = list(standen)
        peildata = {van.pk: van, tot.pk: tot}
        for stand in self.standen:
            stand.peildatum = peildata[stand.peildatum_id]
        # Only the columns a comparison reads: 21,000 participations nationally.
        deelnames = (
            Deelname.objects.filter(stand__in=[s.pk for s in self.standen])
            .select_related("organisatie")
            .only(
                *("stand", "gemeente", "organisatie", "toegetreden_op", "uitgetreden_op"),
                *("bron", "organisatie__slug", "organisatie__naam"),
            )
        )
        gemeenten = None
        if gemeente is None and samenwerking is None:
            # A region reads every participation of its arrangements (21,000 nationally, of
            # 480 municipalities): one shared instance per municipality, as prefetch_related
            # would give, instead of one per row, which was most of the page's time. One
            # query, in place of the bronnen query below that a region does not need.
            gemeenten = Gemeente.objects.select_related("provincie").in_bulk()
        else:
            deelnames = deelnames.select_related("gemeente__provincie")
        self.deelnames = defaultdict(list)
        for deelname in deelnames:
            if gemeenten is not None and deelname.gemeente_id:
                deelname.gemeente = gemeenten[deelname.gemeente_id]
            self.deelnames[deelname.stand_id].append(deelname)
        ids = {s.samenwerking_id for s in self.standen}
        self.versies = defaultdict(list)
        for versie in Versie.objects.filter(samenwerking__in=ids).order_by(
            "in_werking", "register_id"
        ):
            self.versies[versie.samenwerking_id].append(versie)
        self.samenwerkingen = {s.samenwerking_id: s.samenwerking for s in self.standen}
        self.opvolgers, self.voorgangers_van = defaultdict(list), defaultdict(list)
        links = Samenwerking.voorgangers.through.objects.filter(
            Q(from_samenwerking__in=ids) | Q(to_samenwerking__in=ids)
        ).values_list("to_samenwerking", "from_samenwerking")
        for voorganger, opvolger in links:
            if voorganger in ids and opvolger in ids:
                self.opvolgers[voorganger].append(opvolger)
                self.voorgangers_van[opvolger].append(voorganger)
        self.stand = {(s.samenwerking_id, s.peildatum_id): s for s in self.standen}
        if gemeente is None and samenwerking is None:
            bronnen = {(s.peildatum_id, s.bron.naam) for s in self.standen}
        else:
            bronnen = set(
                Stand.objects.filter(peildatum__in=[van, tot])
                .values_list("peildatum", "bron__naam")
                .distinct()
            )
        self.bronnen = {
            p.pk: sorted(naam for pk, naam in bronnen if pk == p.pk) for p in (van, tot)
        }
        self._erfgenamen = {}
        self.arrangementen = self._vergelijk()

    # -- municipalities across the dates ------------------------------------------------

    def erfgenamen(self, gemeente):
        if gemeente.pk not in self._erfgenamen:
            self._erfgenamen[gemeente.pk] = erfgenamen(
                gemeente, self.tot.datum, self.per_voorganger
            )
        return self._erfgenamen[gemeente.pk]

    def voorgangers(self, gemeente):
        """Municipalities that went (wholly or partly) into `gemeente` after `van`, up to `tot`."""
        per_opvolger = defaultdict(list)
        for stap in self.stappen:
            if stap.heft_voorganger_op and self.van.datum < stap.datum <= self.tot.datum:
                per_opvolger[stap.opvolger_id].append(stap.voorganger)
        uit, rij = {}, [gemeente]
        while rij:
            for voorganger in per_opvolger.get(rij.pop().pk, []):
                if voorganger.pk not in uit:
                    uit[voorganger.pk] = voorganger
                    rij.append(voorganger)
        return sorted(uit.values(), key=lambda g: g.naam)

    @property
    def herindelingen(self):
        """The reorganisations between the dates that ended a municipality of the area."""
        return [
            s
            for s in self.stappen
            if s.heft_voorganger_op
            and self.van.datum < s.datum <= self.tot.datum
            and (self.gebied.bevat(s.voorganger) or self.gebied.bevat(s.opvolger))
        ]

    # -- the comparison per arrangement --------------------------------------------------

    def _vergelijk(self):
        uit = {}
        for samenwerking_id, samenwerking in sorted(
            self.samenwerkingen.items(), key=lambda item: item[1].naam
        ):
            van = self.stand.get((samenwerking_id, self.van.pk))
            tot = self.stand.get((samenwerking_id, self.tot.pk))
            uit[samenwerking_id] = Arrangement(samenwerking, van, tot)
        for arrangement in uit.values():
            self._deelnemers(arrangement)
            self._bestaan(arrangement)
            self._versies(arrangement)
            arrangement.samenvatting = self._samenvatting(arrangement)
        return uit

    def _deelnames(self, stand):
        return [d for d in self.deelnames.get(stand.pk, [])] if stand else []

    def _deelnemers(self, a):
        sw = a.samenwerking
        van_deel = self._deelnames(a.stand_van)
        tot_deel = self._deelnames(a.stand_tot)
        tot_gem = {d.gemeente_id: d for d in tot_deel if d.gemeente_id}
        # Municipalities of the successors (curated links), for "overgegaan".
        opvolger_gem = set()
        for opvolger in self.opvolgers.get(sw.pk, []):
            stand = self.stand.get((opvolger, self.tot.pk))
            opvolger_gem |= {d.gemeente_id for d in self._deelnames(stand) if d.gemeente_id}
        if a.stand_tot is not None:
            gedekt = set()
            for d in van_deel:
                if d.gemeente_id:
                    gedekt |= {g.pk for g, _ in self.erfgenamen(d.gemeente)}
            herkomst_link = {}
            for voorganger in self.voorgangers_van.get(sw.pk, []):
                stand = self.stand.get((voorganger, self.van.pk))
                for d in self._deelnames(stand):
                    if d.gemeente_id:
                        for g, _ in self.erfgenamen(d.gemeente):
                            herkomst_link.setdefault(g.pk, (self.samenwerkingen[voorganger], stand))
            for d in tot_deel:
                if d.gemeente_id and d.gemeente_id in gedekt:
                    continue
                if d.gemeente_id and d.gemeente_id in herkomst_link and a.stand_van is None:
                    voorganger, stand = herkomst_link[d.gemeente_id]
                    bewijs, tekst = self._bewijs_link(voorganger, sw)
                    a.verschillen.append(
                        Verschil(
                            Soort.OVERGEGAAN,
                            sw,
                            bewijs,
                            f"{d.gemeente.naam} nam op {self.van.naam} deel aan "
                            f"{stand.titel or voorganger.naam}, dat is overgegaan in deze "
                            f"samenwerking. {tekst}",
                            deelnemer=d.gemeente,
                            erfgenamen=((d.gemeente, True),),
                            stand_van=stand,
                            stand_tot=a.stand_tot,
                            andere=((voorganger, stand),),
                        )
                    )
                    continue
                if d.organisatie_id and any(v.organisatie_id == d.organisatie_id for v in van_deel):
                    continue
                bewijs, tekst = self._bewijs_erbij(a, d)
                a.verschillen.append(
                    Verschil(
                        Soort.TOEGETREDEN,
                        sw,
                        bewijs,
                        tekst,
                        deelnemer=d.deelnemer,
                        erfgenamen=((d.gemeente, True),) if d.gemeente_id else (),
                        stand_van=a.stand_van,
                        stand_tot=a.stand_tot,
                    )
                )
        if a.stand_van is not None:
            for d in van_deel:
                if d.organisatie_id:
                    if a.stand_tot is not None and not any(
                        t.organisatie_id == d.organisatie_id for t in tot_deel
                    ):
                        bewijs, tekst = self._bewijs_weg(a, d)
                        a.verschillen.append(
                            Verschil(
                                Soort.UITGETREDEN,
                                sw,
                                bewijs,
                                tekst,
                                deelnemer=d.organisatie,
                                stand_van=a.stand_van,
                                stand_tot=a.stand_tot,
                            )
                        )
                    continue
                erven = self.erfgenamen(d.gemeente)
                if any(g.pk in tot_gem for g, _ in erven):
                    continue
                if a.stand_tot is None and any(g.pk in opvolger_gem for g, _ in erven):
                    continue  # carried by a successor: "overgegaan", on the successor's side
                bewijs, tekst = self._bewijs_weg(a, d, erven)
                a.verschillen.append(
                    Verschil(
                        Soort.UITGETREDEN,
                        sw,
                        bewijs,
                        tekst,
                        deelnemer=d.gemeente,
                        erfgenamen=tuple(erven),
                        stand_van=a.stand_van,
                        stand_tot=a.stand_tot,
                    )
                )

    def _bewijs_erbij(self, a, d):
        """Evidence that participant `d` (of the `tot` snapshot) joined."""
        naam = d.deelnemer.naam
        van, tot = self.van, self.tot
        if d.toegetreden_op and van.datum < d.toegetreden_op <= tot.datum:
            return (
                Bewijs.REGISTER,
                f"Volgens het register is {naam} op {dag(d.toegetreden_op)} toegetreden.",
            )
        begin = self._eerste_versie(a.samenwerking)
        if a.stand_van is None and begin and van.datum < begin.in_werking <= tot.datum:
            return Bewijs.REGISTER, (
                f"Het register kent de regeling pas vanaf {dag(begin.in_werking)} (de "
                f"eerste versie in werking), na {van.naam}."
            )
        bron_tot = a.stand_tot.bron.naam
        if d.toegetreden_op and d.toegetreden_op <= van.datum:
            waar = (
                f"{a.stand_van.bron.naam} noemt {naam} op {van.naam} niet als deelnemer"
                if a.stand_van
                else f"de gegevens van {van.naam} ({opsomming(self.bronnen[van.pk])}) "
                "noemen deze samenwerking niet"
            )
            return Bewijs.BRONNEN, (
                f"Volgens het register is {naam} al deelnemer sinds "
                f"{dag(d.toegetreden_op)}, vóór {van.naam}; {waar}. Het verschil ligt aan "
                "de bronnen, niet aan een toetreding."
            )
        if a.stand_van is None:
            return Bewijs.BRONNEN, (
                f"De gegevens van {van.naam} ({opsomming(self.bronnen[van.pk])}) noemen "
                f"deze samenwerking niet; {bron_tot} geeft geen datum waarop {naam} toetrad."
            )
        return Bewijs.BRONNEN, (
            f"{a.stand_van.bron.naam} noemt {naam} op {van.naam} niet als deelnemer; "
            f"{bron_tot} geeft geen datum waarop {naam} toetrad."
        )

    def _bewijs_weg(self, a, d, erven=()):
        """Evidence that participant `d` (of the `van` snapshot) left."""
        naam = d.deelnemer.naam
        van, tot = self.van, self.tot
        opgegaan = ""
        if (
            a.stand_tot is not None
            and d.gemeente_id
            and erven
            and all(g.pk != d.gemeente_id for g, _ in erven)
        ):
            opgegaan = (
                f" {naam} bestond op {tot.naam} niet meer; haar grondgebied ging op in "
                f"{opsomming(g.naam for g, _ in erven)}, en ook die neemt niet deel."
                if len(erven) == 1
                else f" {naam} bestond op {tot.naam} niet meer; haar grondgebied ging op in "
                f"{opsomming(g.naam for g, _ in erven)}, en geen van die neemt deel."
            )
        if d.uitgetreden_op and van.datum < d.uitgetreden_op <= tot.datum:
            return Bewijs.REGISTER, (
                f"Volgens het register is {naam} op {dag(d.uitgetreden_op)} uitgetreden." + opgegaan
            )
        oud = a.stand_van.versie
        if a.stand_tot is not None:
            nieuw = a.stand_tot.versie
            uit_register = oud is not None and d.bron_id == oud.bron_id
            if (
                uit_register
                and nieuw is not None
                and nieuw.pk != oud.pk
                and self._keten(oud, nieuw)
            ):
                return Bewijs.REGISTER, (
                    f"De registerversie die op {van.naam} gold (in werking "
                    f"{dag(oud.in_werking)}) noemt {naam} als deelnemer; de versie die op "
                    f"{tot.naam} geldt (in werking {dag(nieuw.in_werking)}) niet meer." + opgegaan
                )
            return Bewijs.BRONNEN, (
                f"{a.stand_van.bron.naam} noemt {naam} op {van.naam} als deelnemer, "
                f"{a.stand_tot.bron.naam} op {tot.naam} niet; geen van de bronnen geeft een "
                "datum van uittreding." + opgegaan
            )
        einde = self._einde(a.samenwerking)
        if einde and van.datum < einde <= tot.datum:
            return Bewijs.REGISTER, (
                f"De regeling is volgens het register op {dag(einde)} buiten werking getreden."
                + opgegaan
            )
        return Bewijs.BRONNEN, (
            f"{a.stand_van.bron.naam} noemt deze samenwerking op {van.naam}; de gegevens van "
            f"{tot.naam} ({opsomming(self.bronnen[tot.pk])}) noemen haar niet, en het "
            "register geeft geen einddatum." + opgegaan
        )

    def _bewijs_link(self, voorganger, opvolger):
        """Evidence for a curated predecessor → successor link."""
        begin = self._eerste_versie(opvolger)
        einde = self._einde(voorganger)
        van, tot = self.van, self.tot
        koppeling = (
            f"Dat {opvolger.naam} de opvolger is van {voorganger.naam} staat in de curatie "
            "(koppelingen.csv), met de onderbouwing."
        )
        if begin and van.datum < begin.in_werking <= tot.datum:
            return Bewijs.REGISTER, (
                f"Het register laat {opvolger.naam} op {dag(begin.in_werking)} in werking "
                f"treden, tussen de twee peildata. {koppeling}"
            )
        if einde and van.datum < einde <= tot.datum:
            return Bewijs.REGISTER, (
                f"Volgens het register eindigde {voorganger.naam} op {dag(einde)}. {koppeling}"
            )
        return Bewijs.BRONNEN, (
            f"Het register geeft geen begin- of einddatum tussen de peildata. {koppeling}"
        )

    def _eerste_versie(self, samenwerking):
        versies = [v for v in self.versies.get(samenwerking.pk, []) if v.in_werking]
        return versies[0] if versies else None

    def _einde(self, samenwerking):
        """The day the register says the arrangement ended: its last version's end."""
        versies = self.versies.get(samenwerking.pk, [])
        if not versies or any(v.buiten_werking is None for v in versies):
            return None
        return max(v.buiten_werking for v in versies)

    def _keten(self, oud, nieuw):
        """Whether `nieuw` follows `oud` in the register's version chain (Versie.vorige)."""
        per_id = {v.pk: v for v in self.versies.get(nieuw.samenwerking_id, [])}
        stap = nieuw
        for _ in range(50):
            if stap.vorige_id is None:
                return False
            if stap.vorige_id == oud.pk:
                return True
            stap = per_id.get(stap.vorige_id)
            if stap is None:
                return False
        return False

    def _bestaan(self, a):
        """New, gone, successor links and renames of the arrangement itself."""
        sw, van, tot = a.samenwerking, self.van, self.tot
        if a.stand_van is None and a.stand_tot is not None:
            voorgangers = [
                (self.samenwerkingen[v], self.stand.get((v, van.pk)))
                for v in self.voorgangers_van.get(sw.pk, [])
                if (v, van.pk) in self.stand
            ]
            if voorgangers:
                for voorganger, stand in voorgangers:
                    a.verschillen.append(self._opvolging(voorganger, stand, sw, a.stand_tot))
                return
            begin = self._eerste_versie(sw)
            if begin and van.datum < begin.in_werking <= tot.datum:
                bewijs = Bewijs.REGISTER
                tekst = (
                    f"Het register kent de regeling vanaf {dag(begin.in_werking)} (de eerste "
                    f"versie in werking), na {van.naam}."
                )
            else:
                bewijs = Bewijs.BRONNEN
                tekst = (
                    f"De gegevens van {van.naam} ({opsomming(self.bronnen[van.pk])}) noemen "
                    f"deze samenwerking niet; {a.stand_tot.bron.naam} wel"
                    + (
                        f", en volgens het register is zij al sinds {dag(begin.in_werking)} "
                        "in werking. Het verschil ligt aan de bronnen."
                        if begin and begin.in_werking <= van.datum
                        else ", zonder begindatum tussen de peildata."
                    )
                )
            a.verschillen.append(
                Verschil(Soort.NIEUW, sw, bewijs, tekst, stand_tot=a.stand_tot, versie=begin)
            )
        elif a.stand_van is not None and a.stand_tot is None:
            if any((o, tot.pk) in self.stand for o in self.opvolgers.get(sw.pk, [])):
                return  # the successor's side reports the link
            einde = self._einde(sw)
            if einde and van.datum < einde <= tot.datum:
                bewijs = Bewijs.REGISTER
                tekst = f"Volgens het register buiten werking sinds {dag(einde)}."
            else:
                bewijs = Bewijs.BRONNEN
                tekst = (
                    f"{a.stand_van.bron.naam} noemt deze samenwerking op {van.naam}; de "
                    f"gegevens van {tot.naam} ({opsomming(self.bronnen[tot.pk])}) niet, en het "
                    "register geeft geen einddatum. Of zij is opgeheven of alleen in de bron "
                    f"van {van.naam} stond, blijkt niet uit de bronnen."
                )
            a.verschillen.append(
                Verschil(Soort.VERDWENEN, sw, bewijs, tekst, stand_van=a.stand_van)
            )
        elif a.stand_van is not None and a.stand_tot is not None:
            oud, nieuw = a.stand_van.versie, a.stand_tot.versie
            if (
                oud is not None
                and nieuw is not None
                and oud.pk != nieuw.pk
                and (a.stand_van.titel or oud.titel) != (a.stand_tot.titel or nieuw.titel)
                and self._keten(oud, nieuw)
            ):
                a.verschillen.append(
                    Verschil(
                        Soort.HERNOEMD,
                        sw,
                        Bewijs.REGISTER,
                        f"Op {van.naam} heette de regeling in het register "
                        f"‘{a.stand_van.titel or oud.titel}’; de versie die op {tot.naam} "
                        f"geldt (in werking {dag(nieuw.in_werking)}) heet "
                        f"‘{a.stand_tot.titel or nieuw.titel}’.",
                        stand_van=a.stand_van,
                        stand_tot=a.stand_tot,
                        versie=nieuw,
                    )
                )

    def _opvolging(self, voorganger, stand_van, opvolger, stand_tot):
        broers = [
            o for o in self.opvolgers.get(voorganger.pk, []) if (o, self.tot.pk) in self.stand
        ]
        samen = [
            v for v in self.voorgangers_van.get(opvolger.pk, []) if (v, self.van.pk) in self.stand
        ]
        titel_van = stand_van.titel or voorganger.naam
        titel_tot = stand_tot.titel or opvolger.naam
        if len(samen) > 1:
            wat = f"{titel_van} is met {len(samen) - 1} andere samengevoegd tot {titel_tot}."
        elif len(broers) > 1:
            wat = f"{titel_van} is gesplitst; een van de opvolgers is {titel_tot}."
        else:
            wat = f"{titel_van} is opgevolgd door {titel_tot}."
        bewijs, tekst = self._bewijs_link(voorganger, opvolger)
        return Verschil(
            Soort.OPGEVOLGD,
            opvolger,
            bewijs,
            f"{wat} {tekst}",
            stand_van=stand_van,
            stand_tot=stand_tot,
            andere=((voorganger, stand_van),),
        )

    def _versies(self, a):
        """Register versions that took effect between the dates."""
        for versie in self.versies.get(a.samenwerking.pk, []):
            if versie.in_werking and self.van.datum < versie.in_werking <= self.tot.datum:
                a.verschillen.append(
                    Verschil(
                        Soort.NIEUWE_VERSIE,
                        a.samenwerking,
                        Bewijs.REGISTER,
                        f"‘{versie.titel}’, in werking {dag(versie.in_werking)}"
                        + (
                            f", buiten werking {dag(versie.buiten_werking)}."
                            if versie.buiten_werking
                            else "."
                        ),
                        versie=versie,
                    )
                )

    def _samenvatting(self, a):
        """A plain Dutch summary where the participants' count differs between the sources."""
        if a.stand_van is None or a.stand_tot is None:
            return ""
        van, tot = a.stand_van, a.stand_tot
        n_van, n_tot = len(self.deelnames.get(van.pk, [])), len(self.deelnames.get(tot.pk, []))
        weg = [v for v in a.verschillen if v.soort == Soort.UITGETREDEN]
        erbij = [v for v in a.verschillen if v.soort == Soort.TOEGETREDEN]
        if not weg and not erbij:
            return ""
        tekst = (
            f"Op {self.van.naam}: {n_van} deelnemer{'s' if n_van != 1 else ''} "
            f"({van.bron.naam}); op {self.tot.naam}: {n_tot} ({tot.bron.naam})."
        )
        bevestigd = sum(1 for v in weg + erbij if v.bevestigd)
        if bevestigd == len(weg) + len(erbij):
            return tekst + " Het register bevestigt elk verschil in de deelnemers."
        if van.bron_id == tot.bron_id:
            return tekst + (
                f" {len(weg) + len(erbij) - bevestigd} van de {len(weg) + len(erbij)} "
                "verschillen in de deelnemers bevestigt het register niet met een datum."
            )
        oude_leden = [
            d
            for d in self.deelnames.get(tot.pk, [])
            if d.toegetreden_op and d.toegetreden_op <= self.van.datum
        ]
        onbevestigd_weg = [v for v in weg if not v.bevestigd]
        if oude_leden and onbevestigd_weg:
            sinds = sorted({d.toegetreden_op for d in oude_leden})
            tekst += (
                f" {tot.bron.naam} noemt de deelnemers met hun datum van toetreding: "
                f"{len(oude_leden)} van de {n_tot} zijn deelnemer sinds "
                f"{opsomming(dag(s) for s in sinds)}, dus al vóór {self.van.naam}."
            )
        if onbevestigd_weg:
            tekst += (
                f" Voor de {len(onbevestigd_weg)} andere die {van.bron.naam} noemt, geeft het "
                "register geen datum van uittreding. Of zij zijn uitgetreden, of dat "
                f"{van.bron.naam} ook deelnemers noemde die het register niet als deelnemer "
                "kent, blijkt niet uit de bronnen: mogelijk alleen een verschil tussen de "
                "bronnen."
            )
        elif erbij:
            tekst += (
                f" {len(erbij) - bevestigd} nieuwe deelnemer(s) hebben in het register geen "
                "datum van toetreding tussen de peildata."
            )
        return tekst

    # -- views on the comparison ---------------------------------------------------------

    def arrangement(self, samenwerking):
        return self.arrangementen.get(samenwerking.pk)

    def samenwerkingen_met_verschillen(self):
        """Collaborations (state and statistical divisions left out) with a difference."""
        return [
            a
            for a in self.arrangementen.values()
            if a.verschillen and a.samenwerking.aard == Aard.SAMENWERKING
        ]

    def alle_verschillen(self):
        return [v for a in self.samenwerkingen_met_verschillen() for v in a.verschillen]

    def voor_gemeente(self, gemeente):
        """One municipality's differences (it must exist on `tot`)."""
        return GemeenteVerschil(self, gemeente)

    def per_gemeente(self, gemeenten):
        """[(gemeente, {soort: count}, confirmed)] for the municipalities on `tot`."""
        per = defaultdict(list)  # (gemeente, soort, samenwerking) → verschillen
        for verschil in self.alle_verschillen():
            if verschil.soort not in (Soort.TOEGETREDEN, Soort.UITGETREDEN, Soort.OVERGEGAAN):
                continue
            for g in verschil.gemeenten:
                per[(g.pk, verschil.soort, verschil.samenwerking.pk)].append(verschil)
        tellingen = {g.pk: defaultdict(int) for g in gemeenten}
        bevestigd = defaultdict(int)
        for (pk, soort, _), verschillen in per.items():
            if pk in tellingen:
                tellingen[pk][soort] += 1
                bevestigd[pk] += all(v.bevestigd for v in verschillen)
        return [(g, dict(tellingen[g.pk]), bevestigd[g.pk]) for g in gemeenten]


def samengevat(verschillen, gemeente):
    """One municipality's differences in one arrangement as one: its own participation
    first, with the former municipalities the source also named (Haren, Ten Boer …)."""
    verschillen = sorted(verschillen, key=lambda v: v.deelnemer.pk != gemeente.pk)
    eerste = verschillen[0]
    if len(verschillen) == 1:
        return eerste
    bewijs = Bewijs.REGISTER if all(v.bevestigd for v in verschillen) else Bewijs.BRONNEN
    ook = [v.deelnemer.naam for v in verschillen[1:]]
    return replace(
        eerste,
        bewijs=bewijs,
        toelichting=eerste.toelichting
        + f" De bron van toen noemde ook {opsomming(ook)}, nu deel van {gemeente.naam}.",
        ook_als=tuple(ook),
    )


class GemeenteVerschil:
    """What changed for one municipality: arrangements joined, left, taken over by a
    successor or renamed, and partners gained and lost."""

    def __init__(self, vergelijking, gemeente):
        self.v = vergelijking
        self.gemeente = gemeente
        self.voorgangers = vergelijking.voorgangers(gemeente)
        eigen = []
        for a in vergelijking.samenwerkingen_met_verschillen():
            per_soort = defaultdict(list)
            for verschil in a.verschillen:
                if verschil.soort in (Soort.TOEGETREDEN, Soort.UITGETREDEN, Soort.OVERGEGAAN):
                    if any(g.pk == gemeente.pk for g in verschil.gemeenten):
                        per_soort[verschil.soort].append(verschil)
                elif verschil.soort == Soort.HERNOEMD and self._neemt_deel(a.stand_tot):
                    eigen.append(verschil)
            # One line per arrangement, whichever of its predecessors the source named.
            for verschillen in per_soort.values():
                eigen.append(samengevat(verschillen, gemeente))
        self.toegetreden = [v for v in eigen if v.soort == Soort.TOEGETREDEN]
        self.uitgetreden = [v for v in eigen if v.soort == Soort.UITGETREDEN]
        self.overgegaan = [v for v in eigen if v.soort == Soort.OVERGEGAAN]
        self.hernoemd = [v for v in eigen if v.soort == Soort.HERNOEMD]
        self.partners_erbij, self.partners_weg = self._partners()

    def _neemt_deel(self, stand):
        return stand is not None and any(
            d.gemeente_id == self.gemeente.pk for d in self.v.deelnames.get(stand.pk, [])
        )

    def _partners_op(self, peildatum):
        """{partner pk: (partner on `tot`, [arrangements shared])} on one date."""
        uit = {}
        eigen_pk = self.gemeente.pk
        for a in self.v.arrangementen.values():
            if a.samenwerking.aard != Aard.SAMENWERKING:
                continue
            stand = a.stand_van if peildatum == self.v.van else a.stand_tot
            if stand is None:
                continue
            leden = {}
            for d in self.v.deelnames.get(stand.pk, []):
                if d.gemeente_id:
                    for g, _ in self.v.erfgenamen(d.gemeente):
                        leden[g.pk] = g
            if eigen_pk not in leden:
                continue
            for pk, g in leden.items():
                if pk != eigen_pk:
                    uit.setdefault(pk, (g, []))[1].append(a)
        return uit

    def _partners(self):
        van, tot = self._partners_op(self.v.van), self._partners_op(self.v.tot)
        oorzaken = defaultdict(list)  # (samenwerking pk, gemeente pk) → verschillen
        for a in self.v.arrangementen.values():
            for verschil in a.verschillen:
                for g, _ in verschil.erfgenamen:
                    oorzaken[(a.samenwerking.pk, g.pk)].append(verschil)
                if verschil.soort in (Soort.NIEUW, Soort.VERDWENEN, Soort.OPGEVOLGD):
                    oorzaken[(a.samenwerking.pk, None)].append(verschil)
        erbij, weg = [], []
        for pk in sorted(set(tot) - set(van), key=lambda pk: tot[pk][0].naam):
            partner, gedeeld = tot[pk]
            redenen = [
                v
                for a in gedeeld
                for sleutel in ((a.samenwerking.pk, pk), (a.samenwerking.pk, self.gemeente.pk))
                for v in oorzaken[sleutel]
            ]
            bevestigd = any(v.bevestigd for v in redenen)
            namen = opsomming(a.naam for a in gedeeld)
            erbij.append(
                Verschil(
                    Soort.PARTNER_ERBIJ,
                    None,
                    Bewijs.REGISTER if bevestigd else Bewijs.BRONNEN,
                    f"Op {self.v.tot.naam} samen in {namen}; op {self.v.van.naam} in geen "
                    "gedeelde samenwerking. "
                    + (
                        "Het register bevestigt ten minste één van de toetredingen."
                        if bevestigd
                        else "Het register bevestigt geen van de toetredingen met een datum."
                    ),
                    deelnemer=partner,
                    erfgenamen=((self.gemeente, True),),
                    andere=tuple((a.samenwerking, a.stand_tot) for a in gedeeld),
                )
            )
        for pk in sorted(set(van) - set(tot), key=lambda pk: van[pk][0].naam):
            partner, gedeeld = van[pk]
            redenen = [
                v
                for a in gedeeld
                for sleutel in (
                    (a.samenwerking.pk, pk),
                    (a.samenwerking.pk, self.gemeente.pk),
                    (a.samenwerking.pk, None),
                )
                for v in oorzaken[sleutel]
                if v.soort in (Soort.UITGETREDEN, Soort.VERDWENEN)
            ]
            bevestigd = bool(redenen) and all(v.bevestigd for v in redenen)
            namen = opsomming(a.naam for a in gedeeld)
            weg.append(
                Verschil(
                    Soort.PARTNER_WEG,
                    None,
                    Bewijs.REGISTER if bevestigd else Bewijs.BRONNEN,
                    f"Op {self.v.van.naam} samen in {namen}; op {self.v.tot.naam} in geen "
                    "gedeelde samenwerking meer. "
                    + (
                        "Het register bevestigt elk einde."
                        if bevestigd
                        else "Het register bevestigt niet elk einde met een datum."
                    ),
                    deelnemer=partner,
                    erfgenamen=((self.gemeente, True),),
                    andere=tuple((a.samenwerking, a.stand_van) for a in gedeeld),
                )
            )
        return erbij, weg

    @property
    def verschillen(self):
        return (
            self.toegetreden
            + self.uitgetreden
            + self.overgegaan
            + self.hernoemd
            + self.partners_erbij
            + self.partners_weg
        )
