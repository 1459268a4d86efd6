"""Writing one arrangement's snapshot (Stand) with its participants, shared by the importers
of the 2016 and 2026 sources; and choosing its theme from the curation tables."""

from collections import defaultdict

from ..models import Deelname, Gemeente, Herindeling, Organisatie, Stand, Taakveld
from ..schaal import Deelnemer, aantal_gemeenten, bepaal_grootte, bepaal_reikwijdte
from .base import Fout, ImportFout


def gemeenten_per_provincie(peildatum):
    out = defaultdict(set)
    for g in Gemeente.objects.op(peildatum.datum).select_related("provincie"):
        out[g.provincie.code].add(g.cbs_code)
    return dict(out)


def als_deelnemer(obj):
    if isinstance(obj, Gemeente):
        return Deelnemer(provincie_code=obj.provincie.code, is_gemeente=True, cbs_code=obj.cbs_code)
    return Deelnemer(
        land=obj.land,
        provincie_code=obj.provincie_code,
        is_gemeente=obj.soort == Organisatie.Soort.GEMEENTE and obj.land == "NL",
    )


def zet_grootte_en_reikwijdte(stand, deelnemers, per_provincie):
    """Size and reach of `stand` from its participants (`Deelnemer`s); not saved."""
    stand.aantal_deelnemers = len(deelnemers)
    stand.aantal_gemeenten = aantal_gemeenten(deelnemers)
    stand.grootte = bepaal_grootte(deelnemers)
    stand.reikwijdte = bepaal_reikwijdte(deelnemers, per_provincie)


GROOTTE_VELDEN = ["aantal_deelnemers", "aantal_gemeenten", "grootte", "reikwijdte"]


def regels(nummers):
    """Source line numbers as a short text: "regels 12–14, 20" ("regel 7" for one)."""
    nummers = sorted(set(nummers))
    if not nummers:
        return ""
    reeksen, start, vorige = [], nummers[0], nummers[0]
    for n in nummers[1:] + [None]:
        if n is not None and n == vorige + 1:
            vorige = n
            continue
        reeksen.append(str(start) if start == vorige else f"{start}–{vorige}")
        if n is not None:
            start = vorige = n
    woord = "regel" if len(nummers) == 1 else "regels"
    return f"{woord} {', '.join(reeksen)}"


def herindelingsstappen():
    """{voorganger_id: [Herindeling]}: what `Gemeente.opvolger_op` follows, read once."""
    out = defaultdict(list)
    for stap in Herindeling.objects.select_related("voorganger", "opvolger"):
        out[stap.voorganger_id].append(stap)
    return dict(out)


def schrijf_stand(
    samenwerking, peildatum, naam_in_bron, bron, deelnames, per_provincie, stappen=None, **stand
):
    """Replace the arrangement's snapshot at `peildatum`.

    `deelnames`: iterable of dicts with `deelnemer` (Gemeente or Organisatie), `naam_in_bron`
    and optionally `rol`, `rol_in_bron` (the source's word), `toegetreden_op`, `bron`, `waar`
    (file and row, for errors). A participant named twice is kept once. A municipality that did
    not exist on the peildatum is attributed to its successor on that date through `Herindeling`
    (the record keeps the source's name and the former municipality); one without a single
    successor stops the import. `stand`: titel, doel, rechtsvorm, zetel as the source gives them
    (default title: the arrangement's name), and `bron_bestand`, `bron_regels` (where in the
    source the snapshot came from); the register version in force on the date, where there is
    one, overrides the first four and is kept as `versie`.
    """
    versies = list(samenwerking.versies.all())
    in_kracht = [v for v in versies if v.in_werking_op(peildatum.datum)]
    if in_kracht:
        # The register version in force on the date gives title, purpose, legal form, seat.
        versie = in_kracht[0]
        stand.update(
            versie=versie,
            titel=versie.titel,
            doel=versie.doel,
            rechtsvorm=versie.rechtsvorm,
            zetel=versie.zetel,
        )
    else:
        stand["versie"] = None
        if versies:
            # A register arrangement without a version in force then: the source's own
            # name and no purpose or legal form, never those of a later version.
            stand["titel"] = stand.get("titel") or naam_in_bron
            stand["doel"] = ""
            stand["rechtsvorm"] = None
        stand.setdefault("titel", samenwerking.naam)
    stand_obj, _ = Stand.objects.update_or_create(
        samenwerking=samenwerking,
        peildatum=peildatum,
        defaults=dict(naam_in_bron=naam_in_bron, bron=bron, **stand),
    )
    stand_obj.deelnames.all().delete()
    if stappen is None:
        stappen = herindelingsstappen()
    rijen, herleid = [], []
    for d in deelnames:
        obj = d["deelnemer"]
        if isinstance(obj, Gemeente) and not obj.bestaat_op(peildatum.datum):
            opvolger = obj.opvolger_op(peildatum.datum, stappen)
            if opvolger is None:
                raise ImportFout(
                    [
                        Fout(
                            d.get("waar") or str(samenwerking.slug),
                            d["naam_in_bron"],
                            f"{obj} ({obj.cbs_code}) did not exist on {peildatum.datum} and "
                            "has no single successor in cbs/herindelingen.csv",
                        )
                    ]
                )
            herleid.append({**d, "deelnemer": opvolger, "voormalige_gemeente": obj})
        else:
            rijen.append(d)
    # Named participants first: a successor the source also names itself keeps that row.
    # Several former municipalities attributed to one successor are one membership that
    # keeps every name the source gave (Bolsward, Sneek → Súdwest-Fryslân).
    gekozen = {}
    for d in rijen + herleid:
        obj = d["deelnemer"]
        key = (type(obj).__name__, obj.pk)
        if key not in gekozen:
            gekozen[key] = dict(d)
        elif d.get("voormalige_gemeente") and gekozen[key].get("voormalige_gemeente"):
            gekozen[key]["naam_in_bron"] += f", {d['naam_in_bron']}"
    deelnemers = []
    for d in gekozen.values():
        obj = d["deelnemer"]
        deelnemers.append(als_deelnemer(obj))
        Deelname.objects.create(
            stand=stand_obj,
            gemeente=obj if isinstance(obj, Gemeente) else None,
            organisatie=obj if isinstance(obj, Organisatie) else None,
            rol=d.get("rol") or Deelname.Rol.DEELNEMER,
            rol_in_bron=d.get("rol_in_bron", ""),
            toegetreden_op=d.get("toegetreden_op"),
            naam_in_bron=d["naam_in_bron"][:300],
            voormalige_gemeente=d.get("voormalige_gemeente"),
            bron=d.get("bron") or bron,
        )
    zet_grootte_en_reikwijdte(stand_obj, deelnemers, per_provincie)
    stand_obj.save(update_fields=GROOTTE_VELDEN)
    return stand_obj


class Themas:
    """Primary and secondary taakveld of an arrangement, with the basis for the choice.

    themas.csv decides where it has a row; otherwise the register's policy areas, mapped
    through beleidsterreinen.csv (the first mapped area is primary). Nothing else: an
    arrangement neither decides is unresolved.
    """

    def __init__(self, curatie):
        self.themas = curatie.themas()
        self.beleid = curatie.beleidsterreinen()
        self.taakvelden = {t.code: t for t in Taakveld.objects.all()}

    def bepaal(self, slug, policy_areas=()):
        """(taakveld, [overige taakvelden], basis) or raises LookupError with the reason."""
        mapped = []
        for area in policy_areas or ():
            row = self.beleid.get(area.get("tooi"))
            if row and row["taakveld"] and row["taakveld"] in self.taakvelden:
                mapped.append((self.taakvelden[row["taakveld"]], area.get("naam", "")))
        row = self.themas.get(slug)
        if row:
            code = row["taakveld"]
            if code not in self.taakvelden:
                raise LookupError(f"themas.csv line {row['_regel']}: unknown taakveld {code!r}")
            overige = []
            for c in row["overige"].split():
                if c not in self.taakvelden:
                    raise LookupError(f"themas.csv line {row['_regel']}: unknown taakveld {c!r}")
                overige.append(self.taakvelden[c])
            overige += [t for t, _ in mapped]
            primair = self.taakvelden[code]
            return (
                primair,
                sorted({t for t in overige if t != primair}, key=lambda t: t.volgorde),
                row["basis"],
            )
        if mapped:
            primair, naam = mapped[0]
            overige = sorted({t for t, _ in mapped[1:] if t != primair}, key=lambda t: t.volgorde)
            return primair, overige, f"register-beleidsterrein: {naam}"
        raise LookupError(f"no taakveld for {slug}: add a row to fixtures/curation/themas.csv")
