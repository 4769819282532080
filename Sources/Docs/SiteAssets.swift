/// The docs site's page: one HTML file with its style and script inline, so it opens from
/// `file://` with no network. The data comes from `data.js` beside it and, for a node page,
/// `data/nodes-NNNN.js` (each a `<script>`, because browsers refuse `fetch` of local files).
enum SiteAssets {
  static var indexHTML: String {
    shell.replacing("</head>", with: dashboardStyle + "\n</head>") + pageScript + "\n"
      + layoutScript + "\n" + textScript + "\n" + dashboardScript + "\n" + graphScript
      + "\n</script>\n</body>\n</html>\n"
  }

  /// The page up to its script: the style, the header, the sidebar.
  static let shell = ##"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>swdbt docs</title>
    <style>
    * { box-sizing: border-box; }
    body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330; display: grid; grid-template-columns: 260px 1fr; grid-template-rows: 48px 1fr; height: 100vh; }
    header { grid-column: 1 / 3; display: flex; align-items: center; gap: 16px; padding: 0 16px; background: #1d2330; color: #fff; }
    header h1 { font-size: 16px; margin: 0; font-weight: 600; }
    header a { color: #cfe0ff; text-decoration: none; }
    header a.active { color: #fff; font-weight: 600; }
    header .muted { color: #aab4c8; }
    aside { border-right: 1px solid #dde2ea; display: flex; flex-direction: column; min-height: 0; }
    aside input { margin: 10px 10px 6px; padding: 7px 9px; border: 1px solid #c4ccd8; border-radius: 6px; font: inherit; }
    #tabs { display: flex; gap: 4px; padding: 0 10px 6px; }
    #tabs button { flex: 1; font: inherit; font-size: 13px; padding: 3px; border: 1px solid #c4ccd8; background: #fff; border-radius: 5px; cursor: pointer; }
    #tabs button.active { background: #1d2330; color: #fff; border-color: #1d2330; }
    #node-list, #node-list ul { list-style: none; margin: 0; padding: 0; }
    #node-list { overflow-y: auto; flex: 1; padding-bottom: 10px; }
    #node-list ul { padding-left: 14px; }
    #node-list summary { padding: 2px 10px; cursor: pointer; color: #4b5365; white-space: nowrap; }
    #node-list li.leaf a { display: block; padding: 2px 10px 2px 24px; color: inherit; text-decoration: none; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    #node-list li.leaf a:hover { background: #eef3fb; }
    #node-list i, .legend i { display: inline-block; width: 10px; height: 10px; border-radius: 3px; margin-right: 6px; border: 1px solid #8792a8; vertical-align: -1px; }
    #node-list .why { color: #6b7385; font-size: 12px; }
    #node-list li.more { padding: 6px 14px; color: #6b7385; }
    main { overflow: auto; min-height: 0; position: relative; }
    .page { padding: 20px 28px; max-width: 1300px; }
    .badge { display: inline-block; padding: 1px 7px; border-radius: 9px; font-size: 12px; background: #e7ebf2; margin-right: 4px; }
    .badge.pii { background: #ffe3d6; color: #9a3412; }
    a.test { display: inline-block; font: 12px ui-monospace, monospace; background: #e6f4ea; border-radius: 5px; padding: 1px 6px; margin: 1px 4px 1px 0; color: #1d4d2b; text-decoration: none; }
    table { border-collapse: collapse; width: 100%; margin: 8px 0 18px; }
    th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e6e9ef; vertical-align: top; }
    tr.match td { background: #fff4d6; }
    td.from, td.feeds { font-size: 12px; max-width: 220px; overflow-wrap: anywhere; }
    td.from a, td.feeds a { display: block; }
    td.md p { margin: 0; }
    th { font-weight: 600; color: #4b5365; }
    pre { background: #f6f8fb; border: 1px solid #e1e6ee; border-radius: 6px; padding: 10px; overflow: auto; font-size: 12.5px; }
    code { background: #f0f2f6; border-radius: 4px; padding: 0 4px; font-size: 90%; }
    .sql-keyword { color: #1f4fb8; font-weight: 600; } .sql-string { color: #0a7a3b; } .sql-number { color: #a34d00; }
    .sql-comment { color: #7a8194; font-style: italic; } .sql-jinja { color: #8a2be2; background: #f6efff; } .sql-ident { color: #7a3e00; }
    h2 { font-size: 20px; margin: 0 0 4px; }
    h3 { font-size: 15px; margin: 22px 0 6px; }
    .muted { color: #6b7385; }
    .links a { margin-right: 10px; }
    #graph-view { position: absolute; inset: 0; display: flex; flex-direction: column; }
    #graph-area { flex: 1; min-height: 0; position: relative; overflow: hidden; cursor: grab; }
    #graph-svg, #lineage-canvas { width: 100%; height: 100%; display: block; }
    .toolbar { display: flex; gap: 6px; padding: 8px 12px; border-bottom: 1px solid #dde2ea; align-items: center; background: #fff; }
    .toolbar input { flex: 0 1 420px; font: 13px ui-monospace, monospace; padding: 5px 8px; border: 1px solid #c4ccd8; border-radius: 6px; }
    .toolbar button { font: inherit; padding: 2px 10px; }
    .legend { display: flex; flex-wrap: wrap; gap: 4px 14px; padding: 6px 12px; font-size: 13px; color: #4b5365; }
    #graph-view .legend { border-top: 1px solid #dde2ea; background: #fff; }
    .focus-wrap { overflow: auto; border: 1px solid #e1e6ee; border-radius: 6px; background: #fbfcfe; }
    svg.lineage g.node { cursor: pointer; }
    svg.lineage g.node rect { stroke: #8792a8; stroke-width: 1; }
    svg.lineage g.node text { fill: #1d2330; font-family: system-ui, sans-serif; }
    svg.lineage g.node.center rect { stroke: #1d2330; stroke-width: 3; }
    svg.lineage g.node.match rect { stroke: #d9480f; stroke-width: 3; }
    svg.lineage g.node.dim { opacity: .3; }
    svg.lineage path.edge { fill: none; stroke: #7d889e; stroke-width: 1.5; }
    svg.lineage g.node:hover rect { stroke: #1d2330; stroke-width: 2; }
    </style>
    </head>
    <body>
    <header>
      <h1 id="project-name">swdbt docs</h1>
      <a href="#graph" id="nav-graph">Lineage</a>
      <span class="muted" id="stats"></span>
    </header>
    <aside>
      <input id="search" type="search" placeholder="Search names, descriptions, columns" autocomplete="off">
      <div id="tabs"><button data-tab="project" class="active">Project</button><button data-tab="database">Database</button></div>
      <ul id="node-list"></ul>
    </aside>
    <main id="main"></main>
    <script src="data.js"></script>
    <script>
    """##
}
