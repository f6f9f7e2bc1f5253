// Skygate dashboard: plain JavaScript over the gateway's own API, nothing fetched from elsewhere.
// The token lives in sessionStorage (this tab only) and goes out only in the Authorization header.
// Every word it shows is a message of i18n.js (t, say), in English or Simplified Chinese; names and IDs are data.
"use strict";

const state = {
  token: sessionStorage.getItem("skygate-token"), me: null, feed: null, feedEvents: [], timer: null, cameras: new Map(),
  timeline: null,
};
const svgNS = "http://www.w3.org/2000/svg";
const $ = (id) => document.getElementById(id);

/** An element with attributes and children; text is always set as text, never parsed as HTML. */
function el(tag, attributes = {}, ...children) {
  const node = tag.startsWith("svg:") ? document.createElementNS(svgNS, tag.slice(4)) : document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) node.setAttribute(key, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: { Authorization: `Bearer ${state.token}`, ...(options.headers || {}) } });
  if (response.status === 401) { signOut("signIn.refusedAgain"); throw new Error("unauthorised"); }
  if (!response.ok) {
    let message = response.statusText;
    try { message = (await response.json()).error.message; } catch (_) {}
    throw new Error(message);
  }
  return response;
}
const getJSON = async (path) => (await api(path)).json();

const roles = ["viewer", "operator", "admin"];
const atLeast = (role) => state.me && roles.indexOf(state.me.role) >= roles.indexOf(role);
// Dates and numbers in the format of the page's language.
const time = (iso) => (iso ? new Date(iso).toLocaleString(language) : "–");
const clock = (iso) => (iso ? new Date(iso).toLocaleTimeString(language) : "–");
const fixed = (value, digits) => (value === undefined || value === null ? "–"
  : Number(value).toLocaleString(language, { minimumFractionDigits: digits, maximumFractionDigits: digits }));
// A camera's delivered frame rate and GOP, with the rate its stream declares (SPS timing) when known.
const frameRateValue = (status) => status.declaredFrameRate != null
  ? t("camera.frameRateDeclaredValue", { fps: fixed(status.frameRate, 1), declared: fixed(status.declaredFrameRate, 0),
    gop: fixed(status.gop, 2) })
  : t("camera.frameRateValue", { fps: fixed(status.frameRate, 1), gop: fixed(status.gop, 2) });
const count = (value) => Number(value).toLocaleString(language);
const joined = (items) => items.join(t("list.separator"));

// The words for codes the server sends (a state, a reason, an event kind, …); a code new to this page as it is.
const named = (group, code) => (hasMessage(`${group}.${code}`) ? t(`${group}.${code}`) : code);
const kindName = (kind) => (hasMessage(`kind.${kind}`) ? t(`kind.${kind}`) : kind.replaceAll("_", " "));
/** Why a camera is not streaming, or why a stretch was not recorded: a reason, else the state that began the gap. */
const reasonName = (code) => (hasMessage(`reason.${code}`) ? t(`reason.${code}`) : named("state", code));

// ---- Sign in and routing -------------------------------------------------------------------------------------------

async function signIn(token) {
  state.token = token;
  try {
    state.me = await getJSON("/api/whoami");
  } catch (error) {
    state.token = null;
    if (error.message === "unauthorised") say($("sign-in-error"), "signIn.refused");
    else sayText($("sign-in-error"), error.message);
    return false;
  }
  sessionStorage.setItem("skygate-token", token);
  showWho();
  $("nav").hidden = false;
  startFeed();
  route();
  return true;
}

/** Signs out, saying why (a message key) if there is a reason. */
function signOut(reason = null) {
  sessionStorage.removeItem("skygate-token");
  state.token = null;
  state.me = null;
  if (state.feed) state.feed.abort();
  clearInterval(state.timer);
  for (const id of ["overview", "camera", "wall", "availability", "devices", "patrol", "nav"]) $(id).hidden = true;
  $("wall-tiles").replaceChildren(); // its pictures are video data: gone with the token
  wall.request = null;
  $("sign-in").hidden = false;
  if (reason) say($("sign-in-error"), reason);
  else sayText($("sign-in-error"), "");
}

function showWho() {
  $("who").textContent = t("who", { name: state.me.name, role: named("role", state.me.role) });
}

function show(section) {
  for (const id of ["sign-in", "overview", "camera", "wall", "availability", "devices", "patrol"]) $(id).hidden = id !== section;
}

/** The page the location names: overview, camera (with the camera's ID), wall, availability, devices or patrol. */
function currentPage() {
  const hash = location.hash || "#/";
  const cameraMatch = hash.match(/^#\/camera\/(.+)$/);
  if (cameraMatch) return { name: "camera", camera: decodeURIComponent(cameraMatch[1]) };
  const wallMatch = hash.match(/^#\/wall(?:\/(grid|cameras)\/(.+))?$/);
  if (wallMatch) return { name: "wall", [wallMatch[1] || "all"]: wallMatch[2] ? decodeURIComponent(wallMatch[2]) : true };
  if (hash === "#/availability") return { name: "availability" };
  if (hash === "#/devices") return { name: "devices" };
  if (hash === "#/patrol") return { name: "patrol" };
  return { name: "overview" };
}

function route() {
  if (!state.me) return;
  clearInterval(state.timer);
  const page = currentPage();
  if (page.name !== "camera") stopPlayback();
  show(page.name);
  if (page.name === "camera") {
    showCamera(page.camera);
    state.timer = setInterval(() => showCamera(page.camera, false), 10000);
  } else if (page.name === "wall") {
    showWall(page, true);
    state.timer = setInterval(() => showWall(page, false), 5000);
  } else if (page.name === "availability") {
    showAvailability();
  } else if (page.name === "devices") {
    showDevices();
    state.timer = setInterval(showDevices, 5000);
  } else if (page.name === "patrol") {
    showPatrol();
    state.timer = setInterval(showPatrol, 5000);
  } else {
    showOverview(true);
    state.timer = setInterval(() => showOverview(false), 5000);
  }
}

/** Draws the page shown again after a switch of language, without starting it over (playback goes on). */
function redrawPage() {
  if (!state.me) return;
  showWho();
  $("feed").replaceChildren(...state.feedEvents.map((event) => eventItem(event)));
  const page = currentPage();
  if (page.name === "camera") showCamera(page.camera, false);
  else if (page.name === "availability") showAvailability();
  else if (page.name === "wall") showWall(page, false);
  else if (page.name === "devices") showDevices();
  else if (page.name === "patrol") showPatrol();
  else {
    state.mapDrawn = false; // its titles name the places' categories
    showOverview(false);
  }
}

// ---- Overview: map, camera list -----------------------------------------------------------------------------------

/** The colour class of a camera: its health, or "fault" while streaming with an open picture event. */
function healthClass(status, faults) {
  if (!status) return "idle";
  if (status.state === "streaming") return faults.length ? "fault" : "streaming";
  return ["connecting", "stalled", "offline"].includes(status.state) ? status.state : "idle";
}

async function showOverview(first) {
  try {
    // The latest visits only when the last refresh saw a patrol camera (or on the first): a district that records
    // everything need not ask every 5 s for an empty list.
    const patrolled = state.cameras.size === 0 || [...state.cameras.values()].some((c) => c.mode === "patrol");
    const [cameras, status, open, visits] = await Promise.all([
      getJSON("/api/cameras"), getJSON("/api/status"), getJSON("/api/events?state=open&limit=1000"),
      patrolled ? getJSON("/api/patrol/latest") : [],
    ]);
    const visitByCamera = new Map(visits.map((v) => [v.camera, v]));
    const statusByCamera = new Map(status.cameras.map((s) => [s.camera, s]));
    const faultsByCamera = new Map();
    for (const event of open.events) {
      if (!faultsByCamera.has(event.device)) faultsByCamera.set(event.device, []);
      faultsByCamera.get(event.device).push(event.kind);
    }
    $("service-state").textContent = t("overview.serviceState", {
      service: named("service", status.service), cameras: count(cameras.length),
      streaming: count(status.cameras.filter((s) => s.state === "streaming").length),
    });
    state.cameras = new Map(cameras.map((c) => [c.id, c]));
    if (first) wall.request = null; // a new visit is a new audit row when pictures are shown
    if (first || !state.mapDrawn) await drawMap(cameras);
    colourMap(statusByCamera, faultsByCamera, visitByCamera);
    fillCameraTable(cameras, statusByCamera, faultsByCamera);
  } catch (error) {
    $("service-state").textContent = t("overview.error", { message: error.message });
  }
}

/** Equirectangular projection with the latitude's scale, good enough for a district. */
function projector(bounds) {
  const [minX, minY, maxX, maxY] = bounds;
  const k = Math.cos(((minY + maxY) / 2) * Math.PI / 180);
  const width = (maxX - minX) * k || 0.01;
  const height = maxY - minY || 0.01;
  const scale = 1000 / Math.max(width, height);
  return { project: ([x, y]) => [((x - minX) * k) * scale, (maxY - y) * scale], width: width * scale, height: height * scale };
}

function ringsOf(geometry) {
  if (geometry.type === "Polygon") return [geometry.coordinates];
  if (geometry.type === "MultiPolygon") return geometry.coordinates;
  return [];
}

async function drawMap(cameras) {
  const [grids, locations] = await Promise.all([getJSON("/api/map/grids"), getJSON("/api/map/locations")]);
  const points = [];
  for (const feature of grids.features) for (const polygon of ringsOf(feature.geometry)) for (const ring of polygon) points.push(...ring);
  for (const camera of cameras) if (camera.longitude !== undefined) points.push([camera.longitude, camera.latitude]);
  if (!points.length) return;
  const bounds = [
    Math.min(...points.map((p) => p[0])), Math.min(...points.map((p) => p[1])),
    Math.max(...points.map((p) => p[0])), Math.max(...points.map((p) => p[1])),
  ];
  const { project, width, height } = projector(bounds);
  const svg = $("map");
  svg.replaceChildren();
  svg.setAttribute("viewBox", `-20 -20 ${width + 40} ${height + 40}`);
  const order = { district: 0, street: 1, community: 2, grid: 3 };
  const sorted = [...grids.features].sort((a, b) => order[a.properties.level] - order[b.properties.level]);
  for (const feature of sorted) {
    for (const polygon of ringsOf(feature.geometry)) {
      const d = polygon.map((ring) => "M" + ring.map((p) => project(p).map((v) => v.toFixed(1)).join(",")).join("L") + "Z").join(" ");
      svg.append(el("svg:path", { d, class: `grid ${feature.properties.level}`, "fill-rule": "evenodd" },
        el("svg:title", {}, `${feature.id} ${feature.properties.name}`)));
    }
  }
  for (const feature of locations.features) {
    const geometry = feature.geometry;
    const at = geometry.type === "Point" ? geometry.coordinates : ringsOf(geometry)[0]?.[0]?.[0];
    if (!at) continue;
    const [x, y] = project(at);
    svg.append(el("svg:rect", { x: x - 6, y: y - 6, width: 12, height: 12, class: "location" },
      el("svg:title", {}, t("map.location", {
        name: feature.properties.name, category: named("category", feature.properties.category) }))));
  }
  for (const camera of cameras) {
    if (camera.longitude === undefined) continue;
    const [x, y] = project([camera.longitude, camera.latitude]);
    const dot = el("svg:circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: 7, class: "camera idle", "data-camera": camera.id },
      el("svg:title", {}, `${camera.id} ${camera.name}`));
    dot.addEventListener("click", () => { location.hash = `#/camera/${encodeURIComponent(camera.id)}`; });
    svg.append(dot);
  }
  state.mapDrawn = true;
}

// Recorded cameras by their recording status, patrolled ones by their latest visit; open faults over both.
function colourMap(statusByCamera, faultsByCamera, visitByCamera) {
  for (const dot of $("map").querySelectorAll("circle.camera")) {
    const id = dot.getAttribute("data-camera");
    const camera = state.cameras.get(id);
    const faults = faultsByCamera.get(id) || [];
    if (camera?.mode === "patrol") {
      const visit = visitByCamera.get(id);
      dot.setAttribute("class", `camera ${visitClass(visit, faults)}`);
      dot.setAttribute("data-state", visit ? `visit-${visit.outcome}` : "not-visited");
      dot.querySelector("title").textContent = `${id} ${camera.name} · ` + (visit
        ? t("map.lastVisit", { time: time(visit.startedAt), outcome: t(`outcome.${visit.outcome}`) }) : t("map.notVisited"));
      continue;
    }
    if (camera) dot.querySelector("title").textContent = `${id} ${camera.name}`;
    // A switched-off camera is not coloured by an old recording status.
    const status = camera?.mode !== undefined && camera.mode !== "record" ? null : statusByCamera.get(id);
    dot.setAttribute("class", `camera ${healthClass(status, faults)}`);
    dot.setAttribute("data-state", status ? status.state : "not-recorded");
  }
}

/** A patrol camera's colour: not yet visited, reached (with or without open faults), or not reached. */
function visitClass(visit, faults) {
  if (!visit) return "idle";
  if (visit.outcome === "ok") return faults.length ? "fault" : "streaming";
  return "offline";
}

function fillCameraTable(cameras, statusByCamera, faultsByCamera) {
  const body = $("cameras").querySelector("tbody");
  const rows = [];
  for (const camera of cameras) {
    const status = statusByCamera.get(camera.id);
    const faults = faultsByCamera.get(camera.id) || [];
    const klass = healthClass(status, faults);
    const link = el("a", { href: `#/camera/${encodeURIComponent(camera.id)}` }, camera.name);
    const existing = body.querySelector(`tr[data-camera="${CSS.escape(camera.id)}"] img`);
    // The same picture element across refreshes: it keeps its snapshot, and the pictures' observer keeps watching it.
    const thumb = existing || el("img", { alt: "", "data-camera": camera.id });
    const stateText = status ? named("state", status.state)
      : t(camera.mode === "record" ? "state.notRunning" : `mode.${camera.mode}`);
    rows.push(el("tr", { "data-camera": camera.id },
      el("td", {}, thumb),
      el("td", {}, link, el("br"), el("span", { class: "muted" }, camera.id)),
      el("td", {}, camera.gridPath.length ? camera.gridPath[camera.gridPath.length - 1].name : "–"),
      el("td", {}, el("span", { class: `state ${klass}` }, stateText),
        status && status.reason ? el("span", { class: "muted" }, ` ${reasonName(status.reason)}`) : ""),
      el("td", { class: "number" }, status && status.bitrate ? fixed(status.bitrate / 1000, 0) : "–"),
      el("td", { class: "number" }, status ? fixed(status.frameRate, 1) : "–"),
      el("td", {}, status ? clock(status.lastKeyframe) : "–"),
      el("td", {}, joined(faults.map(kindName)))));
  }
  body.replaceChildren(...rows);
  $("pictures-toggle").hidden = !atLeast("operator");
  observePictures(cameras.filter((camera) => statusByCamera.get(camera.id)?.keyframes > 0).map((camera) => camera.id));
}

// Pictures are video data: only operators see them. The overview shows none until the operator asks ("pictures",
// remembered for the tab), then only those of rows scrolled into view: the thumbnails the analyser keeps (wall.js),
// so nothing is decoded, and one audit row per visit (the wall of every camera opened once), not one per picture.
// 50 cameras once cost 50 snapshot decodes and 50 audit rows on every visit.
const pictures = { observer: null, loaded: new Set(), ids: [] };

function observePictures(ids) {
  pictures.ids = ids;
  const toggle = $("pictures");
  if (!toggle.onchange) {
    toggle.checked = sessionStorage.getItem("skygate-pictures") === "on";
    toggle.onchange = () => {
      sessionStorage.setItem("skygate-pictures", toggle.checked ? "on" : "off");
      if (pictures.observer) pictures.observer.disconnect();
      pictures.observer = null;
      pictures.loaded.clear();
      observePictures(pictures.ids);
    };
  }
  if (!toggle.checked || !atLeast("operator")) return;
  if (!pictures.observer) {
    pictures.observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const id = entry.target.dataset.camera;
        if (!entry.isIntersecting || pictures.loaded.has(id)) continue;
        pictures.loaded.add(id);
        pictures.observer.unobserve(entry.target);
        loadThumbnail(id, entry.target);
      }
    });
  }
  const body = $("cameras").querySelector("tbody");
  for (const id of ids) {
    const picture = body.querySelector(`img[data-camera="${CSS.escape(id)}"]`);
    if (picture && !pictures.loaded.has(id)) pictures.observer.observe(picture);
  }
}

/** A row's picture: its camera's thumbnail URL from the wall of every camera (opened once for the visit). */
async function loadThumbnail(id, image) {
  try {
    const tile = (await wallGrant("")).tiles.find((candidate) => candidate.camera === id);
    if (!tile) return;
    image.onerror = () => image.removeAttribute("src"); // no thumbnail yet: an empty cell, not a broken picture
    image.src = tile.thumbnail;
  } catch (_) {}
}

async function loadSnapshot(id, image, note) {
  try {
    const blob = await (await api(`/api/cameras/${encodeURIComponent(id)}/snapshot`)).blob();
    if (image.src) URL.revokeObjectURL(image.src);
    image.src = URL.createObjectURL(blob);
    image.hidden = false;
    if (note) say(note, "camera.snapshotNote");
  } catch (error) {
    if (note) say(note, "camera.noSnapshot", { message: error.message });
  }
}

// ---- Live events over Server-Sent Events (fetch, so the token goes in a header, never in the URL) -----------------

/** An event as a list item; with `reviewable`, an operator's buttons to review it (复核). */
function eventItem(event, reviewable = false) {
  const camera = state.cameras.get(event.device);
  const grid = event.location.grids.length ? event.location.grids[0].name : "";
  const places = joined(event.location.keyLocations.map((l) => l.name));
  const falseAlarm = event.review && event.review.verdict === "false";
  return el("li", { class: event.state + (falseAlarm ? " false-alarm" : ""), "data-kind": event.kind,
    "data-device": event.device, "data-id": event.id },
    el("span", { class: "kind" }, t(event.state === "open" ? "event.raised" : "event.cleared", { kind: kindName(event.kind) })), " ",
    el("a", { href: `#/camera/${encodeURIComponent(event.device)}` }, camera ? camera.name : event.device), " ",
    el("span", { class: "muted" }, `${clock(event.state === "open" ? event.raisedAt : event.clearedAt)} · ${grid}${places ? " · " + places : ""}`),
    ...reviewParts(event, reviewable));
}

// ---- Review (复核): an operator marks an event confirmed or a false alarm; a later review replaces it ---------------

function reviewParts(event, reviewable) {
  const parts = [];
  if (event.review) {
    const key = event.review.verdict === "false" ? "review.false" : "review.confirmed";
    parts.push(" ", el("span", { class: `verdict ${event.review.verdict}` },
      t(key, { by: event.review.by }) + (event.review.note ? `: ${event.review.note}` : "")));
  }
  if (!reviewable || !atLeast("operator")) return parts;
  for (const [verdict, key] of [["confirmed", "review.markConfirmed"], ["false", "review.markFalse"]]) {
    if (event.review && event.review.verdict === verdict) continue;
    // Each event has its own pair of buttons: the label says which event a screen reader's user is about to review.
    const label = t(`${key}Label`, { kind: kindName(event.kind), time: clock(event.raisedAt) });
    const button = el("button", { type: "button", class: "review", "data-verdict": verdict, "aria-label": label }, t(key));
    button.addEventListener("click", () => review(event, verdict, button));
    parts.push(" ", button);
  }
  return parts;
}

async function review(event, verdict, button) {
  button.disabled = true;
  try {
    const response = await api(`/api/events/${encodeURIComponent(event.id)}/review`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ verdict }) });
    button.closest("li").replaceWith(eventItem(await response.json(), true));
  } catch (error) {
    button.disabled = false;
    const item = button.closest("li");
    const shown = item.querySelector(".review-error") || item.appendChild(el("span", { class: "review-error", role: "status" }));
    shown.textContent = " " + error.message;
  }
}

async function startFeed() {
  const list = $("feed");
  try {
    const recent = await getJSON("/api/events?limit=30");
    state.feedEvents = recent.events;
    list.replaceChildren(...recent.events.map((event) => eventItem(event)));
  } catch (_) {}
  const controller = new AbortController();
  state.feed = controller;
  while (!controller.signal.aborted) {
    try {
      const response = await api("/api/events/stream", { signal: controller.signal });
      say($("feed-state"), "feed.live");
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = message.split("\n").filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n");
          if (!data) continue;
          const event = JSON.parse(data);
          state.feedEvents.unshift(event);
          if (state.feedEvents.length > 200) state.feedEvents.length = 200;
          list.prepend(eventItem(event));
          while (list.children.length > 200) list.lastChild.remove();
        }
      }
    } catch (error) {
      if (controller.signal.aborted) return;
    }
    say($("feed-state"), "feed.reconnecting");
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
}

// ---- Camera page ---------------------------------------------------------------------------------------------------

// A camera's clock against the gateway's, signed: "+90.0", "-0.3".
const signedSeconds = (seconds) => (seconds >= 0 ? "+" : "") + fixed(seconds, 1);

async function showCamera(id, first = true) {
  const path = `/api/cameras/${encodeURIComponent(id)}`;
  const to = new Date();
  const from = new Date(to.getTime() - 3600 * 1000);
  const range = `from=${from.toISOString()}&to=${to.toISOString()}`;
  try {
    const [camera, status, stats, coverage, events] = await Promise.all([
      getJSON(path), getJSON(`${path}/status`).catch(() => null), getJSON(`${path}/stats?${range}`),
      getJSON(`${path}/coverage?${range}`), getJSON(`/api/events?device=${encodeURIComponent(id)}&limit=50`),
    ]);
    $("camera-title").textContent = `${camera.name} · ${camera.id}`;
    const transport = status && status.transport ? " " + t(camera.rtspTransport ? "camera.transportPinned" : "camera.transport",
      { transport: status.transport.toUpperCase() }) : "";
    const stateText = status && `${named("state", status.state)}${status.reason ? " · " + reasonName(status.reason) : ""}`;
    const places = camera.keyLocations.map((l) => t("camera.distance", { name: l.name, metres: count(Math.round(l.distance)) }));
    const facts = [
      ["camera.grid", camera.gridPath.map((g) => g.name).join(" › ") || "–"],
      ["camera.keyLocations", joined(places) || "–"],
      ["camera.stream", camera.mainUrl + transport],
      ["camera.state", status ? t("camera.stateSince", { state: stateText, since: time(status.since) }) : t("state.idle")],
      ["camera.bitrate", status && status.bitrate ? t("camera.bitrateValue", { value: fixed(status.bitrate / 1000, 0) }) : "–"],
      ["camera.frameRate", status ? frameRateValue(status) : "–"],
      ["camera.keyframes", status ? t("camera.keyframesValue", {
        count: count(status.keyframes), analysed: count(status.analysis.analysed), skipped: count(status.analysis.skipped) }) : "–"],
      ["camera.analysisAge", status && status.analysisAge != null
        ? t("camera.analysisAgeValue", { seconds: fixed(status.analysisAge, 0) }) : "–"],
      ["camera.clock", status && status.clockOffset != null
        ? t("camera.clockValue", { seconds: signedSeconds(status.clockOffset) }) : "–"],
    ];
    $("camera-facts").replaceChildren(...facts.flatMap(([key, value]) => [el("dt", {}, t(key)), el("dd", {}, value)]));
    // From the first recording within the hour: a camera added ten minutes ago gets ten minutes, not a red hour.
    const firstRecorded = coverage.find((span) => span.kind === "recorded");
    const start = firstRecorded ? new Date(Math.max(from.getTime(), new Date(firstRecorded.from).getTime())) : from;
    const shown = coverage.filter((span) => new Date(span.to) > start);
    drawTimeline($("timeline"), shown, stats, start, to);
    state.timeline = { camera: id, from: start, to };
    drawPlot($("brightness"), stats, "brightness", start, to, [0, 255]);
    drawPlot($("sharpness"), stats, "sharpness", start, to, null);
    $("camera-events").replaceChildren(...events.events.map((event) => eventItem(event, true)));
    if (first) {
      stopPlayback();
      $("playback").hidden = !atLeast("operator");
      if (atLeast("operator")) say($("timeline-hint"), "camera.timelineHint");
      else sayText($("timeline-hint"), "");
      $("camera-snapshot").hidden = true;
      if (atLeast("operator")) loadSnapshot(id, $("camera-snapshot"), $("camera-snapshot-note"));
      else say($("camera-snapshot-note"), "camera.snapshotRole");
    }
  } catch (error) {
    $("camera-title").textContent = `${id}: ${error.message}`;
  }
}

// ---- Playback: HLS from the keyframe index ------------------------------------------------------------------------

// The playlist's URL carries a short-lived capability for this camera and range (minted by an audited API call):
// a <video> element cannot send the bearer token, and the token never goes into a URL.
const player = {
  anchors: [], live: false, playlist: "", camera: "", pausedLive: false, liveAnchored: false, anchoring: false,
  keyframeTimer: null,
};

/**
 * Media time → wall time, from a playlist's entries (`playlistEntries`): media time 0 is the entry `start` (default:
 * the first), and every entry with its own EXT-X-PROGRAM-DATE-TIME (after a discontinuity) anchors the media time the
 * durations before it reach.
 */
function playlistAnchors(entries, start = null) {
  const first = start === null ? 0 : entries.findIndex((entry) => entry.resource === start);
  if (first < 0) return [];
  const anchors = [];
  let media = 0;
  for (const entry of entries.slice(first)) {
    if (entry.wall !== null && (entry.dated || anchors.length === 0)) anchors.push([media, entry.wall]);
    media += entry.duration;
  }
  return anchors;
}

/**
 * Where a live view's media time 0 is. Chromium starts a live playlist at its third last entry (RFC 8216, 6.3.3), and
 * may fetch the first entry once before, to learn the codecs. The gateway's live playlists start three GOPs back, so
 * that is the first entry, unless a keyframe arrived between the mint and the player's first fetch. The media
 * element's own fetches (Resource Timing, cleared when playback starts) say which: the first entry fetched that was
 * followed by the next one in the playlist is where playback began (a probe is followed by a jump, or by itself).
 */
async function anchorLive() {
  if (player.anchoring || player.liveAnchored) return;
  player.anchoring = true;
  try {
    const base = new URL(player.playlist, location.href).href.replace(/live\.m3u8$/, "");
    const fetched = performance.getEntriesByType("resource")
      .filter((entry) => entry.initiatorType === "video" && entry.name.startsWith(base) && entry.name.endsWith(".ts"))
      .map((entry) => entry.name.slice(base.length));
    if (fetched.length < 2) return;
    const response = await fetch(player.playlist);
    if (!response.ok) return;
    const entries = playlistEntries(await response.text());
    const position = new Map(entries.map((entry, index) => [entry.resource, index]));
    const start = fetched.find((resource, index) =>
      index + 1 < fetched.length && position.has(resource) && position.get(fetched[index + 1]) === position.get(resource) + 1);
    const anchors = start ? playlistAnchors(entries, start) : [];
    if (anchors.length) player.anchors = anchors;
    // Read once the fetches are in: without a start found, the first entry's anchors stay (no read per timeupdate).
    player.liveAnchored = anchors.length > 0 || fetched.length > 2;
  } finally {
    player.anchoring = false;
  }
}

function wallTimeAt(mediaTime) {
  let anchor = null;
  for (const candidate of player.anchors) if (!anchor || candidate[0] <= mediaTime) anchor = candidate;
  return anchor ? new Date(anchor[1] + (mediaTime - anchor[0]) * 1000) : null;
}

async function play(camera, { from, live }) {
  const video = $("player");
  const to = from ? new Date(Math.min(Date.now(), from.getTime() + 3600 * 1000)) : null;
  const query = live ? "live=true" : `from=${from.toISOString()}&to=${to.toISOString()}`;
  say($("player-state"), "playback.asking");
  // The picture and time of what played before go while the new playback is asked for.
  video.pause();
  stopKeyframes();
  Object.assign(player, { anchors: [], live: false, pausedLive: false, camera, playlist: "", liveAnchored: false });
  $("player-time").textContent = "";
  $("player-time").dataset.wall = "";
  try {
    const grant = await (await api(`/api/cameras/${encodeURIComponent(camera)}/playback?${query}`, { method: "POST" })).json();
    const playlist = await fetch(grant.playlist);
    if (!playlist.ok) throw new MessageError("playback.playlistAnswered", { status: playlist.status });
    player.anchors = playlistAnchors(playlistEntries(await playlist.text()));
    if (!player.anchors.length) throw new MessageError(live ? "playback.nothingLive" : "playback.nothingFrom");
    player.playlist = grant.playlist;
    performance.clearResourceTimings();
    video.hidden = false;
    video.src = grant.playlist;
    if (live) say($("player-state"), "playback.playingLive");
    else say($("player-state"), "playback.playingFrom", { time: clock(grant.from) });
    player.live = live;
    await video.play();
  } catch (error) {
    // The browser cannot play the video (Chromium has no HEVC decoder): show it keyframe by keyframe instead.
    if (video.error && player.playlist) return showKeyframes();
    stopPlayback();
    sayError($("player-state"), error);
  }
}

// ---- Keyframe view: a camera whose video the browser cannot play, one picture per GOP ---------------------------

/**
 * A playlist's entries as the gateway's GOP resources (`OFFSET-LENGTH/SEGMENT.ts`, whether the playlist names them
 * so or as byte ranges of a segment), each with its wall time, its duration and whether the playlist dated it
 * (EXT-X-PROGRAM-DATE-TIME: the first entry and every one after a discontinuity).
 */
function playlistEntries(text) {
  const entries = [];
  let wall = null, dated = false, duration = 0, range = null, previous = { name: "", end: 0 };
  for (const line of text.split("\n")) {
    if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
      wall = new Date(line.slice(25)).getTime();
      dated = true;
    } else if (line.startsWith("#EXTINF:")) duration = parseFloat(line.slice(8));
    else if (line.startsWith("#EXT-X-BYTERANGE:")) range = line.slice(17).split("@").map(Number);
    else if (line && !line.startsWith("#")) {
      let resource = line;
      if (range) {
        // Without "@offset" a range follows on from the previous one of the same file (RFC 8216, 4.3.2.2).
        const offset = range.length > 1 ? range[1] : (previous.name === line ? previous.end : 0);
        resource = `${offset}-${range[0]}/${line}`;
        previous = { name: line, end: offset + range[0] };
        range = null;
      }
      entries.push({ resource, wall, duration, dated });
      dated = false;
      if (wall !== null) wall += duration * 1000;
    }
  }
  return entries;
}

/**
 * Shows the playback's keyframes as JPEGs (`…/OFFSET-LENGTH/SEGMENT.jpg`, decoded by the gateway), each for its GOP's
 * duration, under the capability already minted: no second audit row. Live follows the playlist as it grows.
 */
async function showKeyframes() {
  const video = $("player"), picture = $("player-picture");
  if (!picture.hidden || !player.playlist) return;
  video.hidden = true;
  picture.hidden = false;
  say($("player-state"), "playback.keyframesOnly");
  const playlist = player.playlist, base = playlist.replace(/[^/]*$/, "");
  const load = async () => {
    const response = await fetch(playlist);
    if (!response.ok) throw new MessageError("playback.playlistAnswered", { status: response.status });
    return playlistEntries(await response.text());
  };
  let entries = [];
  try {
    entries = await load();
  } catch (error) {
    return sayError($("player-state"), error);
  }
  let next = player.live ? Math.max(0, entries.length - 1) : 0;
  const step = async () => {
    if (player.playlist !== playlist) return;
    if (next >= entries.length && player.live) {
      try {
        entries = await load();
      } catch (error) {
        return sayError($("player-state"), error);  // the capability expired: the operator asks again
      }
    }
    if (next >= entries.length) {
      if (player.live) player.keyframeTimer = setTimeout(step, 1000);
      else say($("player-state"), "playback.keyframesEnded");
      return;
    }
    const entry = entries[next++];
    const started = performance.now();
    const image = new Image();
    image.src = base + entry.resource.replace(/\.ts$/, ".jpg");
    try {
      await image.decode();
    } catch {
      player.keyframeTimer = setTimeout(step, entry.duration * 1000);  // keeps the pace over a picture that failed
      return;
    }
    if (player.playlist !== playlist) return;
    picture.src = image.src;
    const wall = entry.wall === null ? null : new Date(entry.wall);
    $("player-time").textContent = wall ? wall.toLocaleString(language) : "";
    $("player-time").dataset.wall = wall ? wall.toISOString() : "";
    player.keyframeTimer = setTimeout(step, Math.max(0, entry.duration * 1000 - (performance.now() - started)));
  };
  step();
}

function stopKeyframes() {
  clearTimeout(player.keyframeTimer);
  const picture = $("player-picture");
  picture.hidden = true;
  picture.removeAttribute("src");
}

function stopPlayback() {
  const video = $("player");
  player.live = false;
  player.playlist = "";
  stopKeyframes();
  video.pause();
  video.removeAttribute("src");
  video.load();
  video.hidden = true;
  sayText($("player-state"), "");
  $("player-time").textContent = "";
  $("player-time").dataset.wall = "";
}

/** The timeline's hour as an MP4 (the clip export, cut without transcoding): for browsers that cannot play HLS. */
async function downloadClip() {
  const { camera, from, to } = state.timeline;
  const seconds = Math.max(1, Math.min(3600, Math.round((to - from) / 1000)));
  say($("player-state"), "playback.cutting");
  try {
    const response = await api(`/api/cameras/${encodeURIComponent(camera)}/clip?from=${from.toISOString()}&duration=${seconds}`);
    const link = el("a", { href: URL.createObjectURL(await response.blob()), download: `${camera}-${from.toISOString()}.mp4` });
    link.click();
    say($("player-state"), "playback.downloaded");
  } catch (error) {
    sayError($("player-state"), error);
  }
}

// A decoder that fails after playback began (not when it was asked to play) falls back the same way.
$("player").addEventListener("error", () => { if (player.playlist) showKeyframes(); });
// A live view paused and played again would resume wherever Chromium's estimate lands; start it anew at the edge.
$("player").addEventListener("pause", () => { if (player.live) player.pausedLive = true; });
$("player").addEventListener("play", () => {
  if (player.live && player.pausedLive) play(player.camera, { live: true });
});
$("player").addEventListener("timeupdate", () => {
  if (player.live && !player.liveAnchored) anchorLive();
  const wall = wallTimeAt($("player").currentTime);
  $("player-time").textContent = wall ? wall.toLocaleString(language) : "";
  $("player-time").dataset.wall = wall ? wall.toISOString() : "";
});
$("timeline").addEventListener("click", (event) => {
  if (!state.timeline || !atLeast("operator")) return;
  const box = event.currentTarget.getBoundingClientRect();
  const { from, to } = state.timeline;
  const at = new Date(from.getTime() + ((event.clientX - box.left) / box.width) * (to - from));
  play(state.timeline.camera, { from: at });
});
$("play-live").addEventListener("click", () => { if (state.timeline) play(state.timeline.camera, { live: true }); });
$("download-clip").addEventListener("click", () => { if (state.timeline) downloadClip(); });
$("set-reference").addEventListener("click", () => { if (state.timeline) setReference(state.timeline.camera); });

/**
 * The picture on show (its wall time) becomes the camera's reference picture: "camera moved" and "occlusion" then
 * also compare with it. The gateway takes the analysed keyframe nearest that moment.
 */
async function setReference(camera) {
  const wall = $("player-time").dataset.wall;
  // The picture on show must be this camera's (a page left while playing keeps no time, but be sure).
  if (!wall || player.camera !== camera) return say($("player-state"), "reference.playFirst");
  try {
    const reference = await (await api(`/api/cameras/${encodeURIComponent(camera)}/reference`, {
      method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ at: wall }),
    })).json();
    say($("player-state"), "reference.done", { time: clock(reference.keyframeAt) });
  } catch (error) {
    sayError($("player-state"), error);
  }
}

function drawTimeline(svg, coverage, stats, from, to) {
  const width = 1000, height = 40;
  const x = (iso) => ((new Date(iso) - from) / (to - from)) * width;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.replaceChildren(
    ...coverage.map((span) => el("svg:rect", {
      x: Math.max(0, x(span.from)), y: 0, width: Math.max(1, Math.min(width, x(span.to)) - Math.max(0, x(span.from))), height,
      class: `span ${span.kind}` },
      el("svg:title", {},
        `${named("span", span.kind)} ${clock(span.from)}–${clock(span.to)}${span.reason ? " " + reasonName(span.reason) : ""}`))),
    ...stats.map((point) => el("svg:line", { x1: x(point.at), x2: x(point.at), y1: 8, y2: height - 8, class: "tick" })));
}

function drawPlot(svg, points, field, from, to, fixedRange) {
  const width = 1000, height = 100;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("preserveAspectRatio", "none");
  if (!points.length) { svg.replaceChildren(el("svg:text", { x: 10, y: 20 }, t("camera.noKeyframes"))); return; }
  const values = points.map((p) => p[field]);
  const [low, high] = fixedRange || [Math.min(...values), Math.max(...values) || 1];
  const span = high - low || 1;
  const coordinates = points.map((p) => {
    const px = ((new Date(p.at) - from) / (to - from)) * width;
    const py = height - 5 - ((p[field] - low) / span) * (height - 10);
    return `${px.toFixed(1)},${py.toFixed(1)}`;
  });
  svg.replaceChildren(el("svg:polyline", { points: coordinates.join(" ") }),
    el("svg:text", { x: 4, y: 12 }, fixed(high, 1)), el("svg:text", { x: 4, y: height - 3 }, fixed(low, 1)));
}

// ---- Availability --------------------------------------------------------------------------------------------------

async function showAvailability() {
  const body = $("availability-table").querySelector("tbody");
  try {
    const rows = await getJSON("/api/reports/availability?by=grid");
    body.replaceChildren(...rows.map((row) => el("tr", {},
      el("td", {}, row.id), el("td", {}, row.name), el("td", { class: "number" }, count(row.cameras)),
      el("td", { class: "number" }, row.monitoredSeconds ? fixed((100 * row.onlineSeconds) / row.monitoredSeconds, 2) : "–"),
      el("td", { class: "number" }, row.monitoredSeconds ? fixed((100 * row.faultFreeSeconds) / row.monitoredSeconds, 2) : "–"),
      el("td", {}, joined(Object.entries(row.faults).map(([kind, tally]) =>
        t("availability.faultCount", { kind: kindName(kind), count: count(tally.count) })))))));
  } catch (error) {
    body.replaceChildren(el("tr", {}, el("td", { colspan: 6 }, error.message)));
  }
}

// ---- GB/T 28181 devices -------------------------------------------------------------------------------------------

/** What the last "Ask again" of each device came to ({ at } or { error }), kept across the page's refreshes. */
const devicesAsked = new Map();
const askedText = (asked) => (asked.at ? t("devices.askedAt", { time: clock(asked.at) }) : asked.error);

/** The channels of a device: the cameras whose URL is gb28181://DEVICE/CHANNEL. */
function channelsOf(device, cameras) {
  return cameras.filter((camera) => camera.mainUrl.startsWith(`gb28181://${device}/`));
}

async function showDevices() {
  const body = $("devices-table").querySelector("tbody");
  try {
    const [devices, cameras] = await Promise.all([getJSON("/api/gb/devices"), getJSON("/api/cameras")]);
    const online = devices.filter((device) => device.registration && device.registration.online).length;
    $("devices-state").textContent = t("devices.summary", { devices: count(devices.length), online: count(online) });
    body.replaceChildren(...devices.map((device) => {
      const registration = device.registration;
      const info = device.info || {};
      const stateText = t(registration ? (registration.online ? "devices.online" : "devices.offline") : "devices.neverRegistered");
      const channels = channelsOf(device.id, cameras);
      // Asks the device again for its catalog and device information; the answer shows on the next refresh.
      const asked = devicesAsked.get(device.id);
      const refresh = el("button", { type: "button", class: "refresh", title: t("devices.askTitle") },
        asked ? askedText(asked) : t("devices.askAgain"));
      refresh.addEventListener("click", async () => {
        refresh.disabled = true;
        try {
          await api(`/api/gb/devices/${encodeURIComponent(device.id)}/refresh`, { method: "POST" });
          devicesAsked.set(device.id, { at: new Date().toISOString() });
        } catch (error) {
          devicesAsked.set(device.id, { error: error.message });
        }
        refresh.textContent = askedText(devicesAsked.get(device.id));
        refresh.disabled = false;
      });
      return el("tr", { "data-device": device.id },
        el("td", {}, device.name || info.name || device.id, el("br"), el("span", { class: "muted" }, device.id)),
        el("td", {}, el("span", { class: `state ${registration && registration.online ? "streaming" : "offline"}` }, stateText)),
        el("td", {}, registration ? registration.address : "–"),
        el("td", {}, registration ? clock(registration.lastKeepalive || registration.registeredAt) : "–"),
        el("td", {}, registration ? registration.version || "2016" : "–"),
        el("td", {}, [info.manufacturer, info.model, info.firmware].filter(Boolean).join(" · ") || "–"),
        // The device's clock against the gateway's, from its DeviceStatus answer at registration.
        el("td", { class: "clock number", title: device.clock ? t("devices.clockTitle", { time: time(device.clock.measuredAt) }) : "" },
          device.clock ? signedSeconds(device.clock.offset) : "–"),
        el("td", { class: "channels" }, ...channels.flatMap((camera, index) => [index ? t("list.separator") : "",
          el("a", { href: `#/camera/${encodeURIComponent(camera.id)}` }, camera.name)])),
        el("td", {}, atLeast("operator") && registration && registration.online ? refresh : ""));
    }));
  } catch (error) {
    body.replaceChildren(el("tr", {}, el("td", { colspan: 9 }, error.message)));
  }
}

// ---- Start ---------------------------------------------------------------------------------------------------------

// The language switch: each language by its own name; a choice is kept (localStorage) and redraws the page.
const languageSwitch = $("language");
languageSwitch.replaceChildren(
  ...Object.entries(languageNames).map(([code, name]) => el("option", { value: code, lang: code }, name)));
languageSwitch.value = language;
languageSwitch.addEventListener("change", () => {
  useLanguage(languageSwitch.value);
  redrawPage();
});
translatePage();

$("sign-in-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("token");
  signIn(input.value.trim()).then((ok) => { if (ok) input.value = ""; });
});
$("sign-out").addEventListener("click", () => signOut());
window.addEventListener("hashchange", route);
if (state.token) signIn(state.token); else signOut();

// MARK: - Patrol

/** The patrol: the round's progress, the finished rounds, and the 200 patrol cameras visited longest ago. */
async function showPatrol() {
  const cameraBody = $("patrol-cameras").querySelector("tbody");
  const roundBody = $("patrol-rounds").querySelector("tbody");
  try {
    const [report, rounds] = await Promise.all([getJSON("/api/patrol?limit=200"), getJSON("/api/patrol/rounds?limit=10")]);
    const progress = report.progress;
    $("patrol-progress").value = progress && progress.cameras ? progress.visited / progress.cameras : 0;
    if (progress) {
      say($("patrol-round"), "patrol.progress", { round: count(progress.round), visited: count(progress.visited),
        cameras: count(progress.cameras), time: time(progress.roundStartedAt), running: count(progress.running) });
    } else {
      say($("patrol-round"), "patrol.noRound");
    }
    say($("patrol-state"), "patrol.summary", { cameras: count(report.total), never: count(report.neverVisited) });
    $("patrol-run-now").hidden = !atLeast("operator") || report.total === 0;
    roundBody.replaceChildren(...(rounds.length ? rounds.map((round) => el("tr", {},
      el("td", {}, time(round.startedAt)),
      el("td", { class: "number" }, fixed((new Date(round.endedAt) - new Date(round.startedAt)) / 60000, 1)),
      el("td", { class: "number" }, count(round.cameras)), el("td", { class: "number" }, count(round.visits)),
      el("td", { class: "number" }, count(round.ok)), el("td", { class: "number" }, count(round.unreachable)),
      el("td", { class: "number" }, count(round.noKeyframe))))
      : [el("tr", {}, el("td", { colspan: 7, class: "muted" }, t("patrol.noRounds")))]));
    cameraBody.replaceChildren(...report.cameras.map((line) => {
      const visit = line.lastVisit;
      const stream = visit && visit.stream;
      const outcome = visit ? el("span", { class: `state ${visit.outcome === "ok" ? "streaming" : "offline"}` },
        t(`outcome.${visit.outcome}`) + (visit.reason ? ` · ${reasonName(visit.reason)}` : "")) : t("patrol.never");
      return el("tr", { "data-camera": line.camera },
        el("td", {}, el("a", { href: `#/camera/${encodeURIComponent(line.camera)}` }, line.name)),
        el("td", {}, line.grid || "–"), el("td", {}, visit ? time(visit.startedAt) : "–"), el("td", {}, outcome),
        el("td", { class: "number" }, visit ? count(visit.keyframes.length) : "–"),
        el("td", {}, stream ? `${stream.codec} ${stream.width}×${stream.height}` : "–"),
        el("td", { class: "number" }, stream && stream.gop !== undefined && stream.gop !== null
          ? (stream.gopAtLeast ? "≥ " : "") + fixed(stream.gop, 1) : "–"),
        el("td", { class: "number" }, stream && stream.clockOffset != null ? signedSeconds(stream.clockOffset) : "–"));
    }));
  } catch (error) {
    cameraBody.replaceChildren(el("tr", {}, el("td", { colspan: 8 }, error.message)));
  }
}

$("patrol-run-now").addEventListener("click", async () => {
  const button = $("patrol-run-now");
  button.disabled = true;
  try {
    const answer = await (await api("/api/patrol/run-now", { method: "POST" })).json();
    say($("patrol-asked"), "patrol.asked", { time: clock(answer.request.requestedAt), cameras: count(answer.cameras) });
  } catch (error) {
    sayError($("patrol-asked"), error);
  }
  button.disabled = false;
});
