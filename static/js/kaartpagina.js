/*
 * Samenwerkingsatlas Noord: the /kaart/ page.
 *
 * Paints what the server decided (gemeenten/kaart.py): the table fragment next to the map
 * carries, as json_script "kaart-beeld", per municipality its fill (colour slots), outline,
 * numbers and popup arrangements, and the legend. The colours are CSS custom properties
 * (kaart.css). On a change of the form the fragment is fetched again (?deel=tabel) and the
 * URL follows (pushState) the state the server returns; back and forward fetch it for the
 * URL. No selection rule lives here: which arrangements, which colours and which counts is
 * the server's answer.
 */
(function () {
  "use strict";

  const A = window.Atlaskaart;
  const element = document.getElementById("kaart");
  if (!A || !element || !window.L) {
    return;
  }
  const config = A.leesConfig(element);
  const form = document.getElementById("kaart-keuze");
  const tabel = document.getElementById("kaart-tabel");
  const zoekForm = document.getElementById("kaart-zoek");
  const zoekterm = document.getElementById("kaart-zoekterm");
  const zoeklijst = document.getElementById("kaart-zoeklijst");
  const zoekmelding = document.getElementById("kaart-zoekmelding");
  const legendaDoos = document.getElementById("kaart-legenda");
  const status = document.getElementById("kaart-status");
  const filters = document.getElementById("kaart-filters");

  // Map first: on a narrow screen the filters fold behind their "Filters" summary (open in
  // the HTML, so that without JavaScript the form is simply there).
  if (filters && window.matchMedia("(max-width: 63.99rem)").matches) {
    filters.open = false;
  }

  let kaart = null;
  let laag = null;
  const lagen = new Map(); // CBS code -> Leaflet polygon
  let aantalLabels = null; // count labels on municipalities where arrangements overlap
  let beeld = null; // the current view, as the server sent it
  let gezocht = null; // CBS code of the municipality found by the search box
  let tabelVerzoek = null;

  function leesBeeld() {
    const bron = document.getElementById("kaart-beeld");
    return bron ? JSON.parse(bron.textContent) : null;
  }

  function vlakVan(code) {
    return beeld.vlakken[code] || { v: ["grijs"] };
  }

  function gemeenteNaam(code) {
    return lagen.get(code).feature.properties.naam;
  }

  /* ---- painting --------------------------------------------------------------------- */

  /* A striped SVG fill in the colours of several palette slots; returns "url(#id)". */
  function streeppatroon(slots) {
    const svg = element.querySelector(".leaflet-overlay-pane svg");
    const id = "streep-" + slots.join("-");
    if (!svg) {
      return A.kleur(slots[0]);
    }
    if (!svg.querySelector("#" + id)) {
      const ns = "http://www.w3.org/2000/svg";
      let defs = svg.querySelector("defs");
      if (!defs) {
        defs = document.createElementNS(ns, "defs");
        svg.insertBefore(defs, svg.firstChild);
      }
      const breedte = A.maat("streep");
      const patroon = document.createElementNS(ns, "pattern");
      patroon.setAttribute("id", id);
      patroon.setAttribute("patternUnits", "userSpaceOnUse");
      patroon.setAttribute("width", String(breedte * slots.length));
      patroon.setAttribute("height", String(breedte * slots.length));
      patroon.setAttribute("patternTransform", "rotate(45)");
      slots.forEach((slot, i) => {
        const streep = document.createElementNS(ns, "rect");
        streep.setAttribute("x", String(i * breedte));
        streep.setAttribute("y", "0");
        streep.setAttribute("width", String(breedte));
        streep.setAttribute("height", String(breedte * slots.length));
        streep.setAttribute("fill", A.kleur(slot));
        patroon.appendChild(streep);
      });
      defs.appendChild(patroon);
    }
    return "url(#" + id + ")";
  }

  function stijlVoor(code) {
    const vlak = vlakVan(code);
    const stijl = {
      color: A.kleur("grens"),
      weight: A.maat("rand"),
      opacity: 1,
      fillOpacity: A.maat(vlak.dof ? "dekking-dof" : "dekking"),
    };
    stijl.fillColor = vlak.v.length > 1 ? streeppatroon(vlak.v) : A.kleur(vlak.v[0]);
    if (vlak.rand) {
      // "overlap" or "focus": a dark outline of the width kaart.css gives it.
      stijl.color = A.kleur("rand");
      stijl.weight = A.maat("rand-" + vlak.rand);
    }
    if (code === gezocht) {
      stijl.color = A.kleur("focus");
      stijl.weight = A.maat("rand-focus");
    }
    return stijl;
  }

  /* Where a label goes: the centroid of the largest part of a (multi)polygon, so a label
     does not land in the Wadden Sea between a municipality's islands. */
  function labelPunt(pad) {
    const geometrie = pad.feature.geometry;
    const delen = geometrie.type === "MultiPolygon" ? geometrie.coordinates : [geometrie.coordinates];
    let beste = null;
    let besteOppervlak = 0;
    for (const deel of delen) {
      const ring = deel[0];
      let oppervlak = 0;
      let x = 0;
      let y = 0;
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
        const f = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
        oppervlak += f;
        x += (ring[j][0] + ring[i][0]) * f;
        y += (ring[j][1] + ring[i][1]) * f;
      }
      if (oppervlak !== 0 && Math.abs(oppervlak) > besteOppervlak) {
        besteOppervlak = Math.abs(oppervlak);
        beste = L.latLng(y / (3 * oppervlak), x / (3 * oppervlak));
      }
    }
    return beste || pad.getBounds().getCenter();
  }

  function teken() {
    aantalLabels.clearLayers();
    lagen.forEach((pad, code) => {
      const vlak = vlakVan(code);
      pad.setStyle(stijlVoor(code));
      if (vlak.rand || code === gezocht) {
        pad.bringToFront();
      }
      if (vlak.label) {
        // Overlap in numbers as well as stripes: how many of these arrangements meet here.
        aantalLabels.addLayer(
          L.tooltip({ permanent: true, direction: "center", className: "kaart-aantal", interactive: false })
            .setLatLng(labelPunt(pad))
            .setContent(String(vlak.label))
        );
      }
    });
    A.vulLegenda(legendaDoos, beeld.legenda.titel, beeld.legenda.regels);
    legendaDoos.hidden = false;
    if (A.lagen) {
      A.lagen.teken(kaart, beeld); // network lines, compare outlines (kaartlagen.js)
    }
    element.setAttribute("aria-label", "Kaart: " + beeld.titel);
    element.dataset.weergave = beeld.weergave;
    element.dataset.geladen = "ja";
  }

  /* ---- popups and tooltips ---------------------------------------------------------- */

  function lijstUrl(eigenschappen) {
    const url = new URL(beeld.lijst, window.location.href);
    url.searchParams.set("gemeente", eigenschappen.slug);
    return url.pathname + url.search;
  }

  /* A profile carries the selection, so that its links back to the list and map keep it. */
  function profielUrl(eigenschappen) {
    return new URL(eigenschappen.url, window.location.href).pathname + "?" + beeld.mee;
  }

  function popup(pad) {
    const eigenschappen = pad.feature.properties;
    const vlak = vlakVan(eigenschappen.cbs_code);
    const doos = document.createElement("div");
    doos.className = "kaart-popup";
    const kop = document.createElement("p");
    kop.className = "kaart-popup-naam";
    kop.textContent = eigenschappen.naam;
    doos.appendChild(kop);

    const totaal = document.createElement("p");
    totaal.textContent =
      eigenschappen.aantal + (eigenschappen.aantal === 1 ? " samenwerking" : " samenwerkingen") + " op deze peildatum";
    doos.appendChild(totaal);

    if (vlak.tekst) {
      const regel = document.createElement("p"); // a view's own line, in the server's words
      regel.className = "kaart-popup-tekst";
      regel.textContent = vlak.tekst;
      doos.appendChild(regel);
    }
    if (beeld.partner && vlak.gedeeld !== undefined) {
      const regel = document.createElement("p");
      regel.className = "kaart-popup-gedeeld";
      regel.textContent =
        vlak.gedeeld +
        (vlak.gedeeld === 1 ? " gedeelde samenwerking met " : " gedeelde samenwerkingen met ") +
        beeld.partner;
      doos.appendChild(regel);
    }
    if (beeld.uitgelicht) {
      const doetMee = beeld.uitgelicht.gemeenten.indexOf(eigenschappen.cbs_code) >= 0;
      const regel = document.createElement("p");
      regel.appendChild(document.createTextNode(doetMee ? "Doet mee aan " : "Doet niet mee aan "));
      regel.appendChild(A.link(beeld.uitgelicht.naam, beeld.uitgelicht.url));
      doos.appendChild(regel);
    } else if (beeld.keuze) {
      const hier = (vlak.s || []).map((i) => beeld.samenwerkingen[i]);
      const inKeuze = document.createElement("p");
      inKeuze.textContent = vlak.n + " " + beeld.keuze + (vlak.n ? ":" : ".");
      doos.appendChild(inKeuze);
      if (hier.length) {
        const lijst = document.createElement("ul");
        hier.forEach((s) => {
          const item = document.createElement("li");
          item.appendChild(A.link(s.naam, s.url));
          lijst.appendChild(item);
        });
        if (vlak.meer) {
          const rest = document.createElement("li");
          rest.textContent = "en nog " + vlak.meer;
          lijst.appendChild(rest);
        }
        doos.appendChild(lijst);
      }
    }
    const links = document.createElement("ul");
    links.className = "kaart-popup-links";
    const profiel = document.createElement("li");
    profiel.appendChild(A.link("Profiel van " + eigenschappen.naam, profielUrl(eigenschappen)));
    links.appendChild(profiel);
    const lijst = document.createElement("li");
    lijst.appendChild(
      A.link(
        (beeld.keuze ? "Deze samenwerkingen van " : "Alle samenwerkingen van ") + eigenschappen.naam + " als lijst",
        lijstUrl(eigenschappen)
      )
    );
    links.appendChild(lijst);
    doos.appendChild(links);
    return doos;
  }

  function tooltip(pad) {
    const eigenschappen = pad.feature.properties;
    const vlak = vlakVan(eigenschappen.cbs_code);
    const tekst = document.createElement("span");
    tekst.textContent = vlak.n === undefined ? eigenschappen.naam : eigenschappen.naam + ": " + vlak.n;
    return tekst;
  }

  /* ---- state: form, URL, table ------------------------------------------------------ */

  /* The form as a query string, empty fields left out; the server answers with the state. */
  function formQuery() {
    const params = new URLSearchParams();
    for (const [naam, waarde] of new FormData(form)) {
      if (waarde) {
        params.set(naam, waarde);
      }
    }
    return params;
  }

  /* The form shows the state the server returned (after back/forward). */
  function schrijfForm() {
    for (const [naam, waarde] of Object.entries(beeld.staat)) {
      const veld = form.elements[naam];
      if (!veld || !veld.tagName) {
        continue;
      }
      if (veld.type === "checkbox") {
        veld.checked = Boolean(waarde);
      } else {
        veld.value = waarde || "";
      }
    }
    form.elements.peildatum.value = config.peildatum;
  }

  /* Links in the header (peildatum switch) follow the state of the page. */
  function volgLinks() {
    document.querySelectorAll(".peildatumkeuze a").forEach((a) => {
      const params = new URLSearchParams(beeld.query);
      params.set("peildatum", new URL(a.href).searchParams.get("peildatum"));
      a.href = "?" + params.toString();
    });
    const lijstLink = document.getElementById("kaart-lijst-link");
    if (lijstLink) {
      lijstLink.href = beeld.lijst;
    }
  }

  /* Fetch the view for `params` from the server; `pushen` writes it to the history. */
  function laadBeeld(params, pushen) {
    if (tabelVerzoek) {
      tabelVerzoek.abort();
    }
    tabelVerzoek = new AbortController();
    params.set("deel", "tabel");
    return fetch(config.urls.kaart + "?" + params.toString(), { signal: tabelVerzoek.signal })
      .then((antwoord) => antwoord.text())
      .then((html) => {
        tabel.innerHTML = html;
        beeld = leesBeeld();
        const url = config.urls.kaart + "?" + beeld.query;
        if (pushen && url !== window.location.pathname + window.location.search) {
          window.history.pushState(null, "", url);
        }
        tabel.dataset.staat = beeld.query;
        teken();
        volgLinks();
        // One short sentence for a screen reader, not the whole table (no live region).
        status.textContent = "Kaart en tabel bijgewerkt: " + beeld.titel + ".";
        return beeld;
      })
      .catch((fout) => {
        if (fout.name !== "AbortError") {
          A.melding(tabel, "De tabel kon niet worden bijgewerkt; laad de pagina opnieuw.");
        }
      });
  }

  function zoomNaarUitgelicht() {
    if (!beeld || !beeld.uitgelicht) {
      if (laag.getBounds().isValid()) {
        kaart.fitBounds(laag.getBounds(), { padding: [10, 10] }); // back to the whole region
      }
      return;
    }
    const codes = beeld.uitgelicht.gemeenten.filter((c) => lagen.has(c));
    const groep = L.featureGroup(codes.map((c) => lagen.get(c)));
    if (groep.getLayers().length) {
      kaart.fitBounds(groep.getBounds(), { padding: [20, 20], maxZoom: 10 });
    }
  }

  function wijziging(opnieuwZoomen) {
    return laadBeeld(formQuery(), true).then((nieuw) => {
      if (nieuw && opnieuwZoomen) {
        zoomNaarUitgelicht();
      }
      return nieuw;
    });
  }

  /* "met wie" needs a municipality first: point to its field and wait for the choice. */
  function wachtOpGemeente() {
    if (form.elements.weergave.value !== "partners" || form.elements.gemeente.value) {
      return false;
    }
    form.elements.gemeente.focus();
    return true;
  }

  function koppelForm() {
    form.addEventListener("change", (gebeurtenis) => {
      if (gebeurtenis.target.name === "peildatum") {
        form.submit(); // another snapshot: other polygons and arrangements, a new page
        return;
      }
      if (gebeurtenis.target.name === "q") {
        return; // the search term counts when the form is submitted
      }
      if (!wachtOpGemeente()) {
        wijziging(gebeurtenis.target.name === "samenwerking");
      }
    });
    form.addEventListener("submit", (gebeurtenis) => {
      if (form.elements.peildatum.value !== config.peildatum) {
        return;
      }
      gebeurtenis.preventDefault();
      if (!wachtOpGemeente()) {
        wijziging(true);
      }
    });
    window.addEventListener("popstate", () => {
      laadBeeld(new URLSearchParams(window.location.search), false).then((nieuw) => {
        if (nieuw) {
          schrijfForm();
        }
      });
    });
  }

  /* ---- the search box on the map ---------------------------------------------------- */

  /* The arrangements of the snapshot: the options of the "uitlichten" field. */
  function samenwerkingOpties() {
    return Array.from(form.elements.samenwerking.options).filter((optie) => optie.value);
  }

  function vulZoeklijst() {
    const namen = [];
    lagen.forEach((pad) => namen.push(pad.feature.properties.naam));
    namen.sort((a, b) => a.localeCompare(b, "nl"));
    for (const naam of namen.concat(samenwerkingOpties().map((optie) => optie.textContent))) {
      const optie = document.createElement("option");
      optie.value = naam;
      zoeklijst.appendChild(optie);
    }
  }

  let zoekVerzoek = null;

  /* The server searches (/api/zoeken.json: case, accents, former names and typos forgiven,
     best first); the map shows the first record it can: a municipality on the map (or the
     one a former municipality went into), or an arrangement of the snapshot. */
  function zoek(term) {
    if (zoekVerzoek) {
      zoekVerzoek.abort();
    }
    zoekVerzoek = new AbortController();
    const params = new URLSearchParams({ q: term.trim(), peildatum: config.peildatum });
    if (config.gebied && config.gebied.code !== "noord") {
      params.set("gebied", config.gebied.code);
    }
    return fetch(zoekForm.dataset.zoekUrl + "?" + params.toString(), { signal: zoekVerzoek.signal })
      .then((antwoord) => (antwoord.ok ? antwoord.json() : null))
      .then((data) => {
        if (!data) {
          return null;
        }
        const opties = new Set(samenwerkingOpties().map((optie) => optie.value));
        const bedoeld = data.bedoeld.length ? data.bedoeld[0] : null;
        for (const t of data.treffers) {
          if (t.soort === "gemeente" && t.op_kaart && lagen.has(t.op_kaart)) {
            const via = t.op_kaart !== t.cbs_code ? t.naam : null;
            return { soort: "gemeente", pad: lagen.get(t.op_kaart), via: via, bedoeld: bedoeld };
          }
          if (t.soort === "samenwerking" && opties.has(t.slug)) {
            return { soort: "samenwerking", slug: t.slug, bedoeld: bedoeld };
          }
        }
        return null;
      });
  }

  function koppelZoeken() {
    vulZoeklijst();
    zoekForm.hidden = false;
    zoekForm.addEventListener("submit", (gebeurtenis) => {
      gebeurtenis.preventDefault();
      const term = zoekterm.value;
      if (!term.trim()) {
        return;
      }
      zoek(term)
        .then((treffer) => {
          if (!treffer) {
            zoekmelding.textContent = "Geen gemeente of samenwerking gevonden voor ‘" + term + "’.";
            return;
          }
          const bedoeld = treffer.bedoeld ? "Bedoelde u ‘" + treffer.bedoeld + "’? " : "";
          if (treffer.soort === "gemeente") {
            const eigenschappen = treffer.pad.feature.properties;
            const via = treffer.via ? treffer.via + " is opgegaan in " + eigenschappen.naam + ". " : "";
            gezocht = eigenschappen.cbs_code;
            teken();
            kaart.fitBounds(treffer.pad.getBounds(), { padding: [30, 30], maxZoom: 13 });
            treffer.pad.openPopup(labelPunt(treffer.pad));
            zoekmelding.textContent = bedoeld + via + "Gevonden: gemeente " + eigenschappen.naam + ".";
            element.dataset.gezocht = gezocht;
          } else {
            gezocht = null;
            form.elements.samenwerking.value = treffer.slug;
            wijziging(true).then((nieuw) => {
              if (nieuw && nieuw.uitgelicht) {
                zoekmelding.textContent =
                  bedoeld +
                  "Gevonden: " +
                  nieuw.uitgelicht.naam +
                  " (" +
                  nieuw.uitgelicht.gemeenten.length +
                  " gemeenten uitgelicht).";
                element.dataset.gezocht = treffer.slug;
              }
            });
          }
        })
        .catch((fout) => {
          if (fout.name !== "AbortError") {
            zoekmelding.textContent = "Zoeken lukte niet; probeer het opnieuw.";
          }
        });
    });
  }

  /* ---- two levels of detail (gemeenten/kaartlagen.py) ------------------------------- */

  /* An area beyond the north loads the national overview first; the detailed northern
     layer (the URL the north always had) is fetched only once the map is zoomed in to
     config.detail.zoom over a municipality the overview marks `detail`, and then replaces
     the geometry of those polygons in place (their popups, tooltips and paint stay). */
  let detailGeladen = false;

  function heeftDetailInBeeld() {
    if (kaart.getZoom() < config.detail.zoom) {
      return false;
    }
    const zicht = kaart.getBounds();
    for (const pad of lagen.values()) {
      if (pad.feature.properties.detail && zicht.intersects(pad.getBounds())) {
        return true;
      }
    }
    return false;
  }

  function wisselNaarDetail(data) {
    let gewisseld = 0;
    for (const feature of data.features) {
      const pad = lagen.get(feature.properties.cbs_code);
      if (!pad || !pad.feature.properties.detail) {
        continue; // not in this area
      }
      const g = feature.geometry;
      pad.setLatLngs(L.GeoJSON.coordsToLatLngs(g.coordinates, g.type === "Polygon" ? 1 : 2));
      pad.feature = Object.assign({}, pad.feature, { geometry: g });
      gewisseld += 1;
    }
    element.dataset.detail = String(gewisseld);
    teken(); // the count labels move to the detailed label points
  }

  function volgDetail() {
    if (!config.detail) {
      return;
    }
    element.dataset.detail = "0";
    const kijk = () => {
      if (detailGeladen || !heeftDetailInBeeld()) {
        return;
      }
      detailGeladen = true;
      A.laadGeoJSON(config.detail.url)
        .then(wisselNaarDetail)
        .catch(() => {
          detailGeladen = false; // the overview stays; a later zoom tries again
        });
    };
    kaart.on("zoomend moveend", kijk);
    kijk();
  }

  /* ---- start ------------------------------------------------------------------------ */

  function start(data) {
    element.replaceChildren();
    kaart = A.maakKaart(element, config.tegels, {});
    laag = L.geoJSON(data, {
      style: { className: "gemeentevlak" },
      onEachFeature: (feature, pad) => {
        lagen.set(feature.properties.cbs_code, pad);
        pad.bindPopup(popup, { maxWidth: 320 });
        pad.bindTooltip(tooltip, { sticky: true });
      },
    });
    // The map needs a view before its layers get SVG elements.
    if (laag.getBounds().isValid()) {
      kaart.fitBounds(laag.getBounds(), { padding: [10, 10] });
    } else {
      kaart.setView([53.0, 6.3], 7);
    }
    laag.addTo(kaart);
    aantalLabels = L.layerGroup().addTo(kaart);
    lagen.forEach((pad, code) => {
      const pad_element = pad.getElement();
      if (pad_element) {
        pad_element.classList.add("gemeentevlak");
        pad_element.setAttribute("data-code", code);
      }
    });
    lagen.forEach((pad) => A.geenTabstop(pad));
    A.sluitMetEscape(kaart);
    beeld = leesBeeld();
    teken();
    volgLinks();
    if (beeld.uitgelicht) {
      zoomNaarUitgelicht();
    }
    koppelForm();
    koppelZoeken();
    volgDetail();
    A.pagina = { kaart: kaart, lagen: lagen, beeld: () => beeld };
  }

  A.laadGeoJSON(config.geojson)
    .then(start)
    .catch((fout) => {
      A.melding(element, "De kaart kon niet worden geladen. De tabel hieronder toont dezelfde gegevens.");
      element.dataset.geladen = "fout";
      if (window.console) {
        window.console.warn(fout);
      }
    });
})();
