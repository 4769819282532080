extension SiteAssets {
  /// The dashboards' style: a grid of chart cards, tiles and the hover tooltip.
  static let dashboardStyle = ##"""
    <style>
    .dashboard-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 16px; margin-top: 14px; }
    figure.chart { margin: 0; border: 1px solid #e1e6ee; border-radius: 8px; padding: 10px 12px 6px; background: #fff; }
    figure.chart.kind-number { min-height: 0; }
    figure.chart figcaption { font-weight: 600; margin-bottom: 2px; }
    figure.chart .chart-note { color: #6b7385; font-size: 12px; }
    figure.chart svg { width: 100%; height: auto; display: block; font: 11px system-ui, sans-serif; }
    figure.chart svg .grid { stroke: #edf0f5; }
    figure.chart svg .axis-line { stroke: #8792a8; }
    figure.chart svg text { fill: #4b5365; }
    figure.chart svg text.axis-title { fill: #1d2330; font-weight: 600; }
    figure.chart svg .mark:hover { opacity: .75; stroke: #1d2330; stroke-width: 1.5; }
    figure.chart .tile-value { font-size: 34px; font-weight: 650; margin: 8px 0 2px; }
    figure.chart .tile-change.up { color: #0a7a3b; } figure.chart .tile-change.down { color: #b42318; }
    figure.chart .chart-error { color: #9a3412; background: #fff4ed; border-radius: 6px; padding: 8px; font-size: 13px; }
    figure.chart table { font-size: 12.5px; margin: 4px 0; }
    figure.chart td.num, figure.chart th.num { text-align: right; font-variant-numeric: tabular-nums; }
    .chart-legend { display: flex; flex-wrap: wrap; gap: 2px 12px; font-size: 12px; color: #4b5365; margin-top: 2px; }
    .chart-legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
    #chart-tip { position: fixed; pointer-events: none; background: #1d2330; color: #fff; font-size: 12px; padding: 4px 8px; border-radius: 5px; display: none; z-index: 10; white-space: nowrap; }
    .banner { background: #fff4d6; border: 1px solid #f2d48a; border-radius: 6px; padding: 10px 12px; margin: 10px 0; }
    </style>
    """##

  /// The dashboards: one page per exposure, its charts drawn as SVG from the rows `docs
  /// generate` queried (no chart library, no network).
  static let dashboardScript = ##"""
    // Dashboards: exposures with charts, each a page (`#dashboard/<name>`, or its node id).
    const exposures = DATA.exposures || {};
    const dashboardIDs = Object.keys(exposures).filter(id => exposures[id].charts.length).sort();
    // Exposures are in the layout (Site.layout), so the parent and child maps built from its
    // edges already show a dashboard downstream of the models it reads.
    const modelByName = {};
    for (const id of ids) if (all[id].resource_type === "model") modelByName[all[id].name] = id;
    (function addDashboardLinks() {
      const stats = document.getElementById("stats");
      for (const id of dashboardIDs) {
        const a = document.createElement("a");
        a.href = "#dashboard/" + encodeURIComponent(exposures[id].name);
        a.className = "nav-dashboard"; a.dataset.id = id;
        a.textContent = exposures[id].label;
        stats.parentNode.insertBefore(a, stats);
      }
    })();
    const seriesColours = ["#3b6fd8", "#e8833a", "#2f9e6a", "#c9436b", "#7b5cd6", "#b8a02f", "#2aa3b5", "#8a6a4f"];
    // `currency` is the chart's ISO code; axis ticks are compact (k, M).
    function formatValue(format, currency, v, compact) {
      if (v === null || v === undefined || v === "" || isNaN(+v)) return v == null ? "–" : String(v);
      v = +v;
      if (format === "percent") return (v * 100).toFixed(Math.abs(v) < 0.1 && !compact ? 2 : 1) + "%";
      const abs = Math.abs(v);
      let text;
      if (compact && abs >= 1e6) text = (abs / 1e6).toFixed(abs >= 1e7 ? 0 : 1) + "M";
      else if (compact && abs >= 1e4) text = (abs / 1e3).toFixed(0) + "k";
      else text = abs.toLocaleString("en-US", { maximumFractionDigits: format === "currency" || abs < 10 ? 2 : 0, minimumFractionDigits: format === "currency" && !compact ? 2 : 0 });
      const sign = v < 0 ? "-" : "";
      if (format !== "currency") return sign + text;
      let symbol = currency || "USD";
      try { symbol = (0).toLocaleString("en-US", { style: "currency", currency: symbol }).replace(/[\d.,\s]/g, ""); } catch (e) { symbol += " "; }
      return sign + symbol + text;
    }
    function niceTicks(min, max, count) {
      if (min === max) { max = min + 1; }
      const step0 = (max - min) / count, mag = Math.pow(10, Math.floor(Math.log10(step0)));
      const step = [1, 2, 2.5, 5, 10].map(m => m * mag).find(s => s >= step0);
      const ticks = [];
      for (let t = Math.floor(min / step) * step; t <= max + step * 1e-9; t += step) ticks.push(+t.toFixed(10));
      if (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] + step);
      return ticks;
    }
    // Series × x values from the rows: one series per `series` value, else one per y column.
    function chartSeries(c) {
      const xi = c.columns.indexOf(c.x), si = c.series ? c.columns.indexOf(c.series) : -1;
      const xs = [], xIndex = new Map();
      for (const r of c.rows) { const x = r[xi]; if (!xIndex.has(x)) { xIndex.set(x, xs.length); xs.push(x); } }
      const series = [];
      if (si >= 0) {
        const yi = c.columns.indexOf(c.y[0]), byName = new Map();
        for (const r of c.rows) {
          const name = r[si] == null ? "(none)" : r[si];
          if (!byName.has(name)) { byName.set(name, { name, values: xs.map(() => null) }); series.push(byName.get(name)); }
          byName.get(name).values[xIndex.get(r[xi])] = r[yi] == null ? null : +r[yi];
        }
      } else {
        for (const y of c.y) {
          const yi = c.columns.indexOf(y), values = xs.map(() => null);
          for (const r of c.rows) values[xIndex.get(r[xi])] = r[yi] == null ? null : +r[yi];
          series.push({ name: y, values });
        }
      }
      return { xs, series };
    }
    const svgText = (x, y, text, attrs) => '<text x="' + x.toFixed(1) + '" y="' + y.toFixed(1) + '"' + (attrs || "") + ">" + esc(text) + "</text>";
    const shortLabel = s => { s = String(s == null ? "" : s); return s.length > 16 ? s.slice(0, 15) + "…" : s; };
    function xyChart(c) {
      const { xs, series } = chartSeries(c);
      // Slanted x labels need room below the axis, as much as the longest one.
      const slant = xs.length > 8 || xs.some(x => String(x).length > 8);
      const longest = Math.max(1, ...xs.map(x => shortLabel(x).length));
      const W = 560, L = 74, R = 14, T = 12, B = slant ? 34 + Math.round(longest * 3.9) : 48, H = 250 + B;
      const stacked = c.kind === "stacked_bar", bars = c.kind === "bar" || stacked;
      let lo = 0, hi = 0;
      xs.forEach((_, i) => {
        let pos = 0, neg = 0;
        for (const s of series) {
          const v = s.values[i]; if (v == null) continue;
          if (stacked) { if (v >= 0) pos += v; else neg += v; } else { hi = Math.max(hi, v); lo = Math.min(lo, v); }
        }
        if (stacked) { hi = Math.max(hi, pos); lo = Math.min(lo, neg); }
      });
      const ticks = niceTicks(lo, hi, 5), y0 = ticks[0], y1 = ticks[ticks.length - 1];
      const py = v => T + (H - T - B) * (1 - (v - y0) / (y1 - y0 || 1));
      const band = (W - L - R) / Math.max(xs.length, 1);
      const px = i => L + band * (i + 0.5);
      let svg = '<svg viewBox="0 0 ' + W + " " + H + '" role="img">';
      for (const t of ticks) svg += '<line class="grid" x1="' + L + '" x2="' + (W - R) + '" y1="' + py(t).toFixed(1) + '" y2="' + py(t).toFixed(1) + '"/>' + svgText(L - 6, py(t) + 4, formatValue(c.format, c.currency, t, true), ' class="tick-label y-tick" text-anchor="end"');
      svg += '<line class="axis-line" x1="' + L + '" x2="' + (W - R) + '" y1="' + py(Math.max(y0, Math.min(0, y1))).toFixed(1) + '" y2="' + py(Math.max(y0, Math.min(0, y1))).toFixed(1) + '"/>';
      svg += '<line class="axis-line" x1="' + L + '" x2="' + L + '" y1="' + T + '" y2="' + (H - B) + '"/>';
      // At most ~14 x labels; slanted when they are long or many.
      const every = Math.max(1, Math.ceil(xs.length / 14));
      xs.forEach((x, i) => {
        if (i % every) return;
        const lx = px(i), ly = H - B + 14;
        svg += '<line class="axis-line" x1="' + lx.toFixed(1) + '" x2="' + lx.toFixed(1) + '" y1="' + (H - B) + '" y2="' + (H - B + 4) + '"/>';
        svg += svgText(lx, ly, shortLabel(x), ' class="tick-label x-tick"' + (slant ? ' text-anchor="end" transform="rotate(-35 ' + lx.toFixed(1) + " " + ly + ')"' : ' text-anchor="middle"'));
      });
      const xTitle = c.xLabel || c.x || "", yTitle = c.yLabel || (series.length === 1 && !c.series ? series[0].name : c.y.join(", "));
      svg += svgText((L + W - R) / 2, H - 4, xTitle, ' class="axis-label axis-title" text-anchor="middle"');
      svg += svgText(14, (T + H - B) / 2, yTitle, ' class="axis-label axis-title" text-anchor="middle" transform="rotate(-90 14 ' + ((T + H - B) / 2) + ')"');
      let marks = 0;
      const tip = (x, s, v) => ' data-tip="' + esc(x + (series.length > 1 || c.series ? " · " + s.name : "") + ": " + formatValue(columnFormat(c, s.name), c.currency, v)) + '"';
      if (bars) {
        const inner = band * 0.76, width = stacked ? inner : inner / series.length;
        const base = xs.map(() => [0, 0]);
        series.forEach((s, k) => {
          s.values.forEach((v, i) => {
            if (v == null) return;
            let from = 0;
            if (stacked) { const side = v >= 0 ? 0 : 1; from = base[i][side]; base[i][side] += v; }
            const x = px(i) - inner / 2 + (stacked ? 0 : k * width), top = py(Math.max(from, from + v)), bottom = py(Math.min(from, from + v));
            svg += '<rect class="mark bar" x="' + x.toFixed(1) + '" y="' + top.toFixed(1) + '" width="' + Math.max(width - 1, 1).toFixed(1) + '" height="' + Math.max(bottom - top, 0.5).toFixed(1) + '" fill="' + seriesColours[k % seriesColours.length] + '"' + tip(xs[i], s, v) + "><title>" + esc(xs[i] + ": " + formatValue(c.format, c.currency, v)) + "</title></rect>";
            marks++;
          });
        });
      } else {
        series.forEach((s, k) => {
          const colour = seriesColours[k % seriesColours.length];
          const points = s.values.map((v, i) => v == null ? null : [px(i), py(v)]).filter(p => p);
          if (c.kind === "area" && points.length) {
            const zero = py(Math.max(y0, Math.min(0, y1)));
            svg += '<path class="area" fill="' + colour + '" fill-opacity="0.18" d="M' + points[0][0].toFixed(1) + "," + zero.toFixed(1) + points.map(p => "L" + p[0].toFixed(1) + "," + p[1].toFixed(1)).join("") + "L" + points[points.length - 1][0].toFixed(1) + "," + zero.toFixed(1) + 'Z"/>';
          }
          if (points.length) svg += '<path class="line" fill="none" stroke="' + colour + '" stroke-width="2" d="' + points.map((p, i) => (i ? "L" : "M") + p[0].toFixed(1) + "," + p[1].toFixed(1)).join("") + '"/>';
          s.values.forEach((v, i) => {
            if (v == null) return;
            svg += '<circle class="mark point" cx="' + px(i).toFixed(1) + '" cy="' + py(v).toFixed(1) + '" r="' + (xs.length > 40 ? 2.5 : 3.5) + '" fill="' + colour + '"' + tip(xs[i], s, v) + "><title>" + esc(xs[i] + ": " + formatValue(c.format, c.currency, v)) + "</title></circle>";
            marks++;
          });
        });
      }
      svg += "</svg>";
      const legend = series.length > 1 ? '<div class="chart-legend">' + (c.series ? '<span class="muted">' + esc(c.series) + ":</span>" : "") + series.map((s, k) => '<span><i style="background:' + seriesColours[k % seriesColours.length] + '"></i>' + esc(s.name) + "</span>").join("") + "</div>" : "";
      return { html: svg + legend, marks };
    }
    // A value column's own format (`formats: {share: percent}`), else the chart's.
    function columnFormat(c, column) { return (c.formats && c.formats[column]) || c.format; }
    function numberTile(c) {
      const yi = c.columns.indexOf(c.y[0]);
      if (!c.rows.length || yi < 0) return { html: '<div class="chart-note">no rows</div>', marks: 0 };
      const last = c.rows[c.rows.length - 1], prev = c.rows.length > 1 ? c.rows[c.rows.length - 2] : null;
      const xi = c.x ? c.columns.indexOf(c.x) : -1;
      let html = '<div class="tile-value value mark" data-tip="' + esc(formatValue(columnFormat(c, c.y[0]), c.currency, last[yi])) + '">' + esc(formatValue(columnFormat(c, c.y[0]), c.currency, last[yi])) + "</div>";
      if (xi >= 0) {
        const period = c.xLabel || (c.x.startsWith("metric_time__") ? c.x.slice(13) : c.x).replace(/_/g, " ");
        html += '<div class="chart-note">' + esc(period) + " " + esc(last[xi]) + "</div>";
      }
      if (prev && prev[yi] != null && +prev[yi] !== 0 && last[yi] != null) {
        const change = +last[yi] / +prev[yi] - 1;
        html += '<div class="tile-change ' + (change >= 0 ? "up" : "down") + '">' + (change >= 0 ? "▲ " : "▼ ") + formatValue("percent", "", change) + ' <span class="muted">vs previous period' + (xi >= 0 ? " (" + esc(prev[xi]) + ")" : "") + "</span></div>";
      }
      return { html, marks: 1 };
    }
    function tableChart(c) {
      const numeric = c.columns.map(col => c.y.includes(col));
      let html = "<table><tr>" + c.columns.map((col, i) => "<th" + (numeric[i] ? ' class="num"' : "") + ">" + esc(col) + "</th>").join("") + "</tr>";
      for (const r of c.rows.slice(0, 200)) html += '<tr class="mark">' + r.map((v, i) => numeric[i] ? '<td class="num">' + esc(formatValue(columnFormat(c, c.columns[i]), c.currency, v)) + "</td>" : "<td>" + esc(v == null ? "" : v) + "</td>").join("") + "</tr>";
      return { html: html + "</table>" + (c.rows.length > 200 ? '<div class="chart-note">first 200 of ' + c.rows.length + " rows</div>" : ""), marks: Math.min(c.rows.length, 200) };
    }
    function chartHTML(c, index) {
      let body;
      if (c.error) body = { html: '<div class="chart-error">' + esc(c.error) + "</div>", marks: 0 };
      else if (c.kind === "number") body = numberTile(c);
      else if (c.kind === "table") body = tableChart(c);
      else if (!c.rows.length) body = { html: '<div class="chart-note">no rows in this time range</div>', marks: 0 };
      else body = xyChart(c);
      return '<figure class="chart kind-' + esc(c.kind) + '" data-index="' + index + '" data-kind="' + esc(c.kind) + '" data-marks="' + body.marks + '"><figcaption>' + esc(c.title) + "</figcaption>" + (c.description ? '<div class="chart-note">' + inlineMarkdown(esc(c.description)) + "</div>" : "") + body.html + "</figure>";
    }
    function dashboardPage(id) {
      const e = exposures[id];
      for (const a of document.querySelectorAll("a.nav-dashboard")) a.classList.toggle("active", a.dataset.id === id);
      if (!e) { main.innerHTML = '<div class="page"><h2>Unknown dashboard</h2></div>'; return; }
      const failed = e.charts.filter(c => c.error).length;
      let html = '<div class="page dashboard" data-id="' + esc(id) + '"><h2>' + esc(e.label) + '</h2><div class="muted">' + esc(e.type) + (e.owner ? " · owner " + esc(e.owner) : "") + " · " + esc(e.original_file_path) + "</div>";
      if (e.description) html += '<div class="md">' + renderMarkdown(e.description) + "</div>";
      if (e.depends_on.nodes.length) html += '<div class="links">Reads: ' + e.depends_on.nodes.map(name => modelByName[name] ? link(modelByName[name]) : esc(name)).join(" ") + "</div>";
      if (e.charts.length && failed === e.charts.length) html += '<div class="banner">No data: ' + esc(e.charts[0].error) + ". The charts are drawn when <code>swdbt docs generate</code> reaches the database.</div>";
      html += '<div class="dashboard-grid">' + e.charts.map(chartHTML).join("") + "</div></div>";
      main.innerHTML = html;
      main.scrollTop = 0;
    }
    window.addEventListener("hashchange", () => { if (!location.hash.startsWith("#dashboard/") && !(location.hash.startsWith("#node/exposure."))) for (const a of document.querySelectorAll("a.nav-dashboard")) a.classList.remove("active"); });
    // One tooltip for every mark: hovering shows its value.
    const chartTip = document.createElement("div"); chartTip.id = "chart-tip"; document.body.appendChild(chartTip);
    main.addEventListener("mousemove", ev => {
      const m = ev.target.closest && ev.target.closest("[data-tip]");
      if (!m) { chartTip.style.display = "none"; return; }
      chartTip.textContent = m.dataset.tip; chartTip.style.display = "block";
      chartTip.style.left = (ev.clientX + 12) + "px"; chartTip.style.top = (ev.clientY - 28) + "px";
    });
    main.addEventListener("mouseleave", () => { chartTip.style.display = "none"; });
    function dashboardByName(name) { return dashboardIDs.find(id => exposures[id].name === name) || Object.keys(exposures).find(id => exposures[id].name === name) || name; }
    """##
}
