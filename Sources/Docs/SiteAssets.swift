/// The docs site's page: one HTML file with its style and script inline, so it opens from
/// `file://` with no network. The data comes from `data.js` beside it (a `<script>`, because
/// browsers refuse `fetch` of local files).
enum SiteAssets {
  static let indexHTML = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>swdbt docs</title>
    <style>
    * { box-sizing: border-box; }
    body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330; display: grid; grid-template-columns: 320px 1fr; grid-template-rows: 48px 1fr; height: 100vh; }
    header { grid-column: 1 / 3; display: flex; align-items: center; gap: 16px; padding: 0 16px; background: #1d2330; color: #fff; }
    header h1 { font-size: 16px; margin: 0; font-weight: 600; }
    header a { color: #cfe0ff; text-decoration: none; }
    header a.active { color: #fff; font-weight: 600; }
    aside { border-right: 1px solid #dde2ea; display: flex; flex-direction: column; min-height: 0; }
    aside input { margin: 10px; padding: 7px 9px; border: 1px solid #c4ccd8; border-radius: 6px; font: inherit; }
    #node-list { list-style: none; margin: 0; padding: 0 0 10px; overflow-y: auto; flex: 1; }
    #node-list li a { display: block; padding: 3px 14px; color: inherit; text-decoration: none; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    #node-list li a:hover, #node-list li a.current { background: #eef3fb; }
    #node-list li.more { padding: 6px 14px; color: #6b7385; }
    #node-list li.group { padding: 10px 14px 2px; font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: #6b7385; }
    main { overflow: auto; min-height: 0; position: relative; }
    .page { padding: 20px 28px; max-width: 1200px; }
    .badge { display: inline-block; padding: 1px 7px; border-radius: 9px; font-size: 12px; background: #e7ebf2; margin-right: 4px; }
    .badge.pii { background: #ffe3d6; color: #9a3412; }
    .badge.test { background: #e6f4ea; }
    table { border-collapse: collapse; width: 100%; margin: 8px 0 18px; }
    th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e6e9ef; vertical-align: top; }
    td.from, td.feeds { font-size: 12px; max-width: 220px; overflow-wrap: anywhere; }
    td.from a, td.feeds a { display: block; }
    th { font-weight: 600; color: #4b5365; }
    pre { background: #f6f8fb; border: 1px solid #e1e6ee; border-radius: 6px; padding: 10px; overflow: auto; font-size: 12.5px; }
    h2 { font-size: 20px; margin: 0 0 4px; }
    h3 { font-size: 15px; margin: 22px 0 6px; }
    .muted { color: #6b7385; }
    .links a { margin-right: 10px; }
    #graph-view { position: absolute; inset: 0; }
    #lineage-canvas { width: 100%; height: 100%; display: block; cursor: grab; }
    .toolbar { position: absolute; top: 10px; right: 12px; display: flex; gap: 6px; background: #fff; padding: 6px; border: 1px solid #dde2ea; border-radius: 8px; align-items: center; }
    .toolbar button { font: inherit; padding: 2px 9px; }
    #focus-graph { border: 1px solid #e1e6ee; border-radius: 6px; background: #fbfcfe; max-width: 100%; }
    #focus-graph g.node { cursor: pointer; }
    #focus-graph g.node rect { stroke: #8792a8; }
    #focus-graph g.node.center rect { stroke: #1d2330; stroke-width: 2.5; }
    #focus-graph text { font-size: 12px; }
    </style>
    </head>
    <body>
    <header>
      <h1 id="project-name">swdbt docs</h1>
      <a href="#graph" id="nav-graph">Lineage</a>
      <span class="muted" id="stats"></span>
    </header>
    <aside>
      <input id="search" type="search" placeholder="Search models, seeds, sources, tests, columns" autocomplete="off">
      <ul id="node-list"></ul>
    </aside>
    <main id="main"></main>
    <script src="data.js"></script>
    <script>
    "use strict";
    const DATA = window.SWDBT_DATA;
    const manifest = DATA.manifest, catalog = DATA.catalog || { nodes: {}, sources: {} };
    const all = Object.assign({}, manifest.nodes, manifest.sources);
    const ids = Object.keys(all).sort();
    const main = document.getElementById("main");
    const list = document.getElementById("node-list");
    const search = document.getElementById("search");
    const colors = { seed: "#c9ecd4", source: "#d9f2c9", model: "#d6e4fb", test: "#eee", ephemeral: "#efe2fb", view: "#d6e4fb", table: "#c2d6f7", incremental: "#b5ccf5" };
    document.getElementById("project-name").textContent = manifest.metadata.project_name + " docs";
    document.title = manifest.metadata.project_name + " docs";
    const esc = s => String(s == null ? "" : s).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
    const link = id => '<a href="#node/' + encodeURIComponent(id) + '">' + esc(all[id] ? all[id].name : id) + "</a>";
    const kind = n => n.resource_type === "model" ? (n.config.materialized || "view") : n.resource_type;
    const relationOf = id => (catalog.nodes[id] || catalog.sources[id]);
    const piiOf = meta => meta && meta.pii !== undefined && meta.pii !== false ? (meta.pii === true ? "PII" : "PII: " + meta.pii) : null;

    // Column lineage: where each model column comes from, and what each column feeds.
    const columnLineage = DATA.columnLineage || {};
    const feeds = {};
    for (const child of Object.keys(columnLineage)) {
      for (const c of Object.keys(columnLineage[child])) {
        for (const [n, source] of columnLineage[child][c]) (feeds[n + "\u0000" + source] = feeds[n + "\u0000" + source] || []).push([child, c]);
      }
    }
    const columnLink = ([n, c]) => '<a class="column-link" href="#node/' + encodeURIComponent(n) + '">' + esc(all[n] ? all[n].name : n) + ".<wbr>" + esc(c) + "</a>";

    // Tests per node and column.
    const testsOf = {};
    for (const id of ids) {
      const n = all[id];
      if (n.resource_type !== "test") continue;
      const owner = n.attached_node || (n.depends_on.nodes[0]);
      if (!owner) continue;
      const key = owner + "\u0000" + (n.column_name || "");
      (testsOf[key] = testsOf[key] || []).push(id);
    }

    // The lineage graph: every node but tests.
    const graphIDs = DATA.layout.ids;
    const indexOf = new Map(graphIDs.map((id, i) => [id, i]));
    const layer = DATA.layout.layer, order = DATA.layout.order, sizes = DATA.layout.layerSizes;
    const maxSize = Math.max(1, ...sizes);
    document.getElementById("stats").textContent = graphIDs.length + " nodes in the lineage, " + ids.length + " in all";

    // Search and list.
    let listTimer = 0;
    function renderList() {
      const q = search.value.trim().toLowerCase();
      const groups = { model: [], seed: [], source: [], test: [] };
      let total = 0;
      for (const id of ids) {
        const n = all[id];
        if (q && !(n.name.toLowerCase().includes(q) || id.toLowerCase().includes(q) || (n.description || "").toLowerCase().includes(q)
            || (n.tags || []).some(t => t.toLowerCase() === q) || Object.keys(n.columns || {}).some(c => c.toLowerCase() === q))) continue;
        total++;
        (groups[n.resource_type] || (groups[n.resource_type] = [])).push(id);
      }
      const limit = 400;
      let shown = 0, html = "";
      for (const type of Object.keys(groups)) {
        if (!groups[type].length) continue;
        html += '<li class="group">' + esc(type) + "s (" + groups[type].length + ")</li>";
        for (const id of groups[type]) {
          if (shown >= limit) break;
          html += '<li><a href="#node/' + encodeURIComponent(id) + '" title="' + esc(id) + '">' + esc(all[id].name) + "</a></li>";
          shown++;
        }
      }
      if (total > shown) html += '<li class="more">and ' + (total - shown) + " more: refine the search</li>";
      list.innerHTML = html;
      list.dataset.count = String(total);
      list.dataset.shown = String(shown);
      if (currentView === "graph") drawGraph();
    }
    search.addEventListener("input", () => { clearTimeout(listTimer); listTimer = setTimeout(renderList, 80); });

    // Node page.
    function nodePage(id) {
      const n = all[id];
      if (!n) { main.innerHTML = '<div class="page"><h2>Not found</h2><p>' + esc(id) + "</p></div>"; return; }
      const rel = relationOf(id);
      const columns = Object.assign({}, n.columns || {});
      const typed = rel ? rel.columns : {};
      for (const c of Object.keys(typed)) if (!columns[c]) columns[c] = { name: c, description: "", meta: {} };
      const derived = columnLineage[id] || {};
      const derivedOrder = Object.keys(derived);
      for (const c of derivedOrder) if (!columns[c]) columns[c] = { name: c, description: "", meta: {} };
      const rank = c => (typed[c] || {}).index || (derivedOrder.indexOf(c) + 1) || 1e9;
      const columnRows = Object.keys(columns).sort((a, b) => rank(a) - rank(b)).map(c => {
        const col = columns[c], pii = piiOf(col.meta);
        const tests = (testsOf[id + "\u0000" + c] || []).map(t => '<span class="badge test">' + esc(all[t].test_metadata ? all[t].test_metadata.name : all[t].name) + "</span>").join("");
        const from = (derived[c] || []).map(columnLink).join(" ");
        const to = (feeds[id + "\u0000" + c] || []).map(columnLink).join(" ");
        return '<tr data-column="' + esc(c) + '"><td>' + esc(c) + "</td><td>" + esc((typed[c] || {}).type || col.data_type || "") + "</td><td>" + esc(col.description) + "</td><td>" + tests + "</td><td>" + (pii ? '<span class="badge pii">' + esc(pii) + "</span>" : "") + '</td><td class="from">' + from + '</td><td class="feeds">' + to + "</td></tr>";
      }).join("");
      const parents = (manifest.parent_map[id] || []), children = (manifest.child_map[id] || []);
      const nodeTests = (testsOf[id + "\u0000"] || []);
      let html = '<div class="page"><h2>' + esc(n.name) + '</h2><p class="muted"><span class="badge">' + esc(kind(n)) + "</span>" + esc(id) + " &middot; " + esc(n.original_file_path)
        + (n.relation_name ? " &middot; " + esc(n.relation_name) : "") + "</p>";
      if (n.description) html += "<p>" + esc(n.description) + "</p>";
      if ((n.tags || []).length) html += "<p>" + n.tags.map(t => '<span class="badge">#' + esc(t) + "</span>").join("") + "</p>";
      if (indexOf.has(id)) html += '<h3>Lineage</h3><p class="muted">Two levels up and down; <a href="#lineage/' + encodeURIComponent(id) + '/3/3">more</a>, <a href="#graph/' + encodeURIComponent(id) + '">in the whole graph</a>.</p>' + focusSVG(id, 2, 2);
      if (columnRows) html += "<h3>Columns</h3><table><tr><th>Column</th><th>Type</th><th>Description</th><th>Tests</th><th>Personal data</th><th>Computed from</th><th>Feeds</th></tr>" + columnRows + "</table>";
      html += '<h3>Depends on</h3><p class="links">' + (parents.map(link).join("") || '<span class="muted">nothing</span>') + "</p>";
      html += '<h3>Used by</h3><p class="links">' + (children.filter(c => all[c] && all[c].resource_type !== "test").map(link).join("") || '<span class="muted">nothing</span>') + "</p>";
      if (nodeTests.length) html += '<h3>Tests</h3><p class="links">' + nodeTests.map(link).join("") + "</p>";
      if (n.raw_code) html += "<h3>Source</h3><pre>" + esc(n.raw_code) + "</pre>";
      if (n.compiled_code) html += "<h3>Compiled</h3><pre>" + esc(n.compiled_code) + "</pre>";
      main.innerHTML = html + "</div>";
      main.scrollTop = 0;
    }

    // Focus view: N levels up and down, columns by global layer, rows by global order.
    function neighbourhood(id, up, down) {
      const keep = new Set([id]);
      const walk = (start, depth, map) => {
        let frontier = [start];
        for (let d = 0; d < depth && frontier.length; d++) {
          const next = [];
          for (const f of frontier) for (const m of (map[f] || [])) if (indexOf.has(m) && !keep.has(m)) { keep.add(m); next.push(m); }
          frontier = next;
        }
      };
      walk(id, up, manifest.parent_map);
      walk(id, down, manifest.child_map);
      return keep;
    }
    function focusSVG(id, up, down) {
      const keep = [...neighbourhood(id, up, down)];
      const layers = [...new Set(keep.map(k => layer[indexOf.get(k)]))].sort((a, b) => a - b);
      const column = new Map(layers.map((l, i) => [l, i]));
      const byColumn = layers.map(() => []);
      for (const k of keep) byColumn[column.get(layer[indexOf.get(k)])].push(k);
      for (const c of byColumn) c.sort((a, b) => order[indexOf.get(a)] - order[indexOf.get(b)]);
      const W = 190, H = 30, GX = 70, GY = 14, tall = Math.max(...byColumn.map(c => c.length));
      const pos = new Map();
      byColumn.forEach((c, ci) => c.forEach((k, ri) => pos.set(k, [10 + ci * (W + GX), 10 + (tall - c.length) * (H + GY) / 2 + ri * (H + GY)])));
      const width = 20 + byColumn.length * (W + GX) - GX, height = 20 + tall * (H + GY) - GY;
      let edges = "", nodes = "";
      for (const k of keep) for (const p of (manifest.parent_map[k] || [])) {
        if (!pos.has(p)) continue;
        const [x1, y1] = pos.get(p), [x2, y2] = pos.get(k), a = x1 + W, b = y1 + H / 2, c = y2 + H / 2, m = (a + x2) / 2;
        edges += '<path d="M' + a + "," + b + " C" + m + "," + b + " " + m + "," + c + " " + x2 + "," + c + '" fill="none" stroke="#9aa5b8"/>';
      }
      for (const k of keep) {
        const [x, y] = pos.get(k), n = all[k];
        nodes += '<g class="node' + (k === id ? " center" : "") + '" data-id="' + esc(k) + '"><rect x="' + x + '" y="' + y + '" width="' + W + '" height="' + H + '" rx="6" fill="' + (colors[kind(n)] || "#eee") + '"/><text x="' + (x + 8) + '" y="' + (y + 19) + '">' + esc(n.name.length > 26 ? n.name.slice(0, 25) + "\u2026" : n.name) + "</text><title>" + esc(k) + "</title></g>";
      }
      return '<svg id="focus-graph" data-nodes="' + keep.length + '" width="' + width + '" height="' + height + '" viewBox="0 0 ' + width + " " + height + '">' + edges + nodes + "</svg>";
    }
    function lineagePage(id, up, down) {
      main.innerHTML = '<div class="page"><h2>Lineage of ' + link(id) + '</h2><p class="muted">Levels up: <a href="#lineage/' + encodeURIComponent(id) + "/" + Math.max(0, up - 1) + "/" + down + '">&minus;</a> ' + up
        + ' <a href="#lineage/' + encodeURIComponent(id) + "/" + (up + 1) + "/" + down + '">+</a> &middot; levels down: <a href="#lineage/' + encodeURIComponent(id) + "/" + up + "/" + Math.max(0, down - 1) + '">&minus;</a> ' + down
        + ' <a href="#lineage/' + encodeURIComponent(id) + "/" + up + "/" + (down + 1) + '">+</a></p>' + focusSVG(id, up, down) + "</div>";
    }
    main.addEventListener("click", e => {
      const g = e.target.closest && e.target.closest("g.node");
      if (g) location.hash = "#node/" + encodeURIComponent(g.dataset.id);
    });

    // The whole graph on a canvas: pan by dragging, zoom with the wheel or the buttons.
    const view = { x: 20, y: 20, scale: 1, focus: null };
    const NW = 170, NH = 22, GX = 90, GY = 8;
    const nodeX = i => layer[i] * (NW + GX);
    const nodeY = i => (maxSize - sizes[layer[i]]) * (NH + GY) / 2 + order[i] * (NH + GY);
    let canvas = null;
    function graphPage(focusID) {
      main.innerHTML = '<div id="graph-view"><canvas id="lineage-canvas"></canvas><div class="toolbar"><button id="zoom-in">+</button><button id="zoom-out">&minus;</button><button id="zoom-fit">fit</button><span class="muted">drag to pan, wheel to zoom, click a node; the search box highlights</span></div></div>';
      canvas = document.getElementById("lineage-canvas");
      let drag = null, moved = false;
      canvas.addEventListener("mousedown", e => { drag = [e.clientX, e.clientY, view.x, view.y]; moved = false; });
      window.onmousemove = e => { if (!drag) return; view.x = drag[2] + e.clientX - drag[0]; view.y = drag[3] + e.clientY - drag[1]; moved = true; drawGraph(); };
      window.onmouseup = e => {
        if (drag && !moved) { const hit = hitTest(e); if (hit !== null) location.hash = "#node/" + encodeURIComponent(graphIDs[hit]); }
        drag = null;
      };
      canvas.addEventListener("wheel", e => { e.preventDefault(); zoomAt(e.offsetX, e.offsetY, e.deltaY < 0 ? 1.2 : 1 / 1.2); }, { passive: false });
      document.getElementById("zoom-in").onclick = () => zoomAt(canvas.clientWidth / 2, canvas.clientHeight / 2, 1.4);
      document.getElementById("zoom-out").onclick = () => zoomAt(canvas.clientWidth / 2, canvas.clientHeight / 2, 1 / 1.4);
      document.getElementById("zoom-fit").onclick = () => { fit(); drawGraph(); };
      view.focus = focusID && indexOf.has(focusID) ? indexOf.get(focusID) : null;
      if (view.focus !== null) { view.scale = 1; view.x = canvas.clientWidth / 2 - nodeX(view.focus) - NW / 2; view.y = canvas.clientHeight / 2 - nodeY(view.focus); } else fit();
      drawGraph();
    }
    function fit() {
      const w = sizes.length * (NW + GX), h = maxSize * (NH + GY);
      view.scale = Math.min(canvas.clientWidth / w, canvas.clientHeight / h, 1.5) * 0.95;
      view.x = (canvas.clientWidth - w * view.scale) / 2; view.y = (canvas.clientHeight - h * view.scale) / 2;
    }
    function zoomAt(px, py, factor) {
      view.x = px - (px - view.x) * factor; view.y = py - (py - view.y) * factor; view.scale *= factor; drawGraph();
    }
    function hitTest(e) {
      const r = canvas.getBoundingClientRect(), x = (e.clientX - r.left - view.x) / view.scale, y = (e.clientY - r.top - view.y) / view.scale;
      const l = Math.floor(x / (NW + GX));
      if (l < 0 || l >= sizes.length || x - l * (NW + GX) > NW) return null;
      const o = Math.floor((y - (maxSize - sizes[l]) * (NH + GY) / 2) / (NH + GY));
      if (o < 0 || o >= sizes[l]) return null;
      for (let i = 0; i < graphIDs.length; i++) if (layer[i] === l && order[i] === o) return i;
      return null;
    }
    let frame = 0;
    function drawGraph() {
      if (!canvas || !document.body.contains(canvas)) return;
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(paint);
      paint();
    }
    function paint() {
      const ratio = window.devicePixelRatio || 1, w = canvas.clientWidth, h = canvas.clientHeight;
      if (canvas.width !== w * ratio || canvas.height !== h * ratio) { canvas.width = w * ratio; canvas.height = h * ratio; }
      const g = canvas.getContext("2d");
      g.setTransform(ratio, 0, 0, ratio, 0, 0);
      g.clearRect(0, 0, w, h);
      g.translate(view.x, view.y); g.scale(view.scale, view.scale);
      const q = search.value.trim().toLowerCase();
      const lit = q ? new Set(graphIDs.filter(id => all[id].name.toLowerCase().includes(q))) : null;
      const near = view.focus !== null ? neighbourhood(graphIDs[view.focus], 1, 1) : null;
      const x0 = -view.x / view.scale, y0 = -view.y / view.scale, x1 = x0 + w / view.scale, y1 = y0 + h / view.scale;
      let edges = 0, drawn = 0;
      g.lineWidth = 1 / Math.max(view.scale, 0.3);
      g.strokeStyle = "rgba(120,132,155,0.35)";
      g.beginPath();
      for (let i = 0; i < graphIDs.length; i++) {
        const cx = nodeX(i), cy = nodeY(i) + NH / 2;
        for (const p of (manifest.parent_map[graphIDs[i]] || [])) {
          const j = indexOf.get(p);
          if (j === undefined) continue;
          const px = nodeX(j) + NW, py = nodeY(j) + NH / 2;
          if (Math.max(px, cx) < x0 || Math.min(px, cx) > x1 || Math.max(py, cy) < y0 || Math.min(py, cy) > y1) continue;
          g.moveTo(px, py); g.bezierCurveTo((px + cx) / 2, py, (px + cx) / 2, cy, cx, cy); edges++;
        }
      }
      g.stroke();
      g.font = "12px system-ui, sans-serif";
      for (let i = 0; i < graphIDs.length; i++) {
        const x = nodeX(i), y = nodeY(i);
        if (x + NW < x0 || x > x1 || y + NH < y0 || y > y1) continue;
        const n = all[graphIDs[i]];
        const dim = (lit && !lit.has(graphIDs[i])) || (near && !near.has(graphIDs[i]));
        g.globalAlpha = dim ? 0.25 : 1;
        g.fillStyle = colors[kind(n)] || "#eee";
        g.fillRect(x, y, NW, NH);
        g.strokeStyle = i === view.focus ? "#1d2330" : "#8792a8";
        g.strokeRect(x, y, NW, NH);
        if (view.scale > 0.45) { g.fillStyle = "#1d2330"; g.fillText(n.name.length > 24 ? n.name.slice(0, 23) + "\u2026" : n.name, x + 6, y + 15); }
        drawn++;
      }
      g.globalAlpha = 1;
      canvas.dataset.nodes = String(graphIDs.length);
      canvas.dataset.drawnNodes = String(drawn);
      canvas.dataset.drawnEdges = String(edges);
    }
    window.addEventListener("resize", drawGraph);

    // Routing.
    let currentView = "";
    function route() {
      const hash = decodeURIComponent(location.hash.slice(1));
      const [view, id, up, down] = hash.split("/");
      document.getElementById("nav-graph").classList.toggle("active", view === "graph" || view === "");
      for (const a of list.querySelectorAll("a.current")) a.classList.remove("current");
      if (view === "node" && id) { currentView = "node"; nodePage(id); }
      else if (view === "lineage" && id) { currentView = "lineage"; lineagePage(id, Math.max(0, +up || 2), Math.max(0, +down || 2)); }
      else { currentView = "graph"; graphPage(view === "graph" ? id : null); }
    }
    window.addEventListener("hashchange", route);
    renderList();
    route();
    </script>
    </body>
    </html>
    """#
}
