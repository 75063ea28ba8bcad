// The map: locations from /exports/locations.geojson as circle markers in the
// status colours of the PNG map, filters, popups, and the province layer.
/* global L */

import { $, ApiError, STATUS_ORDER, allPages, andMore, api, badge, el, failedNormItem, formatDay, formatScore, normSet, overdueText, problemText, say as sayIn, sessionExpired, showProblem, statusColours, statusLabel, tr, typeLabel, withSession } from "./common.js";

const NETHERLANDS = [[50.75, 3.35], [53.55, 7.25]];
const MAX_NORMS_SHOWN = 6;
// The statuses that need action are drawn larger, the others small (as on the PNG map).
const RADIUS = { critical: 8, below_norm: 8, incomplete: 6.5, meets_norms: 5.5, not_inspected: 5.5 };
const colours = statusColours();
const container = $("#map");
let map = null;
let markers = null;
let regions = null;
let provincesFilled = false;
let ui = null;
let loading = 0;

function say(text, bad = false) {
  sayIn("#map-state", text, bad);
}

function setUpMap() {
  // No fading: a popup is readable (and measurable) the moment it opens.
  map = L.map(container, {
    zoomControl: true, attributionControl: true, minZoom: 6, maxZoom: 17, zoomSnap: 0.25, fadeAnimation: false,
  });
  map.fitBounds(NETHERLANDS);
  map.attributionControl.setPrefix(false);
  const tiles = container.dataset.tileUrl;
  if (tiles) {
    L.tileLayer(tiles, { attribution: container.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }
  L.control.scale({ imperial: false }).addTo(map);
  markers = L.layerGroup().addTo(map);
  // Escape closes an open popup wherever the focus is (Leaflet only listens on the map).
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") map.closePopup();
  });
}

function filterQuery() {
  const params = new URLSearchParams();
  const boxes = [...document.querySelectorAll('#map-filters input[name="status"]')];
  const checked = boxes.filter((b) => b.checked).map((b) => b.value);
  if (checked.length < boxes.length) for (const status of checked) params.append("status", status);
  for (const name of ["type", "province"]) {
    const value = $(`#map-${name}`).value;
    if (value) params.set(name, value);
  }
  return { params, none: checked.length === 0 };
}

/** The norm titles of a popup; without them (said above the map) the codes stand alone. */
async function titlesFor(ref) {
  if (!ref) return {};
  try {
    return (await normSet(ref)).titles;
  } catch (error) {
    showProblem(`${tr("De titels van de normen konden niet worden geladen", "The titles of the norms could not be loaded")}: ${problemText(error)}`);
    return {};
  }
}

/**
 * Whether a feature has a page of its own to open: not when its code and name are masked
 * (the export's masked flag; a masked code would not be found).
 */
function linkable(p) {
  return !p.masked;
}

function popupContent(p, titles) {
  const failed = p.failed_norms || [];
  const critical = new Set(p.critical_norms || []);
  const ordered = [...failed].sort((a, b) => Number(critical.has(b)) - Number(critical.has(a)) || a.localeCompare(b));
  const shown = ordered.slice(0, MAX_NORMS_SHOWN);
  const list = el("ul", { class: "failed" }, shown.map((code) => failedNormItem(code, titles[code], critical.has(code))));
  return el("div", { class: "popup" },
    el("h3", {}, p.name),
    el("p", { class: "small" }, `${p.code} · ${typeLabel(p.type)} · ${p.municipality}`),
    el("p", {}, badge(p.status)),
    p.failing_since && ["critical", "below_norm"].includes(p.status)
      ? el("p", { class: "since" }, `${tr("Onder de norm sinds", "Below the norms since")} ${formatDay(p.failing_since)}`) : null,
    overdueCounts[p.code] ? el("p", { class: "overdue" }, overdueText(overdueCounts[p.code])) : null,
    el("p", {}, `${tr("Score", "Score")}: ${formatScore(p.overall)}`),
    el("p", {}, `${tr("Laatste bezoek", "Latest visit")}: ${p.observed_at ? formatDay(p.observed_at) : tr("nog geen", "none yet")}`),
    el("p", {}, `${tr("Kinderen aanwezig", "Children present")}: ${p.children_present ?? tr("onbekend", "not known")}`),
    failed.length ? el("p", { class: "small" }, el("strong", {}, tr("Niet gehaalde normen:", "Norms not met:"))) : null,
    failed.length ? list : null,
    ordered.length > shown.length ? el("p", { class: "small" }, andMore(ordered.length - shown.length)) : null,
    linkable(p) ? el("p", {}, el("a", { href: `/locations/${encodeURIComponent(p.code)}` }, tr("Details en scoreverloop", "Details and score over time"))) : null);
}

/**
 * Open a location's popup once its content is complete (the norm titles come from the
 * API), so that Leaflet places and pans it for its real size: clear of the zoom
 * buttons at the top and the scale and credit at the bottom.
 */
/** Open findings past their deadline per location code (none for roles that may not read them). */
let overdueCounts = {};
async function loadOverdue() {
  overdueCounts = {};
  try {
    const findings = await allPages("/findings?overdue=true");
    for (const finding of findings) overdueCounts[finding.location] = (overdueCounts[finding.location] || 0) + 1;
  } catch (error) {
    // A role that does not read findings (403) has none to count; anything else is said.
    if (!(error instanceof ApiError && error.status === 403)) {
      showProblem(`${tr("De bevindingen over de termijn konden niet worden geladen", "The overdue findings could not be loaded")}: ${problemText(error)}`);
    }
  }
}

async function openPopup(marker, p, fromKeyboard) {
  const titles = await titlesFor(p.norm_set);
  const popup = L.popup({
    maxHeight: Math.max(160, Math.min(320, container.clientHeight - 140)),
    maxWidth: Math.max(200, Math.min(300, container.clientWidth - 70)),
    autoPanPaddingTopLeft: L.point(12, 84),
    autoPanPaddingBottomRight: L.point(12, 36),
  }).setLatLng(marker.getLatLng()).setContent(popupContent(p, titles));
  popup.openOn(map);
  if (fromKeyboard) {
    const node = popup.getElement();
    const close = node && node.querySelector(".leaflet-popup-close-button");
    if (close) close.focus();
    map.once("popupclose", () => marker.getElement() && marker.getElement().focus());
  }
}

/** Markers are SVG paths: make each one a button that the keyboard reaches. */
function makeFocusable(marker, p) {
  const node = marker.getElement();
  if (!node) return;
  node.setAttribute("tabindex", "0");
  node.setAttribute("role", "button");
  node.setAttribute("aria-label", `${p.name}: ${statusLabel(p.status)}`);
  node.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      openPopup(marker, p, true);
    }
  });
}

function drawLocations(collection) {
  markers.clearLayers();
  // The worst status is drawn last, on top where markers overlap.
  const features = [...collection.features].sort((a, b) =>
    STATUS_ORDER.indexOf(b.properties.status) - STATUS_ORDER.indexOf(a.properties.status));
  const counts = {};
  let unplaced = 0;
  const bounds = [];
  for (const feature of features) {
    const p = feature.properties;
    counts[p.status] = (counts[p.status] || 0) + 1;
    if (!feature.geometry) {
      unplaced += 1;
      continue;
    }
    const [lon, lat] = feature.geometry.coordinates;
    const colour = colours[p.status] || colours.not_inspected;
    const marker = L.circleMarker([lat, lon], {
      radius: RADIUS[p.status] || 6,
      color: colour.edge,
      weight: 1.5,
      fillColor: colour.colour,
      fillOpacity: 0.95,
      className: `status-marker status-marker-${p.status}`,
    });
    marker.on("click", () => openPopup(marker, p, false));
    // Leaflet writes a string tooltip as HTML: hand it an element holding the name as text.
    marker.bindTooltip(() => el("span", {}, p.name));
    marker.addTo(markers);
    makeFocusable(marker, p);
    bounds.push([lat, lon]);
  }
  for (const node of document.querySelectorAll("[data-count]")) {
    node.textContent = `(${counts[node.dataset.count] || 0})`;
  }
  $("#map-unplaced").textContent = unplaced
    ? tr(`${unplaced} locatie${unplaced === 1 ? "" : "s"} zonder positie op de kaart (vertrouwelijk adres).`, `${unplaced} location${unplaced === 1 ? "" : "s"} without a position on the map (confidential address).`)
    : "";
  container.dataset.features = String(collection.features.length - unplaced);
  return bounds;
}

function fillProvinces(collection) {
  if (provincesFilled) return;
  provincesFilled = true;
  const names = [...new Set(collection.features.map((f) => f.properties.province).filter(Boolean))].sort((a, b) => a.localeCompare(b, "nl"));
  $("#map-province").append(...names.map((name) => el("option", { value: name }, name)));
}

async function loadLocations(fit) {
  const { params, none } = filterQuery();
  const ticket = ++loading;
  say(tr("Locaties laden…", "Loading locations…"));
  if (none) {
    drawLocations({ features: [] });
    container.dataset.loaded = "true";
    return say(tr("Geen status gekozen.", "No status chosen."));
  }
  try {
    const query = params.toString();
    const { data } = await api(`/exports/locations.geojson${query ? `?${query}` : ""}`);
    if (ticket !== loading) return;
    if (!query) fillProvinces(data);
    const bounds = drawLocations(data);
    // Without animation: the markers stand where they end up once the map says it is
    // loaded (a click during the zoom animation could land where a marker just was).
    if (fit && bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 10, animate: false });
    say(tr(`${data.features.length} locatie${data.features.length === 1 ? "" : "s"}`, `${data.features.length} location${data.features.length === 1 ? "" : "s"}`));
    container.dataset.loaded = "true";
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return ui.showLogin(sessionExpired());
    say(error instanceof ApiError && error.status === 403
      ? tr("Met uw rol is de kaart niet beschikbaar.", "The map is not available to your role.")
      : `${tr("De locaties konden niet worden geladen", "The locations could not be loaded")} (${problemText(error)}).`, true);
  }
}

function regionPopup(p) {
  return el("div", {},
    el("h3", {}, p.name),
    el("p", {}, `${tr("Locaties", "Locations")}: ${p.locations}`),
    el("p", {}, tr(`Onder de norm: ${p.below_norm} (waarvan kritiek: ${p.critical})`, `Below the norms: ${p.below_norm} (critical: ${p.critical})`)),
    el("p", {}, `${tr("Niet geïnspecteerd", "Not inspected")}: ${p.not_inspected}`),
    el("p", {}, `${tr("Kinderen in locaties onder de norm", "Children in locations below the norms")}: ${p.children_below_norm ?? 0}`),
    el("p", {}, `${tr("Gemiddelde score", "Mean score")}: ${formatScore(p.mean_score)}`));
}

async function loadRegions() {
  const toggle = $("#map-regions");
  try {
    const { data } = await api("/exports/regions.geojson?level=province");
    const hasShapes = data.features.some((f) => f.geometry && f.geometry.type !== "Point");
    if (!hasShapes) {
      // Provinces without boundaries would be bare points: there is nothing to outline.
      toggle.checked = false;
      toggle.disabled = true;
      $("#map-regions-note").textContent = tr("(geen provinciegrenzen geladen)", "(no province boundaries loaded)");
      return;
    }
    // Without tiles the provinces are the land on a sea-coloured background.
    const land = !container.dataset.tileUrl;
    regions = L.geoJSON(data, {
      // The boundaries that ship with the service name their source (CC BY 4.0).
      attribution: data.attribution || "",
      style: () => ({
        color: "#6b6b6b", weight: 1, fillColor: "#fbfbf8", fillOpacity: land ? 1 : 0.5,
        interactive: true, className: "region-shape",
      }),
      filter: (feature) => Boolean(feature.geometry) && feature.geometry.type !== "Point",
      onEachFeature: (feature, layer) => layer.bindPopup(() => regionPopup(feature.properties)),
    });
    toggle.disabled = false;
    // Without tiles the province outlines are the background of the map.
    if (!container.dataset.tileUrl) toggle.checked = true;
    showRegions();
  } catch (error) {
    toggle.disabled = true;
    toggle.closest("label").classList.add("muted");
    $("#map-regions-note").textContent = `(${tr("de provincies konden niet worden geladen", "the provinces could not be loaded")}: ${problemText(error)})`;
  }
}

function showRegions() {
  if (!regions) return;
  if ($("#map-regions").checked) {
    regions.addTo(map);
    regions.bringToBack();
  } else {
    regions.remove();
  }
}

async function start() {
  if (!map) {
    // On a phone the filters start folded, so that the map is in view.
    if (window.matchMedia("(max-width: 47.99em)").matches) $("#filters-box").open = false;
    setUpMap();
    $("#map-filters").addEventListener("change", (event) => {
      if (event.target.id === "map-regions") showRegions();
      else loadLocations(false);
    });
    $("#map-filters").addEventListener("submit", (event) => event.preventDefault());
  }
  // The map needs its final size before drawing: the content was hidden until now.
  map.invalidateSize();
  await Promise.all([loadRegions(), loadLocations(true), loadOverdue()]);
}

ui = withSession(start);
