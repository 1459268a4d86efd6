"""The map's payload per level of detail, for `make bench` (bench/run.py calls it against the
stack it starts): raw and gzip bytes of /api/gemeenten.geojson per snapshot and area, as a
browser gets them (Accept-Encoding: gzip). The first map paint per area is bench/run.py's own
(map_paint).
"""

import gzip
import json
import urllib.request

SNAPSHOTS = ("2016", "2026")
# The levels: the north's detailed layer (no gebied, the bytes of before), the national
# overview, and one province's overview.
GEBIEDEN = (None, "nederland", "utrecht")


def geojson_path(peildatum, gebied):
    path = f"/api/gemeenten.geojson?peildatum={peildatum}"
    return path + (f"&gebied={gebied}" if gebied else "")


def payloads(base_url, snapshots=SNAPSHOTS, gebieden=GEBIEDEN):
    """Raw and gzip bytes as served (Accept-Encoding: gzip) per snapshot and area."""
    results = {}
    for peildatum in snapshots:
        for gebied in gebieden:
            request = urllib.request.Request(
                base_url + geojson_path(peildatum, gebied), headers={"Accept-Encoding": "gzip"}
            )
            with urllib.request.urlopen(request) as response:
                body = response.read()
                encoded = response.headers.get("Content-Encoding") == "gzip"
            raw = gzip.decompress(body) if encoded else body
            features = len(json.loads(raw)["features"])
            results[(peildatum, gebied or "noord")] = {
                "features": features,
                "raw": len(raw),
                "gzip": len(body) if encoded else len(gzip.compress(raw)),
            }
    return results
