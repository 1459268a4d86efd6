/*
 * Samenwerkingsatlas Noord: the extra layers of the /kaart/ page, over the municipalities.
 *
 * Paints what the server computed (gemeenten/kaart.py, netwerk.py, vergelijk.py) in the
 * "kaart-beeld" JSON: in the network view `lijnen` (label points and lines between them,
 * each with its class lijn-N), in the compare view `omtrekken` (the outlines of the regions
 * of A and of B). Colour, width, opacity and dash of each class are CSS custom properties
 * of kaart.css (--kaart-lijn-N, --kaart-lijnbreedte-N, --kaart-lijndekking-N,
 * --kaart-omtrek-a …), the same ones the SVG/PNG download reads. The lines are not
 * interactive and not tab stops: the table beside the map is their keyboard route.
 * kaartpagina.js calls `Atlaskaart.lagen.teken(kaart, beeld)` after each view.
 */
(function () {
  "use strict";

  const A = window.Atlaskaart;
  if (!A || !window.L) {
    return;
  }
  let groep = null;

  function eigenschap(naam) {
    return getComputedStyle(document.documentElement).getPropertyValue("--kaart-" + naam).trim();
  }

  function getal(naam, standaard) {
    const waarde = parseFloat(eigenschap(naam));
    return Number.isFinite(waarde) ? waarde : standaard;
  }

  function tekenLijnen(netwerk) {
    for (const [a, b, klasse] of netwerk.lijnen) {
      const van = netwerk.punten[a];
      const naar = netwerk.punten[b];
      const nummer = klasse.split("-")[1];
      groep.addLayer(
        L.polyline([van, naar], {
          color: eigenschap(klasse),
          weight: getal("lijnbreedte-" + nummer, 1),
          opacity: getal("lijndekking-" + nummer, 0.8),
          interactive: false,
          className: "kaart-lijn " + klasse,
        })
      );
    }
  }

  function tekenOmtrekken(omtrekken) {
    // B first, so A's solid outline lies under B's dashes where they coincide.
    const volgorde = omtrekken.filter((o) => o.kant === "b").concat(omtrekken.filter((o) => o.kant === "a"));
    for (const omtrek of volgorde) {
      const streep = eigenschap("omtrekstreep-" + omtrek.kant);
      groep.addLayer(
        L.polyline(omtrek.lijnen, {
          color: eigenschap("omtrek-" + omtrek.kant),
          weight: getal("omtrekbreedte-" + omtrek.kant, 2),
          opacity: 1,
          dashArray: streep || null,
          fill: false,
          interactive: false,
          className: "kaart-omtrek kaart-omtrek-" + omtrek.kant,
        })
      );
    }
  }

  function teken(kaart, beeld) {
    if (!groep) {
      groep = L.layerGroup().addTo(kaart);
    }
    groep.clearLayers();
    if (beeld.lijnen) {
      tekenLijnen(beeld.lijnen);
    }
    if (beeld.omtrekken) {
      tekenOmtrekken(beeld.omtrekken);
    }
  }

  A.lagen = { teken: teken };
})();
