"""A small TopoJSON decoder (https://github.com/topojson/topojson-specification), enough for
the CBS layers: one GeometryCollection of Polygons and MultiPolygons per file.

TopoJSON stores each shared boundary once, as an *arc*; a ring is a list of arc indices, where
`~i` (that is `-i - 1`) means arc `i` walked backwards. A quantised file (with a `transform`)
stores each arc as integer deltas: position k is the sum of the first k deltas, then scaled and
translated. Consecutive arcs of a ring share their end point, which is written once.

The decoder only turns the topology into GeoJSON-style coordinates; it does not repair
geometry (the importers validate with GEOS). Every defect raises `TopoJsonFout` with the
record it concerns, so an importer can name file and record.
"""

import json


class TopoJsonFout(ValueError):
    """A defect in a TopoJSON file; `waar` names the record ("-" for the file itself)."""

    def __init__(self, waar, reden):
        self.waar = waar
        self.reden = reden
        super().__init__(f"{waar}: {reden}")


def lees(text):
    """The parsed topology from JSON text; invalid or truncated JSON names the line."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", "?")
        raise TopoJsonFout(f"line {line}", f"not valid JSON ({getattr(exc, 'msg', exc)})") from exc
    if not isinstance(data, dict) or data.get("type") != "Topology":
        raise TopoJsonFout("-", "not a TopoJSON Topology")
    if not isinstance(data.get("arcs"), list) or not isinstance(data.get("objects"), dict):
        raise TopoJsonFout("-", "a Topology needs 'arcs' (a list) and 'objects'")
    return data


def _arcs(data):
    """Every arc as a list of (lon, lat), the transform applied."""
    transform = data.get("transform")
    if transform is not None:
        try:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        except (KeyError, TypeError, ValueError) as exc:
            raise TopoJsonFout("transform", "needs scale [x, y] and translate [x, y]") from exc
    out = []
    for i, arc in enumerate(data["arcs"]):
        if not isinstance(arc, list) or len(arc) < 2:
            raise TopoJsonFout(f"arc {i}", "an arc needs at least two positions")
        punten = []
        x = y = 0
        for positie in arc:
            if (
                not isinstance(positie, list)
                or len(positie) < 2
                or not all(isinstance(v, int | float) for v in positie[:2])
            ):
                raise TopoJsonFout(f"arc {i}", f"invalid position {positie!r}")
            if transform is None:
                punten.append((positie[0], positie[1]))
            else:
                x += positie[0]
                y += positie[1]
                punten.append((x * sx + tx, y * sy + ty))
        out.append(punten)
    return out


def _ring(indices, arcs, waar):
    if not isinstance(indices, list) or not indices:
        raise TopoJsonFout(waar, "empty ring")
    punten = []
    for index in indices:
        if not isinstance(index, int) or isinstance(index, bool):
            raise TopoJsonFout(waar, f"arc index {index!r} is not an integer")
        nummer = ~index if index < 0 else index
        if nummer >= len(arcs):
            raise TopoJsonFout(
                waar, f"arc index {index} refers to arc {nummer}; the file has {len(arcs)} arcs"
            )
        arc = arcs[nummer] if index >= 0 else arcs[nummer][::-1]
        punten.extend(arc if not punten else arc[1:])
    if len(punten) < 4 or punten[0] != punten[-1]:
        raise TopoJsonFout(waar, "ring is not closed (needs ≥ 4 positions, first = last)")
    return [list(p) for p in punten]


def _polygon(rings, arcs, waar):
    if not isinstance(rings, list) or not rings:
        raise TopoJsonFout(waar, "polygon without rings")
    return [_ring(r, arcs, waar) for r in rings]


def geometrie(obj, arcs, waar):
    """GeoJSON geometry (dict) of one Polygon or MultiPolygon object."""
    soort = obj.get("type")
    if soort == "Polygon":
        return {"type": "Polygon", "coordinates": _polygon(obj.get("arcs"), arcs, waar)}
    if soort == "MultiPolygon":
        delen = obj.get("arcs")
        if not isinstance(delen, list) or not delen:
            raise TopoJsonFout(waar, "no geometry (MultiPolygon without polygons)")
        return {"type": "MultiPolygon", "coordinates": [_polygon(p, arcs, waar) for p in delen]}
    if soort is None:
        raise TopoJsonFout(waar, "no geometry (type null)")
    raise TopoJsonFout(waar, f"{soort} is not an area")


def features(text, naam=None):
    """[(waar, properties, GeoJSON geometry or None, defect or None)] of the file's object
    `naam` (default: its only object). `waar` is "record <n> (<statcode>)", as error messages
    name it. A defect of the file itself raises; a defect of one record is returned with it, so
    an importer can report every bad record at once."""
    data = lees(text)
    objecten = data["objects"]
    if naam is None:
        if len(objecten) != 1:
            raise TopoJsonFout("-", f"expected one object, found {len(objecten)}")
        naam = next(iter(objecten))
    collectie = objecten.get(naam)
    if not isinstance(collectie, dict):
        raise TopoJsonFout("-", f"no object {naam!r}")
    if collectie.get("type") != "GeometryCollection" or not isinstance(
        collectie.get("geometries"), list
    ):
        raise TopoJsonFout(naam, "expected a GeometryCollection with geometries")
    arcs = _arcs(data)
    out = []
    for i, obj in enumerate(collectie["geometries"], start=1):
        props = (obj or {}).get("properties") or {}
        waar = f"record {i} ({props.get('statcode') or 'no statcode'})"
        try:
            if not isinstance(obj, dict):
                raise TopoJsonFout(waar, "not an object")
            out.append((waar, props, geometrie(obj, arcs, waar), None))
        except TopoJsonFout as exc:
            out.append((waar, props, None, exc.reden))
    return out
