"""Writing one arrangement's snapshot (Stand) with its participants, shared by the importers
of the 2016 and 2026 sources; and choosing its theme from the curation tables."""

from collections import defaultdict

from ..models import Deelname, Gemeente, Organisatie, Stand, Taakveld
from ..schaal import Deelnemer, bepaal_schaal


def gemeenten_per_provincie(peildatum):
    out = defaultdict(set)
    for g in Gemeente.objects.op(peildatum.datum).select_related("provincie"):
        out[g.provincie.code].add(g.cbs_code)
    return dict(out)


def als_deelnemer(obj):
    if isinstance(obj, Gemeente):
        return Deelnemer(provincie_code=obj.provincie.code, is_gemeente=True, cbs_code=obj.cbs_code)
    return Deelnemer(land=obj.land, provincie_code=obj.provincie_code)


def schrijf_stand(samenwerking, peildatum, naam_in_bron, bron, deelnames, per_provincie):
    """Replace the arrangement's snapshot at `peildatum`.

    `deelnames`: iterable of dicts with `deelnemer` (Gemeente or Organisatie), `naam_in_bron`
    and optionally `rol`, `toegetreden_op`, `bron`. A participant named twice is kept once.
    """
    stand, _ = Stand.objects.update_or_create(
        samenwerking=samenwerking,
        peildatum=peildatum,
        defaults=dict(naam_in_bron=naam_in_bron, bron=bron),
    )
    stand.deelnames.all().delete()
    gezien = set()
    deelnemers = []
    for d in deelnames:
        obj = d["deelnemer"]
        key = (type(obj).__name__, obj.pk)
        if key in gezien:
            continue
        gezien.add(key)
        deelnemers.append(als_deelnemer(obj))
        Deelname.objects.create(
            stand=stand,
            gemeente=obj if isinstance(obj, Gemeente) else None,
            organisatie=obj if isinstance(obj, Organisatie) else None,
            rol=d.get("rol") or Deelname.Rol.DEELNEMER,
            toegetreden_op=d.get("toegetreden_op"),
            naam_in_bron=d["naam_in_bron"],
            bron=d.get("bron") or bron,
        )
    stand.aantal_deelnemers = len(deelnemers)
    stand.schaal = bepaal_schaal(deelnemers, per_provincie)
    stand.save(update_fields=["aantal_deelnemers", "schaal"])
    return stand


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
