/*
 * Samenwerkingsatlas Noord: the /kaart/ page.
 *
 * Draws the municipalities of one snapshot (GeoJSON) and colours them from the arrangements
 * passed in json_script "kaart-config". The state (weergave, taakveld, schaal, samenwerking,
 * gemeente, regio) lives in the form and in the URL; on every change the map is recoloured here and the
 * table next to it is fetched from the server (?deel=tabel), so the table and the page without
 * JavaScript come from one place. The selection rules mirror gemeenten/kaart.py `selectie`.
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

  const PARAMETERS = ["weergave", "taakveld", "schaal", "samenwerking", "gemeente", "regio"];
  const REGIO_INDELING = "regio_indeling";
  const PALET = config.palet;
  const samenwerkingen = config.samenwerkingen;
  const opSlug = new Map(samenwerkingen.map((s) => [s.slug, s]));
  const staat = Object.assign({}, config.staat);

  let kaart = null;
  let laag = null;
  const lagen = new Map(); // CBS code -> Leaflet polygon
  let legendaDoos = null;
  let aantalLabels = null; // count labels on municipalities where arrangements overlap
  let beeld = null; // the current view: {weergave, gekozen, perGemeente, kleuren, gemeente, gedeeld}
  let gezocht = null; // CBS code of the municipality found by the search box
  let tabelVerzoek = null;

  /* ---- the view --------------------------------------------------------------------- */

  /* The CBS code of the municipality of the "partners" view (given as slug or code), or null. */
  function partnerGemeente() {
    for (const [code, pad] of lagen) {
      if (staat.gemeente && (staat.gemeente === pad.feature.properties.slug || staat.gemeente.toUpperCase() === code)) {
        return code;
      }
    }
    return null;
  }

  function effectieveWeergave() {
    if (staat.samenwerking && opSlug.has(staat.samenwerking)) {
      return "samenwerking";
    }
    if (staat.weergave && (staat.weergave !== "partners" || partnerGemeente())) {
      return staat.weergave;
    }
    return staat.taakveld || staat.schaal ? "lapjes" : "intensiteit";
  }

  function selectie() {
    return samenwerkingen.filter((s) => {
      if (s.soort === REGIO_INDELING && !staat.regio) {
        return false;
      }
      if (staat.taakveld && staat.taakveld !== s.taakveld && staat.taakveld !== s.hoofdtaakveld) {
        return false;
      }
      return !(staat.schaal && staat.schaal !== s.schaal);
    });
  }

  function berekenBeeld() {
    const gekozen = selectie();
    const kleuren = new Map(gekozen.map((s, i) => [s.slug, i % PALET.length]));
    const perGemeente = new Map();
    for (const samenwerking of gekozen) {
      for (const code of samenwerking.gemeenten) {
        if (!perGemeente.has(code)) {
          perGemeente.set(code, []);
        }
        perGemeente.get(code).push(samenwerking);
      }
    }
    // "partners": per municipality the number of these arrangements it shares with the chosen one.
    const gemeente = partnerGemeente();
    const gedeeld = new Map();
    for (const samenwerking of perGemeente.get(gemeente) || []) {
      for (const code of samenwerking.gemeenten) {
        if (code !== gemeente) {
          gedeeld.set(code, (gedeeld.get(code) || 0) + 1);
        }
      }
    }
    return {
      weergave: effectieveWeergave(),
      gekozen: gekozen,
      kleuren: kleuren,
      perGemeente: perGemeente,
      gemeente: gemeente,
      gedeeld: gedeeld,
    };
  }

  /* The number a municipality is coloured by in the intensity and partners views. */
  function aantalVoor(code) {
    if (beeld.weergave === "partners") {
      return beeld.gedeeld.get(code) || 0;
    }
    return (beeld.perGemeente.get(code) || []).length;
  }

  function gemeenteNaam(code) {
    return lagen.get(code).feature.properties.naam;
  }

  /* ---- colouring -------------------------------------------------------------------- */

  /* A striped SVG fill in the colours of several arrangements; returns "url(#id)". */
  function streeppatroon(kleurnummers) {
    const svg = element.querySelector(".leaflet-overlay-pane svg");
    const id = "streep-" + kleurnummers.join("-");
    if (!svg) {
      return PALET[kleurnummers[0]];
    }
    if (!svg.querySelector("#" + id)) {
      const ns = "http://www.w3.org/2000/svg";
      let defs = svg.querySelector("defs");
      if (!defs) {
        defs = document.createElementNS(ns, "defs");
        svg.insertBefore(defs, svg.firstChild);
      }
      const breedte = 6;
      const patroon = document.createElementNS(ns, "pattern");
      patroon.setAttribute("id", id);
      patroon.setAttribute("patternUnits", "userSpaceOnUse");
      patroon.setAttribute("width", String(breedte * kleurnummers.length));
      patroon.setAttribute("height", String(breedte * kleurnummers.length));
      patroon.setAttribute("patternTransform", "rotate(45)");
      kleurnummers.forEach((nummer, i) => {
        const streep = document.createElementNS(ns, "rect");
        streep.setAttribute("x", String(i * breedte));
        streep.setAttribute("y", "0");
        streep.setAttribute("width", String(breedte));
        streep.setAttribute("height", String(breedte * kleurnummers.length));
        streep.setAttribute("fill", PALET[nummer]);
        patroon.appendChild(streep);
      });
      defs.appendChild(patroon);
    }
    return "url(#" + id + ")";
  }

  function stijlVoor(code, klassen) {
    const basis = { color: A.KLEUR.grens, weight: 1, opacity: 1, fillColor: A.KLEUR.grijs, fillOpacity: 0.85 };
    const hier = beeld.perGemeente.get(code) || [];
    if (beeld.weergave === "samenwerking") {
      const deelnemer = opSlug.get(staat.samenwerking).gemeenten.indexOf(code) >= 0;
      basis.fillColor = deelnemer ? A.KLEUR.accent : A.KLEUR.grijs;
      basis.fillOpacity = deelnemer ? 0.85 : 0.6;
    } else if (beeld.weergave === "lapjes") {
      if (hier.length === 1) {
        basis.fillColor = PALET[beeld.kleuren.get(hier[0].slug)];
      } else if (hier.length > 1) {
        const nummers = hier.slice(0, 4).map((s) => beeld.kleuren.get(s.slug));
        basis.fillColor = streeppatroon(nummers);
        basis.color = "#1a1a1a";
        basis.weight = 2.5;
      }
    } else if (beeld.weergave === "partners" && code === beeld.gemeente) {
      basis.fillColor = A.KLEUR.focus;
      basis.color = "#1a1a1a";
      basis.weight = 4;
    } else {
      basis.fillColor = A.intensiteitsKleur(klassen, aantalVoor(code));
    }
    if (code === gezocht) {
      basis.color = A.KLEUR.focus;
      basis.weight = 4;
    }
    return basis;
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
    beeld = berekenBeeld();
    const maximum = Math.max(0, ...Array.from(lagen.keys(), aantalVoor));
    const klassen = A.intensiteitsKlassen(maximum);
    aantalLabels.clearLayers();
    lagen.forEach((pad, code) => {
      pad.setStyle(stijlVoor(code, klassen));
      const aantal = (beeld.perGemeente.get(code) || []).length;
      const meer = aantal > 1 && beeld.weergave === "lapjes";
      if (meer || code === gezocht || (beeld.weergave === "partners" && code === beeld.gemeente)) {
        pad.bringToFront();
      }
      if (meer) {
        // Overlap in numbers as well as stripes: how many of these arrangements meet here.
        aantalLabels.addLayer(
          L.tooltip({ permanent: true, direction: "center", className: "kaart-aantal", interactive: false })
            .setLatLng(labelPunt(pad))
            .setContent(String(aantal))
        );
      }
    });
    tekenLegenda(klassen);
    form.querySelector("#keuze-gemeente-veld").hidden = staat.weergave !== "partners";
    element.dataset.weergave = beeld.weergave;
    element.dataset.geladen = "ja";
  }

  function tekenLegenda(klassen) {
    if (beeld.weergave === "samenwerking") {
      A.vulLegenda(legendaDoos, "Legenda", [
        { kleur: A.KLEUR.accent, tekst: "Deelnemer aan " + opSlug.get(staat.samenwerking).naam },
        { kleur: A.KLEUR.grijs, tekst: "Overige gemeenten" },
      ]);
    } else if (beeld.weergave === "lapjes") {
      A.vulLegenda(legendaDoos, beeld.gekozen.length + " samenwerkingen", [
        { kleur: PALET[0], tekst: "één samenwerking: haar kleur (zie de tabel)" },
        { kleur: "#555555", tekst: "meer dan één: gestreept, dikke rand, met het aantal" },
        { kleur: A.KLEUR.grijs, tekst: "geen" },
      ]);
    } else {
      const partners = beeld.weergave === "partners";
      const regels = [{ kleur: A.KLEUR.grijs, tekst: "0" }].concat(
        klassen.map((klasse) => ({ kleur: klasse.kleur, tekst: A.klasseLabel(klasse) }))
      );
      if (partners) {
        regels.unshift({ kleur: A.KLEUR.focus, tekst: gemeenteNaam(beeld.gemeente) });
      }
      A.vulLegenda(
        legendaDoos,
        partners ? "Gedeelde samenwerkingen met " + gemeenteNaam(beeld.gemeente) : "Aantal samenwerkingen",
        regels
      );
    }
  }

  /* ---- popups and tooltips ---------------------------------------------------------- */

  function queryString(extra) {
    const params = new URLSearchParams();
    params.set("peildatum", config.peildatum);
    for (const naam of PARAMETERS) {
      const waarde = naam === "regio" ? (staat.regio ? "1" : "") : staat[naam];
      if (waarde && (naam !== "gemeente" || staat.weergave === "partners")) {
        params.set(naam, waarde);
      }
    }
    for (const [naam, waarde] of Object.entries(extra || {})) {
      if (waarde) {
        params.set(naam, waarde);
      }
    }
    return params.toString();
  }

  function lijstUrl(eigenschappen) {
    const params = new URLSearchParams();
    params.set("peildatum", config.peildatum);
    params.set("gemeente", eigenschappen.slug);
    if (staat.taakveld) {
      params.set("taakveld", staat.taakveld);
    }
    if (staat.schaal) {
      params.set("schaal", staat.schaal);
    }
    if (staat.regio) {
      params.set("regio", "1");
    }
    return config.urls.lijst + "?" + params.toString();
  }

  function popup(pad) {
    const eigenschappen = pad.feature.properties;
    const hier = beeld.perGemeente.get(eigenschappen.cbs_code) || [];
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

    const gefilterd = staat.taakveld || staat.schaal || staat.regio;
    if (beeld.weergave === "partners" && eigenschappen.cbs_code !== beeld.gemeente) {
      const gedeeld = aantalVoor(eigenschappen.cbs_code);
      const regel = document.createElement("p");
      regel.className = "kaart-popup-gedeeld";
      regel.textContent =
        gedeeld +
        (gedeeld === 1 ? " gedeelde samenwerking met " : " gedeelde samenwerkingen met ") +
        gemeenteNaam(beeld.gemeente);
      doos.appendChild(regel);
    }
    if (beeld.weergave === "samenwerking") {
      const samenwerking = opSlug.get(staat.samenwerking);
      const doetMee = samenwerking.gemeenten.indexOf(eigenschappen.cbs_code) >= 0;
      const regel = document.createElement("p");
      regel.appendChild(document.createTextNode(doetMee ? "Doet mee aan " : "Doet niet mee aan "));
      regel.appendChild(A.link(samenwerking.naam, samenwerking.url));
      doos.appendChild(regel);
    } else if (gefilterd) {
      const inKeuze = document.createElement("p");
      const thema = staat.taakveld ? " in thema " + (config.themas[staat.taakveld] || staat.taakveld) : "";
      const schaal = staat.schaal ? " op schaal " + (config.schalen[staat.schaal] || staat.schaal) : "";
      inKeuze.textContent = hier.length + thema + schaal + (hier.length ? ":" : ".");
      doos.appendChild(inKeuze);
      if (hier.length) {
        const lijst = document.createElement("ul");
        hier.slice(0, 8).forEach((s) => {
          const item = document.createElement("li");
          item.appendChild(A.link(s.naam, s.url));
          lijst.appendChild(item);
        });
        if (hier.length > 8) {
          const rest = document.createElement("li");
          rest.textContent = "en nog " + (hier.length - 8);
          lijst.appendChild(rest);
        }
        doos.appendChild(lijst);
      }
    }
    const links = document.createElement("ul");
    links.className = "kaart-popup-links";
    const profiel = document.createElement("li");
    profiel.appendChild(A.link("Profiel van " + eigenschappen.naam, eigenschappen.url));
    links.appendChild(profiel);
    const lijst = document.createElement("li");
    lijst.appendChild(
      A.link(
        (gefilterd ? "Deze samenwerkingen van " : "Alle samenwerkingen van ") + eigenschappen.naam + " als lijst",
        lijstUrl(eigenschappen)
      )
    );
    links.appendChild(lijst);
    doos.appendChild(links);
    return doos;
  }

  function tooltip(pad) {
    const eigenschappen = pad.feature.properties;
    const aantal = aantalVoor(eigenschappen.cbs_code);
    const tekst = document.createElement("span");
    tekst.textContent = beeld.weergave === "samenwerking" ? eigenschappen.naam : eigenschappen.naam + ": " + aantal;
    return tekst;
  }

  /* ---- state: form, URL, table ------------------------------------------------------ */

  function leesForm() {
    staat.weergave = form.elements.weergave.value;
    staat.taakveld = form.elements.taakveld.value;
    staat.schaal = form.elements.schaal.value;
    staat.samenwerking = form.elements.samenwerking.value;
    staat.gemeente = form.elements.gemeente.value;
    staat.regio = form.elements.regio.checked;
  }

  function schrijfForm() {
    form.elements.weergave.value = staat.weergave || "";
    form.elements.taakveld.value = staat.taakveld || "";
    form.elements.schaal.value = staat.schaal || "";
    form.elements.samenwerking.value = staat.samenwerking || "";
    const gemeente = staat.gemeente && partnerGemeente();
    form.elements.gemeente.value = gemeente ? lagen.get(gemeente).feature.properties.slug : "";
    form.elements.regio.checked = Boolean(staat.regio);
  }

  function leesUrl() {
    const params = new URLSearchParams(window.location.search);
    for (const naam of PARAMETERS) {
      staat[naam] = params.get(naam) || "";
    }
    staat.regio = ["1", "ja", "on", "true"].indexOf((params.get("regio") || "").toLowerCase()) >= 0;
  }

  function laadTabel() {
    if (tabelVerzoek) {
      tabelVerzoek.abort();
    }
    tabelVerzoek = new AbortController();
    const url = config.urls.kaart + "?" + queryString({ deel: "tabel" });
    fetch(url, { signal: tabelVerzoek.signal })
      .then((antwoord) => antwoord.text())
      .then((html) => {
        tabel.innerHTML = html;
        const titel = tabel.querySelector("h2");
        if (titel) {
          element.setAttribute("aria-label", "Kaart: " + titel.textContent);
        }
        tabel.dataset.staat = queryString();
      })
      .catch((fout) => {
        if (fout.name !== "AbortError") {
          A.melding(tabel, "De tabel kon niet worden bijgewerkt; laad de pagina opnieuw.");
        }
      });
  }

  function zoomNaarSamenwerking() {
    const samenwerking = opSlug.get(staat.samenwerking);
    if (!samenwerking) {
      if (laag.getBounds().isValid()) {
        kaart.fitBounds(laag.getBounds(), { padding: [10, 10] }); // back to the whole region
      }
      return;
    }
    const groep = L.featureGroup(samenwerking.gemeenten.filter((c) => lagen.has(c)).map((c) => lagen.get(c)));
    if (groep.getLayers().length) {
      kaart.fitBounds(groep.getBounds(), { padding: [20, 20], maxZoom: 10 });
    }
  }

  function wijziging(opnieuwZoomen) {
    teken();
    if (opnieuwZoomen) {
      zoomNaarSamenwerking();
    }
    const url = config.urls.kaart + "?" + queryString();
    if (url !== window.location.pathname + window.location.search) {
      window.history.pushState(null, "", url);
    }
    laadTabel();
  }

  /* "met wie" needs a municipality first: show its field and wait for the choice. */
  function wachtOpGemeente() {
    if (staat.weergave !== "partners" || partnerGemeente()) {
      return false;
    }
    form.querySelector("#keuze-gemeente-veld").hidden = false;
    form.elements.gemeente.focus();
    return true;
  }

  function koppelForm() {
    form.addEventListener("change", (gebeurtenis) => {
      if (gebeurtenis.target.name === "peildatum") {
        form.submit(); // another snapshot: other polygons and arrangements, a new page
        return;
      }
      leesForm();
      if (!wachtOpGemeente()) {
        wijziging(gebeurtenis.target.name === "samenwerking");
      }
    });
    form.addEventListener("submit", (gebeurtenis) => {
      if (form.elements.peildatum.value !== config.peildatum) {
        return;
      }
      gebeurtenis.preventDefault();
      leesForm();
      if (!wachtOpGemeente()) {
        wijziging(true);
      }
    });
    window.addEventListener("popstate", () => {
      leesUrl();
      schrijfForm();
      teken();
      laadTabel();
    });
  }

  /* ---- the search box on the map ---------------------------------------------------- */

  function normaal(tekst) {
    return tekst.normalize("NFD").replace(/[\u0300-\u036f]/g, "").trim().toLowerCase();
  }

  function samenwerkingLabel(s) {
    return s.afkorting ? s.naam + " (" + s.afkorting + ")" : s.naam;
  }

  function vulZoeklijst() {
    const namen = [];
    lagen.forEach((pad) => namen.push(pad.feature.properties.naam));
    namen.sort((a, b) => a.localeCompare(b, "nl"));
    for (const naam of namen.concat(samenwerkingen.map(samenwerkingLabel))) {
      const optie = document.createElement("option");
      optie.value = naam;
      zoeklijst.appendChild(optie);
    }
  }

  function zoek(term) {
    const t = normaal(term);
    if (!t) {
      return null;
    }
    const paden = Array.from(lagen.values());
    const vindGemeente = (test) => {
      const pad = paden.find((p) => test(p.feature.properties));
      return pad ? { soort: "gemeente", pad: pad } : null;
    };
    const vindSamenwerking = (test) => {
      const s = samenwerkingen.find(test);
      return s ? { soort: "samenwerking", samenwerking: s } : null;
    };
    return (
      vindGemeente((p) => normaal(p.naam) === t || p.cbs_code.toLowerCase() === t) ||
      vindSamenwerking(
        (s) =>
          normaal(s.naam) === t ||
          normaal(samenwerkingLabel(s)) === t ||
          (s.afkorting !== "" && normaal(s.afkorting) === t)
      ) ||
      vindGemeente((p) => normaal(p.naam).startsWith(t)) ||
      vindGemeente((p) => normaal(p.naam).includes(t)) ||
      vindSamenwerking((s) => normaal(samenwerkingLabel(s)).includes(t))
    );
  }

  function koppelZoeken() {
    vulZoeklijst();
    zoekForm.hidden = false;
    zoekForm.addEventListener("submit", (gebeurtenis) => {
      gebeurtenis.preventDefault();
      const treffer = zoek(zoekterm.value);
      if (!treffer) {
        zoekmelding.textContent = "Geen gemeente of samenwerking gevonden voor ‘" + zoekterm.value + "’.";
        return;
      }
      if (treffer.soort === "gemeente") {
        const eigenschappen = treffer.pad.feature.properties;
        gezocht = eigenschappen.cbs_code;
        teken();
        kaart.fitBounds(treffer.pad.getBounds(), { padding: [30, 30], maxZoom: 13 });
        treffer.pad.openPopup(labelPunt(treffer.pad));
        zoekmelding.textContent = "Gevonden: gemeente " + eigenschappen.naam + ".";
        element.dataset.gezocht = gezocht;
      } else {
        gezocht = null;
        staat.samenwerking = treffer.samenwerking.slug;
        schrijfForm();
        wijziging(true);
        zoekmelding.textContent =
          "Gevonden: " + treffer.samenwerking.naam + " (" + treffer.samenwerking.gemeenten.length + " gemeenten uitgelicht).";
        element.dataset.gezocht = treffer.samenwerking.slug;
      }
    });
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
    const legenda = L.control({ position: "bottomright" });
    legenda.onAdd = () => {
      legendaDoos = L.DomUtil.create("div", "kaart-legenda");
      L.DomEvent.disableClickPropagation(legendaDoos);
      return legendaDoos;
    };
    legenda.addTo(kaart);
    teken();
    if (staat.samenwerking) {
      zoomNaarSamenwerking();
    }
    koppelForm();
    koppelZoeken();
    A.pagina = { kaart: kaart, lagen: lagen, staat: staat };
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
