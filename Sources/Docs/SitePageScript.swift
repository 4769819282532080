extension SiteAssets {
  /// The page's data and its node pages: labels, colours, search, the sidebar's trees, a node's
  /// columns, tests and code.
  static let pageScript = ##"""
    "use strict";
    // data.js: each node's summary and the whole-project layout (SiteData.swift); a node's
    // details (SQL, column types and lineage) come from data/nodes-NNNN.js when its page opens.
    const DATA = window.SWDBT_DATA;
    const all = {}, ids = [];
    // A row's shared strings are positions in DATA.strings; a null id is
    // `<resource_type>.<package>.<name>`, a null fqn `[package, name]` (SiteData.swift).
    const S = DATA.strings;
    DATA.nodes.forEach((r, position) => {
      const pkg = S[r[3]], id = r[0] || r[1] + "." + pkg + "." + r[2];
      const n = { unique_id: id, resource_type: r[1], name: r[2], package_name: pkg, fqn: r[4] || [pkg, r[2]], original_file_path: S[r[5]], database: r[6] === null ? null : S[r[6]], schema: S[r[7]], source_name: r[8], description: r[9], tags: r[10], config: r[11], columnDescriptions: r[12], chunk: Math.floor(position / DATA.chunk_size) };
      if (r[13]) {
        n.owner = r[13][0]; n.column_name = r[13][1]; n.test_metadata = r[13][2];
        if (n.test_metadata && n.column_name !== null) n.test_metadata.kwargs = Object.assign({ column_name: n.column_name }, n.test_metadata.kwargs);
      }
      all[id] = n; ids.push(id);
    });
    // Exposures (dashboards) are summaries already, with their charts' data.
    for (const [id, e] of Object.entries(DATA.exposures || {})) { all[id] = e; ids.push(id); }
    ids.sort();
    const main = document.getElementById("main");
    const list = document.getElementById("node-list");
    const search = document.getElementById("search");
    document.getElementById("project-name").textContent = DATA.project_name + " docs";
    document.title = DATA.project_name + " docs";
    const esc = s => String(s == null ? "" : s).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
    const kind = n => n.resource_type === "model" ? (n.config.materialized || "view") : n.resource_type;
    const piiOf = meta => meta && meta.pii !== undefined && meta.pii !== false ? (meta.pii === true ? "PII" : "PII: " + meta.pii) : null;

    // The lineage graph: every node but tests, laid out by `docs generate` (LineageLayout.swift).
    const graphIDs = DATA.layout.ids;
    const indexOf = new Map(graphIDs.map((id, i) => [id, i]));
    // Parents and children within the lineage, from the layout's edges.
    const parentMap = {}, childMap = {};
    for (const e of DATA.layout.edges) {
      const p = graphIDs[e[0]], c = graphIDs[e[1]];
      (parentMap[c] = parentMap[c] || []).push(p); (childMap[p] = childMap[p] || []).push(c);
    }
    const wholeLayout = Object.assign({ layerCount: DATA.layout.layer.length ? Math.max(...DATA.layout.layer) + 1 : 0 }, DATA.layout);

    // Labels: a source reads `crm.customers`; a name two nodes share gets its kind in front
    // (`seed customers`, `source crm.customers`).
    const nameCount = {};
    for (const id of graphIDs) nameCount[all[id].name] = (nameCount[all[id].name] || 0) + 1;
    function labelOf(id) {
      const n = all[id]; if (!n) return id;
      if (n.resource_type === "exposure") return (n.type === "dashboard" ? "dashboard " : "exposure ") + n.label;
      const base = n.resource_type === "source" ? n.source_name + "." + n.name : n.name;
      return nameCount[n.name] > 1 ? n.resource_type + " " + base : base;
    }
    const link = id => '<a href="#node/' + encodeURIComponent(id) + '">' + esc(labelOf(id)) + "</a>";

    // Colours by category: seeds, sources, snapshots, and models by their top folder.
    const palette = ["#cfe0fb", "#f9dcb8", "#e2d3f7", "#fbd0d9", "#cdeef0", "#f2eab0", "#dde3ea"];
    const fixedColours = { seed: "#c6ecd0", source: "#e3f5c4", snapshot: "#f5d5c0", analysis: "#eee", exposure: "#ffe066" };
    function categoryOf(n) {
      if (n.resource_type !== "model") return n.resource_type;
      return (n.fqn && n.fqn.length > 2 ? n.fqn[1] : "other") + " models";
    }
    const categories = [], colourOf = {};
    for (const id of graphIDs) {
      const c = categoryOf(all[id]);
      if (colourOf[c]) continue;
      colourOf[c] = fixedColours[c] || palette[categories.filter(k => !fixedColours[k]).length % palette.length];
      categories.push(c);
    }
    categories.sort((a, b) => (fixedColours[b] ? 1 : 0) - (fixedColours[a] ? 1 : 0) || a.localeCompare(b));
    const legendHTML = () => '<div class="legend">' + categories.map(c => '<span><i style="background:' + colourOf[c] + '"></i>' + esc(c) + "</span>").join("") + "</div>";
    document.getElementById("stats").textContent = graphIDs.length + " nodes in the lineage, " + ids.length + " in all";

    const columnLink = ([n, c]) => '<a class="column-link" href="#node/' + encodeURIComponent(n) + '">' + esc(all[n] ? all[n].name : n) + ".<wbr>" + esc(c) + "</a>";

    // Tests per node and column.
    const testsOf = {};
    for (const id of ids) {
      const n = all[id];
      if (n.resource_type !== "test") continue;
      const owner = n.owner;
      if (!owner) continue;
      const key = owner + "\u0000" + (n.column_name || "");
      (testsOf[key] = testsOf[key] || []).push(id);
    }
    const testLink = t => '<a class="test" href="#node/' + encodeURIComponent(t) + '" title="' + esc(t) + '">' + esc(testSignature(all[t])) + "</a>";

    // Search: a substring of a name, description, tag, column name or column description.
    function searchMatches(q) {
      const hits = new Map();
      if (!q) return hits;
      for (const id of ids) {
        const n = all[id], why = [];
        if (labelOf(id).toLowerCase().includes(q) || id.toLowerCase().includes(q)) why.push("name");
        if ((n.description || "").toLowerCase().includes(q)) why.push("description");
        if ((n.tags || []).some(t => t.toLowerCase().includes(q))) why.push("tag");
        const columns = n.columnDescriptions;
        for (const c in columns) if (c.toLowerCase().includes(q) || columns[c].toLowerCase().includes(q)) why.push("column " + c);
        if (why.length) hits.set(id, why);
      }
      return hits;
    }
    const query = () => search.value.trim().toLowerCase();
    let matches = new Map();

    // The sidebar: search results, or a project/folder tree and a database/schema tree.
    let treeTab = "project";
    const trees = {};
    function buildTree(pathOf) {
      const root = { folders: new Map(), leaves: [] };
      for (const id of ids) {
        const path = pathOf(id); if (!path) continue;
        let folder = root;
        for (const part of path.slice(0, -1)) {
          if (!folder.folders.has(part)) folder.folders.set(part, { folders: new Map(), leaves: [] });
          folder = folder.folders.get(part);
        }
        folder.leaves.push(id);
      }
      return root;
    }
    function treePath(tab, id) {
      const n = all[id];
      if (tab === "database") return n.resource_type === "test" || !n.schema ? null : [n.database || "", n.schema, id];
      if (n.resource_type === "source") return ["Sources", n.source_name, id];
      return [n.package_name].concat((n.original_file_path || n.name).split("/").slice(0, -1), [id]);
    }
    function folderHTML(folder, key) {
      let html = "";
      for (const [name, sub] of [...folder.folders.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
        const subKey = key + "/" + name;
        folderIndex.set(subKey, sub);
        html += '<li><details data-key="' + esc(subKey) + '"><summary>' + esc(name || "(default)") + "</summary><ul></ul></details></li>";
      }
      for (const id of folder.leaves.sort((a, b) => labelOf(a).localeCompare(labelOf(b))))
        html += '<li class="leaf"><a href="#node/' + encodeURIComponent(id) + '" title="' + esc(id) + '"><i style="background:' + (colourOf[categoryOf(all[id])] || "#eee") + '"></i>' + esc(labelOf(id)) + "</a></li>";
      return html;
    }
    const folderIndex = new Map();
    list.addEventListener("toggle", e => {
      const d = e.target;
      if (d.tagName !== "DETAILS" || !d.open || d.dataset.filled) return;
      d.dataset.filled = "1";
      d.querySelector("ul").innerHTML = folderHTML(folderIndex.get(d.dataset.key), d.dataset.key);
    }, true);
    function renderList() {
      const q = query();
      matches = searchMatches(q);
      document.getElementById("tabs").hidden = !!q;
      if (!q) {
        trees[treeTab] = trees[treeTab] || buildTree(id => treePath(treeTab, id));
        list.innerHTML = folderHTML(trees[treeTab], treeTab);
        list.dataset.count = String(ids.length);
        // Open the top levels so the tree reads at first sight.
        for (const d of list.querySelectorAll(":scope > li > details")) d.open = true;
      } else {
        const limit = 400;
        let html = "", shown = 0;
        for (const [id, why] of matches) {
          if (shown++ >= limit) break;
          html += '<li class="leaf"><a href="#node/' + encodeURIComponent(id) + '" title="' + esc(id) + '"><i style="background:' + (colourOf[categoryOf(all[id])] || "#eee") + '"></i>' + esc(labelOf(id)) + ' <span class="why">' + esc(why.join(", ")) + "</span></a></li>";
        }
        if (matches.size > limit) html += '<li class="more">and ' + (matches.size - limit) + " more: refine the search</li>";
        list.innerHTML = html || '<li class="more">nothing matches</li>';
        list.dataset.count = String(matches.size);
      }
      highlightGraph();
    }
    let listTimer = 0;
    search.addEventListener("input", () => { clearTimeout(listTimer); listTimer = setTimeout(() => { setParam("q", search.value.trim()); renderList(); }, 80); });
    for (const b of document.querySelectorAll("#tabs button")) b.addEventListener("click", () => {
      treeTab = b.dataset.tab;
      for (const o of document.querySelectorAll("#tabs button")) o.classList.toggle("active", o === b);
      renderList();
    });

    // Node page: its details file first (a script tag, which works from file://), then the page.
    const details = {}, chunks = {}, chunkLoaded = {};
    window.swdbtChunk = (number, nodes) => {
      Object.assign(details, nodes);
      if (chunkLoaded[number]) chunkLoaded[number]();
    };
    function loadChunk(number) {
      if (!chunks[number]) chunks[number] = new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = "data/nodes-" + String(number).padStart(4, "0") + ".js";
        chunkLoaded[number] = resolve;
        script.onerror = () => { delete chunks[number]; script.remove(); reject(new Error("cannot read " + script.src)); };
        document.head.appendChild(script);
      });
      return chunks[number];
    }
    function nodePage(id) {
      const n = all[id];
      if (!n) { main.innerHTML = '<div class="page"><h2>Not found</h2><p>' + esc(id) + "</p></div>"; return; }
      main.innerHTML = '<div class="page"><h2>' + esc(labelOf(id)) + '</h2><p class="muted">loading&hellip;</p></div>';
      main.dataset.loading = id;
      loadChunk(n.chunk).then(() => { if (main.dataset.loading === id) { delete main.dataset.loading; nodeDetailsPage(id, details[id].node, details[id]); } },
        error => { if (main.dataset.loading === id) main.innerHTML = '<div class="page"><h2>' + esc(labelOf(id)) + '</h2><p>' + esc(error.message) + "</p></div>"; });
    }
    function nodeDetailsPage(id, n, d) {
      const columns = Object.assign({}, n.columns || {});
      const typed = d.relation || {};
      for (const c of Object.keys(typed)) if (!columns[c]) columns[c] = { name: c, description: "", meta: {} };
      const derived = d.lineage || {}, fed = d.feeds || {};
      const derivedOrder = Object.keys(derived);
      for (const c of derivedOrder) if (!columns[c]) columns[c] = { name: c, description: "", meta: {} };
      const rank = c => (typed[c] || {}).index || (derivedOrder.indexOf(c) + 1) || 1e9;
      const q = query();
      const columnRows = Object.keys(columns).sort((a, b) => rank(a) - rank(b)).map(c => {
        const col = columns[c], pii = piiOf(col.meta);
        const tests = (testsOf[id + "\u0000" + c] || []).map(testLink).join(" ");
        const from = (derived[c] || []).map(columnLink).join(" ");
        const to = (fed[c] || []).map(columnLink).join(" ");
        const hit = q && c.toLowerCase().includes(q) ? ' class="match"' : "";
        return '<tr data-column="' + esc(c) + '"' + hit + "><td>" + esc(c) + "</td><td>" + esc((typed[c] || {}).type || col.data_type || "") + '</td><td class="md">' + renderMarkdown(col.description) + '</td><td class="tests">' + tests + "</td><td>" + (pii ? '<span class="badge pii">' + esc(pii) + "</span>" : "") + '</td><td class="from">' + from + '</td><td class="feeds">' + to + "</td></tr>";
      }).join("");
      const parents = (n.depends_on || {}).nodes || [], children = childMap[id] || [];
      const nodeTests = (testsOf[id + "\u0000"] || []);
      let html = '<div class="page"><h2>' + esc(n.resource_type === "test" ? testSignature(n) : labelOf(id)) + '</h2><p class="muted"><span class="badge" style="background:' + (colourOf[categoryOf(n)] || "#e7ebf2") + '">' + esc(kind(n)) + "</span>" + esc(id) + " &middot; " + esc(n.original_file_path)
        + (n.relation_name ? " &middot; " + esc(n.relation_name) : "") + "</p>";
      if (n.description) html += '<div class="md description">' + renderMarkdown(n.description) + "</div>";
      if ((n.tags || []).length) html += "<p>" + n.tags.map(t => '<span class="badge">#' + esc(t) + "</span>").join("") + "</p>";
      if (indexOf.has(id)) html += '<h3>Lineage</h3><p class="muted">Two levels up and down; <a href="#lineage/' + encodeURIComponent(id) + '/3/3">more</a>, <a href="#graph?select=' + encodeURIComponent("+" + n.name + "+") + '">all ancestors and descendants</a>.</p>' + focusSVG(id, 2, 2);
      if (columnRows) html += "<h3>Columns</h3><table><tr><th>Column</th><th>Type</th><th>Description</th><th>Tests</th><th>Personal data</th><th>Computed from</th><th>Feeds</th></tr>" + columnRows + "</table>";
      html += '<h3>Depends on</h3><p class="links">' + (parents.map(link).join("") || '<span class="muted">nothing</span>') + "</p>";
      html += '<h3>Used by</h3><p class="links">' + (children.filter(c => all[c] && all[c].resource_type !== "test").map(link).join("") || '<span class="muted">nothing</span>') + "</p>";
      if (nodeTests.length) html += '<h3>Tests</h3><p class="links">' + nodeTests.map(testLink).join("") + "</p>";
      if (n.raw_code) html += '<h3>Source</h3><pre class="sql">' + highlightSQL(n.raw_code) + "</pre>";
      if (n.compiled_code) html += '<h3>Compiled</h3><pre class="sql">' + highlightSQL(n.compiled_code) + "</pre>";
      main.innerHTML = html + "</div>";
      main.scrollTop = 0;
    }
    """##
}
