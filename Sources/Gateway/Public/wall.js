// Skygate dashboard: the keyframe wall. Every camera of a grid (or of a chosen list) as a tile showing its latest
// analysed keyframe, refreshed as keyframes arrive, coloured by health: the video wall an operator keeps open. It
// decodes nothing: each tile is the small JPEG the analyser kept of a keyframe it had decoded anyway.
//
// Opening a wall is one audited call (POST /api/wall); its answer gives each tile a thumbnail URL whose capability
// lasts a few minutes, so the tiles refresh without a bearer header and without an audit row each, and the wall is
// opened again (one more row) shortly before the URLs expire.
"use strict";

const wall = { request: null, grant: null, query: "", tiles: new Map() };

/** The wall's query: `grid=G`, `cameras=A,B`, or "" for every camera not off. */
function wallQuery(page) {
  if (page.grid) return `grid=${encodeURIComponent(page.grid)}`;
  if (page.cameras) return `cameras=${encodeURIComponent(page.cameras)}`;
  return "";
}

/**
 * A wall's tiles with their thumbnail URLs: opened (POST, one audit row) when none is open for `query` or its URLs
 * expire within a minute. Callers at the same moment share one request, so one visit is one row.
 */
function wallGrant(query) {
  const expiring = wall.grant && new Date(wall.grant.expiresAt).getTime() - Date.now() < 60000;
  if (!wall.request || wall.query !== query || expiring) {
    wall.query = query;
    wall.grant = null;
    const request = api(`/api/wall${query ? `?${query}` : ""}`, { method: "POST" })
      .then((response) => response.json())
      .then((grant) => { wall.grant = grant; return grant; });
    request.catch(() => { if (wall.request === request) wall.request = null; });
    wall.request = request;
  }
  return wall.request;
}

/** The grid chooser: every camera, or one grid (its cameras and those of the grids below it). */
async function fillWallGrids(page) {
  const chooser = $("wall-grid");
  const grids = await getJSON("/api/grids");
  chooser.replaceChildren(el("option", { value: "" }, t("wall.allCameras")),
    ...grids.map((grid) => el("option", { value: grid.id }, grid.name)));
  chooser.value = page.grid || "";
  chooser.onchange = () => {
    location.hash = chooser.value ? `#/wall/grid/${encodeURIComponent(chooser.value)}` : "#/wall";
  };
}

async function showWall(page, first) {
  try {
    const query = wallQuery(page);
    if (first) {
      wall.request = null; // a page view is one audit row
      await fillWallGrids(page);
    } else if ($("wall-grid").options.length) {
      $("wall-grid").options[0].textContent = t("wall.allCameras"); // after a switch of language
    }
    const [grant, status, open] = await Promise.all([
      wallGrant(query), getJSON("/api/status"), getJSON("/api/events?state=open&limit=1000"),
    ]);
    const statusByCamera = new Map(status.cameras.map((s) => [s.camera, s]));
    const faultsByCamera = new Map();
    for (const event of open.events) {
      if (!faultsByCamera.has(event.device)) faultsByCamera.set(event.device, []);
      faultsByCamera.get(event.device).push(event.kind);
    }
    const grid = $("wall-tiles");
    if (first || grid.children.length !== grant.tiles.length) {
      wall.tiles.clear();
      grid.replaceChildren(...grant.tiles.map(wallTile));
    }
    for (const tile of grant.tiles) {
      updateTile(tile, statusByCamera.get(tile.camera), faultsByCamera.get(tile.camera) || []);
    }
    say($("wall-state"), "wall.state", {
      cameras: count(grant.tiles.length),
      streaming: count(grant.tiles.filter((tile) => statusByCamera.get(tile.camera)?.state === "streaming").length),
    });
  } catch (error) {
    say($("wall-state"), "overview.error", { message: error.message });
  }
}

/** A tile: the picture, the camera's name (as it is), and a line for its state and keyframe time. */
function wallTile(tile) {
  const picture = el("img", { alt: tile.name, "data-camera": tile.camera });
  const caption = el("figcaption", {},
    el("a", { href: `#/camera/${encodeURIComponent(tile.camera)}` }, tile.name), el("br"),
    el("span", { class: "tile-state" }), " ", el("span", { class: "muted tile-time" }));
  const figure = el("figure", { class: "tile idle", "data-camera": tile.camera }, picture, caption);
  wall.tiles.set(tile.camera, { figure, picture, shown: null });
  return figure;
}

/** Recolours a tile and, when the camera has analysed a newer keyframe, loads its thumbnail again. */
function updateTile(tile, status, faults) {
  const shown = wall.tiles.get(tile.camera);
  if (!shown) return;
  const klass = healthClass(status, faults);
  shown.figure.className = `tile ${klass}`;
  shown.figure.dataset.state = klass;
  const stateText = status ? named("state", status.state) : t("state.notRunning");
  shown.figure.querySelector(".tile-state").textContent = faults.length ? joined(faults.map(kindName)) : stateText;
  const analysed = status?.lastAnalysedKeyframe;
  shown.figure.querySelector(".tile-time").textContent = analysed ? clock(analysed) : "";
  // The thumbnail changes with the analysed keyframe; the URL's query makes the browser fetch the new one. A camera
  // not running now shows its last thumbnail (of the last hour), or nothing.
  const source = analysed ? `${tile.thumbnail}?at=${encodeURIComponent(analysed)}` : tile.thumbnail;
  if (shown.shown !== source) {
    shown.shown = source;
    shown.picture.onerror = () => shown.picture.removeAttribute("src");
    shown.picture.src = source;
  }
}
