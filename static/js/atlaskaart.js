/*
 * Samenwerkingsatlas Noord: what every map of the site shares, and the mini-maps.
 *
 * A mini-map is a `.minikaart[data-config]` element; data-config names a json_script element
 * with the configuration made by gemeenten.kaart.mini_kaart(): geojson (URL), markeer (CBS
 * codes), focus (a CBS code or null), modus ("markeer" or "intensiteit"), tegels (basemap),
 * and for "intensiteit" the fill of each municipality (vulling) and the legend, both computed
 * by the server. Colours are named slots ("kleur-3", "intensiteit-2", "grijs", …) whose values
 * are CSS custom properties in kaart.css (--kaart-<slot>): no colour is defined here.
 * No inline script, no style attributes: data comes from json_script, styling from kaart.css
 * and from Leaflet's own path options.
 */
(function () {
  "use strict";

  if (window.Atlaskaart) {
    return; // included twice (two mini-maps on one page): the first copy draws them all
  }

  /* The colour of a slot, from kaart.css (--kaart-<slot>). */
  function kleur(slot) {
    return getComputedStyle(document.documentElement).getPropertyValue("--kaart-" + slot).trim();
  }

  /* A number of the map's drawing (outline widths, stripe width, fill opacity), from kaart.css
     (--kaartmaat-<naam>), which the server's map image reads too. */
  function maat(naam) {
    return parseFloat(getComputedStyle(document.documentElement).getPropertyValue("--kaartmaat-" + naam));
  }

  const geojsonCache = new Map();

  function laadGeoJSON(url) {
    if (!geojsonCache.has(url)) {
      const belofte = fetch(url, { headers: { Accept: "application/geo+json" } }).then(
        (antwoord) => {
          if (!antwoord.ok) {
            throw new Error("GeoJSON " + url + ": HTTP " + antwoord.status);
          }
          return antwoord.json();
        }
      );
      geojsonCache.set(url, belofte);
      belofte.catch(() => geojsonCache.delete(url));
    }
    return geojsonCache.get(url);
  }

  function leesConfig(element) {
    const bron = document.getElementById(element.dataset.config);
    return bron ? JSON.parse(bron.textContent) : null;
  }

  /* A Leaflet map in `element`; a basemap only when a tile URL is configured. */
  function maakKaart(element, tegels, opties) {
    const kaart = L.map(element, Object.assign({ zoomSnap: 0.25, minZoom: 6, maxZoom: 14 }, opties));
    kaart.attributionControl.setPrefix(false);
    kaart.attributionControl.addAttribution("Grenzen: CBS/Kadaster (CC BY 4.0)");
    if (tegels && tegels.url) {
      L.tileLayer(tegels.url, { attribution: tegels.attributie, maxZoom: 14 }).addTo(kaart);
    }
    return kaart;
  }

  /* The legend of a map stands outside it, right after the map element, so it covers no
     municipality: `regels` is a list of {kleur (a slot), tekst}. */
  function legenda(element, titel, regels) {
    let doos = element.nextElementSibling;
    if (!doos || !doos.classList.contains("kaart-legenda")) {
      doos = document.createElement("div");
      doos.className = "kaart-legenda";
      element.insertAdjacentElement("afterend", doos);
    }
    vulLegenda(doos, titel, regels);
    return doos;
  }

  function vulLegenda(doos, titel, regels) {
    doos.replaceChildren();
    const kop = document.createElement("p");
    kop.className = "kaart-legenda-titel";
    kop.textContent = titel;
    doos.appendChild(kop);
    const lijst = document.createElement("ul");
    for (const regel of regels) {
      const item = document.createElement("li");
      item.appendChild(kleurvlak(regel.kleur));
      item.appendChild(document.createTextNode(regel.tekst));
      lijst.appendChild(item);
    }
    doos.appendChild(lijst);
  }

  function kleurvlak(slot) {
    const vlak = document.createElement("span");
    vlak.className = "kleurvlak";
    vlak.setAttribute("aria-hidden", "true");
    vlak.style.backgroundColor = kleur(slot);
    return vlak;
  }

  function link(tekst, href) {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = tekst;
    return a;
  }

  function melding(element, tekst) {
    const p = document.createElement("p");
    p.className = "kaart-melding";
    p.setAttribute("role", "status");
    p.textContent = tekst;
    element.replaceChildren(p);
  }

  /* ---- mini-maps ---------------------------------------------------------------------- */

  function miniKaart(element) {
    const config = leesConfig(element);
    if (!config || element.dataset.gestart) {
      return;
    }
    element.dataset.gestart = "ja";
    laadGeoJSON(config.geojson)
      .then((data) => tekenMiniKaart(element, config, data))
      .catch(() => melding(element, "De kaart kon niet worden geladen."));
  }

  function tekenMiniKaart(element, config, data) {
    const kaart = maakKaart(element, config.tegels, { scrollWheelZoom: false });
    const markeer = new Set(config.markeer || []);
    const intensiteit = config.modus === "intensiteit";

    function stijl(feature) {
      const code = feature.properties.cbs_code;
      let vulling = "grijs";
      if (intensiteit) {
        vulling = (config.vulling || {})[code] || "grijs";
      } else if (code === config.focus) {
        vulling = "focus";
      } else if (markeer.has(code)) {
        vulling = "markeer";
      }
      return {
        className: "gemeentevlak",
        color: kleur("grens"),
        weight: maat("rand"),
        fillColor: kleur(vulling),
        fillOpacity: maat("dekking"),
      };
    }

    const laag = L.geoJSON(data, {
      style: stijl,
      onEachFeature: (feature, pad) => {
        pad.bindTooltip(feature.properties.naam, { sticky: true });
        pad.bindPopup(() => miniPopup(feature.properties, intensiteit));
      },
    });
    sluitMetEscape(kaart);

    const gemarkeerd = L.latLngBounds([]);
    let focus = null;
    laag.eachLayer((pad) => {
      const code = pad.feature.properties.cbs_code;
      if (code === config.focus || markeer.has(code)) {
        gemarkeerd.extend(pad.getBounds());
      }
      if (code === config.focus) {
        focus = pad;
      }
    });
    const grenzen = gemarkeerd.isValid() ? gemarkeerd : laag.getBounds();
    if (grenzen.isValid()) {
      kaart.fitBounds(grenzen, { padding: [12, 12], maxZoom: 10 });
    } else {
      kaart.setView([53.0, 6.3], 7);
    }
    // Layers get their SVG elements once the map has a view.
    laag.addTo(kaart);
    laag.eachLayer((pad) => {
      if (pad.getElement()) {
        pad.getElement().setAttribute("data-code", pad.feature.properties.cbs_code);
      }
      geenTabstop(pad);
    });
    if (focus) {
      focus.bringToFront();
    }

    if (intensiteit) {
      legenda(element, "Aantal samenwerkingen", config.legenda || []);
    } else {
      const regels = [];
      if (config.focus) {
        regels.push({ kleur: "focus", tekst: "Deze gemeente" });
      }
      if (markeer.size) {
        regels.push({
          kleur: "markeer",
          tekst: config.focus ? "Samenwerkingspartners" : "Deelnemende gemeenten",
        });
      }
      regels.push({ kleur: "grijs", tekst: "Overige gemeenten" });
      legenda(element, "Legenda", regels);
    }
    element.dataset.geladen = "ja";
  }

  /* Esc closes an open popup wherever the focus is (Leaflet does so only while the map itself
     has the focus); a focus inside the popup goes back to the map. */
  function sluitMetEscape(kaart) {
    document.addEventListener("keydown", (gebeurtenis) => {
      if (gebeurtenis.key !== "Escape" || !kaart._popup || !kaart.hasLayer(kaart._popup)) {
        return;
      }
      const houder = kaart.getContainer();
      const focusInPopup = kaart._popup.getElement().contains(document.activeElement);
      kaart.closePopup();
      if (focusInPopup) {
        houder.focus();
      }
    });
  }

  /* Polygons are no tab stops: the table beside each map is the keyboard route (docs/kaart.md). */
  function geenTabstop(pad) {
    const el = pad.getElement && pad.getElement();
    if (el) {
      el.setAttribute("tabindex", "-1");
    }
  }

  function miniPopup(eigenschappen, metAantal) {
    const doos = document.createElement("div");
    const naam = document.createElement("p");
    naam.className = "kaart-popup-naam";
    naam.appendChild(link(eigenschappen.naam, eigenschappen.url));
    doos.appendChild(naam);
    if (metAantal) {
      const aantal = document.createElement("p");
      aantal.textContent = eigenschappen.aantal + " samenwerkingen";
      doos.appendChild(aantal);
    }
    return doos;
  }

  window.Atlaskaart = {
    kleur: kleur,
    maat: maat,
    sluitMetEscape: sluitMetEscape,
    geenTabstop: geenTabstop,
    laadGeoJSON: laadGeoJSON,
    leesConfig: leesConfig,
    maakKaart: maakKaart,
    legenda: legenda,
    vulLegenda: vulLegenda,
    kleurvlak: kleurvlak,
    link: link,
    melding: melding,
  };

  function start() {
    document.querySelectorAll(".minikaart[data-config]").forEach(miniKaart);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
