extension SiteAssets {
  /// The page's drawing of the lineage (SVG, or a canvas for large views), its graph view and its
  /// routing.
  static let graphScript = ##"""
    // Drawing a layout: SVG for views a reader can take in (boxes and edges are DOM elements, with
    // tooltips), a canvas past that, where thousands of SVG elements would make panning stutter.
    const FONT = 14, LINE = 16, SVG_LIMIT = 1500;
    // A label in at most three lines of its box, broken after `_`, `.` or a space; the full name is
    // the tooltip.
    function labelLines(text) {
      const max = 15, lines = [];
      let rest = text;
      while (rest.length > max && lines.length < 2) {
        let cut = -1;
        for (let i = max; i > 4; i--) if ("_. ".includes(rest[i - 1])) { cut = i; break; }
        if (cut < 0) cut = max;
        lines.push(rest.slice(0, cut)); rest = rest.slice(cut);
      }
      lines.push(rest.length > max ? rest.slice(0, max - 1) + "\u2026" : rest);
      return lines;
    }
    function nodeSVG(L, i, classes) {
      const id = L.ids[i], n = all[id], x = columnX(L.layer[i]), y = L.y[i], lines = labelLines(labelOf(id));
      const first = y + SIZE.nodeHeight / 2 - (lines.length - 1) * LINE / 2 + FONT * 0.35;
      return '<g class="node' + classes + '" data-id="' + esc(id) + '"><rect x="' + x + '" y="' + y + '" width="' + SIZE.nodeWidth + '" height="' + SIZE.nodeHeight + '" rx="6" fill="' + (colourOf[categoryOf(n)] || "#eee") + '"/><text font-size="' + FONT + '">'
        + lines.map((l, k) => '<tspan x="' + (x + 6) + '" y="' + (first + k * LINE) + '">' + esc(l) + "</tspan>").join("") + "</text><title>" + esc(labelOf(id) + "\n" + id + (n.description ? "\n" + n.description : "")) + "</title></g>";
    }
    function layoutSVGContent(L, classOf) {
      let edges = "", nodes = "";
      for (const e of L.edges) edges += '<path class="edge" data-from="' + esc(L.ids[e[0]]) + '" data-to="' + esc(L.ids[e[1]]) + '" d="' + edgePathData(edgePoints(L, e)) + '"/>';
      for (let i = 0; i < L.ids.length; i++) nodes += nodeSVG(L, i, classOf(L.ids[i]));
      return edges + nodes;
    }
    const matchClass = id => matches.size ? (matches.has(id) ? " match" : " dim") : "";

    // Focus view: the node's neighbourhood, laid out for its own nodes.
    function neighbourhood(id, up, down) {
      const keep = new Set([id]);
      for (const p of walkGraph([id], parentMap, up)) keep.add(p);
      for (const c of walkGraph([id], childMap, down)) keep.add(c);
      return keep;
    }
    const groupOf = id => { const n = all[id]; return (n.fqn || []).slice(0, -1).join("/") + "/" + n.name; };
    function focusSVG(id, up, down) {
      const keep = [...neighbourhood(id, up, down)].sort((a, b) => indexOf.get(a) - indexOf.get(b));
      const L = layeredLayout(keep, p => parentMap[p], groupOf);
      const [w, h] = layoutSize(L), pad = 10;
      return '<div class="focus-wrap"><svg id="focus-graph" class="lineage" data-nodes="' + keep.length + '" width="' + (w + 2 * pad) + '" height="' + (h + 2 * pad) + '" viewBox="' + -pad + " " + -pad + " " + (w + 2 * pad) + " " + (h + 2 * pad) + '">'
        + layoutSVGContent(L, k => (k === id ? " center" : "") + matchClass(k)) + "</svg></div>" + legendHTML();
    }
    function lineagePage(id, up, down) {
      const to = (u, d) => '<a href="#lineage/' + encodeURIComponent(id) + "/" + u + "/" + d + '">';
      main.innerHTML = '<div class="page"><h2>Lineage of ' + link(id) + '</h2><p class="muted">Levels up: ' + to(Math.max(0, up - 1), down) + "&minus;</a> " + up
        + " " + to(up + 1, down) + "+</a> &middot; levels down: " + to(up, Math.max(0, down - 1)) + "&minus;</a> " + down + " " + to(up, down + 1) + "+</a></p>" + focusSVG(id, up, down) + "</div>";
    }
    main.addEventListener("mousedown", () => { panned = false; });
    main.addEventListener("click", e => {
      const g = e.target.closest && e.target.closest("svg.lineage g.node");
      if (g && !panned) location.hash = "#node/" + encodeURIComponent(g.dataset.id);
    });

    // The graph view: the whole project or a selection, panned by dragging, zoomed with the wheel.
    const view = { x: 0, y: 0, scale: 1, layout: wholeLayout, size: [0, 0], svg: false };
    let canvas = null, viewport = null, panned = false;
    function graphPage(selector) {
      main.innerHTML = '<div id="graph-view"><div class="toolbar"><input id="select" type="search" spellcheck="false" placeholder="select: +fact_sales tag:pii path:models/staging --exclude ..." value="' + esc(selector) + '">'
        + '<button id="zoom-in" title="zoom in">+</button><button id="zoom-out" title="zoom out">&minus;</button><button id="zoom-fit">fit</button><span id="select-status" class="muted"></span></div>'
        + '<div id="graph-area"></div>' + legendHTML() + "</div>";
      const box = document.getElementById("select");
      box.addEventListener("keydown", e => { if (e.key === "Enter") setParam("select", box.value.trim(), true); });
      box.addEventListener("search", () => setParam("select", box.value.trim(), true));
      document.getElementById("zoom-in").onclick = () => zoomAt(area().clientWidth / 2, area().clientHeight / 2, 1.4);
      document.getElementById("zoom-out").onclick = () => zoomAt(area().clientWidth / 2, area().clientHeight / 2, 1 / 1.4);
      document.getElementById("zoom-fit").onclick = () => { fit(); paint(); };
      let kept = null, status = "";
      try { kept = evaluateSelector(selector); } catch (error) { status = error.message; }
      view.layout = kept ? layeredLayout(graphIDs.filter(id => kept.has(id)), p => parentMap[p], groupOf) : wholeLayout;
      if (kept && !status) status = kept.size + " of " + graphIDs.length + " nodes";
      document.getElementById("select-status").textContent = status;
      view.size = layoutSize(view.layout);
      view.svg = view.layout.ids.length <= SVG_LIMIT;
      const host = area();
      if (view.svg) {
        host.innerHTML = '<svg id="graph-svg" class="lineage" data-nodes="' + view.layout.ids.length + '"><g id="viewport">' + layoutSVGContent(view.layout, matchClass) + "</g></svg>";
        viewport = document.getElementById("viewport"); canvas = null;
      } else {
        host.innerHTML = '<canvas id="lineage-canvas" data-nodes="' + view.layout.ids.length + '"></canvas>';
        canvas = document.getElementById("lineage-canvas"); viewport = null;
      }
      let drag = null;
      host.addEventListener("mousedown", e => { drag = [e.clientX, e.clientY, view.x, view.y]; });
      window.onmousemove = e => {
        if (!drag) return;
        if (Math.abs(e.clientX - drag[0]) + Math.abs(e.clientY - drag[1]) > 3) panned = true;
        view.x = drag[2] + e.clientX - drag[0]; view.y = drag[3] + e.clientY - drag[1]; paint();
      };
      window.onmouseup = e => {
        if (drag && !panned && canvas) { const hit = hitTest(e); if (hit !== null) location.hash = "#node/" + encodeURIComponent(view.layout.ids[hit]); }
        drag = null;
      };
      host.addEventListener("wheel", e => { e.preventDefault(); zoomAt(e.offsetX, e.offsetY, e.deltaY < 0 ? 1.2 : 1 / 1.2); }, { passive: false });
      fit();
      paint();
    }
    const area = () => document.getElementById("graph-area");
    function fit() {
      const [w, h] = view.size, host = area(), pad = 16;
      view.scale = Math.min((host.clientWidth - 2 * pad) / Math.max(1, w), (host.clientHeight - 2 * pad) / Math.max(1, h), 1.25);
      view.x = (host.clientWidth - w * view.scale) / 2; view.y = (host.clientHeight - h * view.scale) / 2;
    }
    function zoomAt(px, py, factor) {
      view.x = px - (px - view.x) * factor; view.y = py - (py - view.y) * factor; view.scale *= factor; paint();
    }
    function hitTest(e) {
      const r = canvas.getBoundingClientRect(), x = (e.clientX - r.left - view.x) / view.scale, y = (e.clientY - r.top - view.y) / view.scale, L = view.layout;
      for (let i = 0; i < L.ids.length; i++) {
        const bx = columnX(L.layer[i]);
        if (x >= bx && x <= bx + SIZE.nodeWidth && y >= L.y[i] && y <= L.y[i] + SIZE.nodeHeight) return i;
      }
      return null;
    }
    function highlightGraph() {
      for (const g of document.querySelectorAll("svg.lineage g.node")) {
        g.classList.toggle("match", matches.has(g.dataset.id));
        g.classList.toggle("dim", matches.size > 0 && !matches.has(g.dataset.id));
      }
      for (const tr of document.querySelectorAll("tr[data-column]")) tr.classList.toggle("match", !!query() && tr.dataset.column.toLowerCase().includes(query()));
      if (canvas) paint();
    }
    // A canvas repaint. Zoomed out (no labels), the whole layout is drawn once into a bitmap at
    // the current zoom and a pan only copies it; zoomed in, only what is in view is drawn.
    function paint() {
      if (viewport) {
        viewport.setAttribute("transform", "translate(" + view.x.toFixed(1) + "," + view.y.toFixed(1) + ") scale(" + view.scale.toFixed(4) + ")");
        return;
      }
      if (!canvas || !document.body.contains(canvas)) return;
      const ratio = window.devicePixelRatio || 1, w = canvas.clientWidth, h = canvas.clientHeight, L = view.layout;
      if (canvas.width !== w * ratio || canvas.height !== h * ratio) { canvas.width = w * ratio; canvas.height = h * ratio; }
      const g = canvas.getContext("2d");
      g.setTransform(ratio, 0, 0, ratio, 0, 0);
      g.clearRect(0, 0, w, h);
      const labels = view.scale * FONT >= 6, [lw, lh] = view.size;
      const bw = Math.ceil(lw * view.scale * ratio) + 2, bh = Math.ceil(lh * view.scale * ratio) + 2;
      if (!labels && bw <= 8192 && bh <= 8192 && bw * bh <= 24e6) {
        const key = view.scale + " " + ratio;
        if (!L.bitmap || L.bitmapKey !== key || L.bitmapMatches !== matches) {
          L.bitmap = L.bitmap || document.createElement("canvas");
          L.bitmap.width = bw; L.bitmap.height = bh;
          const b = L.bitmap.getContext("2d");
          b.setTransform(ratio * view.scale, 0, 0, ratio * view.scale, ratio, ratio);
          L.bitmapCounts = drawLayout(b, L, -1, -1, lw + 1, lh + 1, false);
          L.bitmapKey = key; L.bitmapMatches = matches;
        }
        g.drawImage(L.bitmap, view.x - 1, view.y - 1, bw / ratio, bh / ratio);
        canvas.dataset.drawnNodes = String(L.bitmapCounts[0]);
        canvas.dataset.drawnEdges = String(L.bitmapCounts[1]);
        return;
      }
      g.translate(view.x, view.y); g.scale(view.scale, view.scale);
      const x0 = -view.x / view.scale, y0 = -view.y / view.scale;
      const [drawn, edges] = drawLayout(g, L, x0, y0, x0 + w / view.scale, y0 + h / view.scale, labels);
      canvas.dataset.drawnNodes = String(drawn);
      canvas.dataset.drawnEdges = String(edges);
    }
    // Draws the nodes and edges of L that meet the rectangle (x0, y0)-(x1, y1), in layout
    // units; returns how many of each.
    function drawLayout(g, L, x0, y0, x1, y1, labels) {
      let edges = 0, drawn = 0;
      g.lineWidth = 1.2 / Math.max(view.scale, 0.2);
      g.strokeStyle = "rgba(95,108,135,0.5)";
      // Each edge's bounding box, computed once per layout when part of it is in view: a repaint
      // skips the edges out of view without building their points.
      const [lw, lh] = L.size || (L.size = layoutSize(L)), whole = x0 <= 0 && y0 <= 0 && x1 >= lw && y1 >= lh;
      if (!whole && !L.edgeBoxes) {
        L.edgeBoxes = new Float64Array(L.edges.length * 4);
        L.edges.forEach((e, k) => {
          let ax = Infinity, bx = -Infinity, ay = Infinity, by = -Infinity;
          for (const [px, py] of edgePoints(L, e)) { ax = Math.min(ax, px); bx = Math.max(bx, px); ay = Math.min(ay, py); by = Math.max(by, py); }
          L.edgeBoxes.set([ax, ay, bx, by], k * 4);
        });
      }
      const boxes = L.edgeBoxes;
      g.beginPath();
      for (let k = 0; k < L.edges.length; k++) {
        if (!whole && (boxes[k * 4 + 2] < x0 || boxes[k * 4] > x1 || boxes[k * 4 + 3] < y0 || boxes[k * 4 + 1] > y1)) continue;
        const pts = edgePoints(L, L.edges[k]);
        g.moveTo(pts[0][0], pts[0][1]);
        for (let k = 1; k < pts.length; k++) g.lineTo(pts[k][0], pts[k][1]);
        edges++;
      }
      g.stroke();
      g.font = FONT + "px system-ui, sans-serif";
      for (let i = 0; i < L.ids.length; i++) {
        const x = columnX(L.layer[i]), y = L.y[i];
        if (x + SIZE.nodeWidth < x0 || x > x1 || y + SIZE.nodeHeight < y0 || y > y1) continue;
        const id = L.ids[i];
        g.globalAlpha = matches.size && !matches.has(id) ? 0.25 : 1;
        g.fillStyle = colourOf[categoryOf(all[id])] || "#eee";
        g.fillRect(x, y, SIZE.nodeWidth, SIZE.nodeHeight);
        g.strokeStyle = matches.has(id) ? "#d9480f" : "#8792a8";
        g.strokeRect(x, y, SIZE.nodeWidth, SIZE.nodeHeight);
        if (labels) {
          g.fillStyle = "#1d2330";
          const lines = labelLines(labelOf(id)), first = y + SIZE.nodeHeight / 2 - (lines.length - 1) * LINE / 2 + FONT * 0.35;
          lines.forEach((l, k) => g.fillText(l, x + 6, first + k * LINE));
        }
        drawn++;
      }
      g.globalAlpha = 1;
      return [drawn, edges];
    }
    window.addEventListener("resize", () => { if (area()) { fit(); paint(); } });

    // Routing: `#graph?select=...&q=...`, `#node/<id>`, `#lineage/<id>/<up>/<down>`.
    function params() { const i = location.hash.indexOf("?"); return new URLSearchParams(i >= 0 ? location.hash.slice(i + 1) : ""); }
    function setParam(key, value, navigate) {
      const i = location.hash.indexOf("?"), path = i >= 0 ? location.hash.slice(0, i) : (location.hash || "#graph"), p = params();
      if (value) p.set(key, value); else p.delete(key);
      const hash = (navigate && key === "select" ? "#graph" : path) + (p.toString() ? "?" + p.toString() : "");
      if (navigate) location.hash = hash; else history.replaceState(null, "", hash);
    }
    function route() {
      const i = location.hash.indexOf("?"), path = decodeURIComponent((i >= 0 ? location.hash.slice(0, i) : location.hash).slice(1)), p = params();
      const [page, id, up, down] = path.split("/");
      delete main.dataset.loading;
      if ((p.get("q") || "") !== search.value.trim()) { search.value = p.get("q") || ""; renderList(); }
      document.getElementById("nav-graph").classList.toggle("active", page === "graph" || page === "");
      if (page === "node" && id) (exposures[id] ? dashboardPage(id) : nodePage(id));
      else if (page === "dashboard" && id) dashboardPage(dashboardByName(id));
      else if (page === "lineage" && id) lineagePage(id, Math.max(0, +up || 2), Math.max(0, +down || 2));
      else graphPage(p.get("select") || "");
    }
    window.addEventListener("hashchange", route);
    renderList();
    route();
    // Timings for bench/docs.sh (`#graph?bench=1`), taken synchronously so that a DOM dump sees
    // them: the time from navigation until the graph is drawn (a canvas is drawn by then; an SVG
    // is then laid out by the browser), and the mean time of a pan's repaint, fitted to the
    // window and zoomed in to full size (labels drawn) in the middle of the graph.
    document.body.dataset.drawnMs = performance.now().toFixed(0);
    if (params().get("bench")) {
      // Reading a pixel back makes the browser rasterize the canvas now, not at the next frame.
      const pans = 20, panTime = () => {
        const start = performance.now();
        for (let k = 0; k < pans; k++) { view.x += 15; paint(); if (canvas) canvas.getContext("2d").getImageData(0, 0, 1, 1); }
        return ((performance.now() - start) / pans).toFixed(2);
      };
      document.body.dataset.panMs = panTime();
      const host = area();
      if (host) {
        zoomAt(host.clientWidth / 2, host.clientHeight / 2, 1 / view.scale);
        document.body.dataset.panZoomedMs = panTime();
      }
    }
    """##
}
