extension SiteAssets {
  /// The page's markdown (escaped first, so safe), SQL highlighting, test signatures, and dbt's
  /// selector syntax for the graph's filter box.
  static let textScript = ##"""
    // Markdown, safely: the text is HTML-escaped first, then a subset (headings, lists, paragraphs,
    // fenced code, `code`, **bold**, *italic*, [links](url) to http(s), relative or # targets) is
    // turned into tags, so nothing a description says can run as script.
    function inlineMarkdown(escaped) {
      const codes = [];
      let s = escaped.replace(/`([^`]+)`/g, (_, c) => { codes.push("<code>" + c + "</code>"); return "\u0000" + (codes.length - 1) + "\u0000"; });
      s = s.replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>").replace(/(^|[^*\w])\*([^*\s][^*]*)\*(?!\w)/g, "$1<em>$2</em>");
      s = s.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (whole, text, url) => /^(https?:\/\/|#|\.{0,2}\/|[\w-]+(\.\w+)?$)/i.test(url) && !/^\s*javascript:/i.test(url) ? '<a href="' + url + '" rel="noopener">' + text + "</a>" : whole);
      return s.replace(/\u0000(\d+)\u0000/g, (_, i) => codes[+i]);
    }
    function renderMarkdown(text) {
      const lines = esc(text || "").split("\n"), out = [];
      let paragraph = [], list = null, fence = null;
      const flush = () => {
        if (paragraph.length) { out.push("<p>" + inlineMarkdown(paragraph.join(" ")) + "</p>"); paragraph = []; }
        if (list) { out.push("<" + list.tag + ">" + list.items.map(i => "<li>" + inlineMarkdown(i) + "</li>").join("") + "</" + list.tag + ">"); list = null; }
      };
      for (const line of lines) {
        if (fence !== null) { if (/^\s*```/.test(line)) { out.push("<pre>" + fence.join("\n") + "</pre>"); fence = null; } else fence.push(line); continue; }
        let m;
        if (/^\s*```/.test(line)) { flush(); fence = []; }
        else if ((m = /^(#{1,6})\s+(.*)$/.exec(line))) { flush(); const level = Math.min(6, m[1].length + 3); out.push("<h" + level + ">" + inlineMarkdown(m[2]) + "</h" + level + ">"); }
        else if ((m = /^\s*([-*]|\d+\.)\s+(.*)$/.exec(line))) {
          const tag = /\d/.test(m[1]) ? "ol" : "ul";
          if (paragraph.length || (list && list.tag !== tag)) flush();
          if (!list) list = { tag, items: [] };
          list.items.push(m[2]);
        }
        else if (!line.trim()) flush();
        else if (list && /^\s+/.test(line)) list.items[list.items.length - 1] += " " + line.trim();
        else { if (list) flush(); paragraph.push(line.trim()); }
      }
      if (fence !== null) out.push("<pre>" + fence.join("\n") + "</pre>");
      flush();
      return out.join("");
    }

    // SQL (and the Jinja in it) highlighted: the source is split into tokens, each escaped.
    const SQL_KEYWORDS = new Set(("select from where join left right inner outer full cross on using group by order having limit offset union all "
      + "intersect except distinct as with case when then else end and or not in is null like ilike between exists insert into values update set "
      + "delete create table view replace returning over partition window rows range preceding following current row asc desc nulls first last "
      + "cast coalesce true false interval lateral filter within recursive materialized").split(" "));
    function highlightSQL(code) {
      const pattern = /(\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|\{#[\s\S]*?#\})|(--[^\n]*|\/\*[\s\S]*?\*\/)|('(?:[^']|'')*')|("(?:[^"]|"")*")|(\b\d+(?:\.\d+)?\b)|([A-Za-z_][A-Za-z0-9_$]*)/g;
      let html = "", last = 0, m;
      while ((m = pattern.exec(code))) {
        html += esc(code.slice(last, m.index));
        const [text] = m;
        const kind = m[1] ? "jinja" : m[2] ? "comment" : m[3] ? "string" : m[4] ? "ident" : m[5] ? "number" : SQL_KEYWORDS.has(text.toLowerCase()) ? "keyword" : "";
        html += kind ? '<span class="sql-' + kind + '">' + esc(text) + "</span>" : esc(text);
        last = m.index + text.length;
      }
      return html + esc(code.slice(last));
    }

    // A generic test as its reader knows it: `accepted_values(status, values=['a', 'b'])`.
    function literal(v) {
      if (Array.isArray(v)) return "[" + v.map(literal).join(", ") + "]";
      if (v && typeof v === "object") return "{" + Object.keys(v).map(k => k + ": " + literal(v[k])).join(", ") + "}";
      return typeof v === "string" ? "'" + v + "'" : String(v);
    }
    function testSignature(t) {
      const meta = t.test_metadata;
      if (!meta) return t.name;
      const kwargs = Object.assign({}, meta.kwargs || {}), args = [];
      if (kwargs.column_name !== undefined) { args.push(String(kwargs.column_name)); delete kwargs.column_name; }
      delete kwargs.model;
      for (const k of Object.keys(kwargs)) args.push(k + "=" + literal(kwargs[k]));
      return (meta.namespace ? meta.namespace + "." : "") + meta.name + "(" + args.join(", ") + ")";
    }

    // dbt's node selection over the manifest, for the graph's filter box: `+fact_sales`,
    // `stg_orders+1`, `@dim_customers`, `tag:mart`, `path:models/staging`, `source:crm`,
    // `resource_type:seed`, `config.materialized:table`, unions by space, intersections by comma,
    // and `--exclude` followed by selectors to remove.
    const globRegex = g => new RegExp("^" + g.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".").replace(/\[!/g, "[^") + "$");
    function atomMatches(method, value, id) {
      const n = all[id], glob = globRegex(value), fqn = n.fqn || [];
      switch (method) {
        case "tag": return (n.tags || []).some(t => glob.test(t));
        case "path": {
          const path = n.original_file_path || "", folder = value.replace(/\/+$/, "");
          return glob.test(path) || path.startsWith(folder + "/") || path === folder;
        }
        case "file": return glob.test((n.original_file_path || "").split("/").pop()) || glob.test((n.original_file_path || "").split("/").pop().replace(/\.\w+$/, ""));
        case "source": {
          if (n.resource_type !== "source") return false;
          const parts = value.split("."), names = [n.package_name, n.source_name, n.name];
          return parts.length === 1 ? glob.test(n.source_name) : parts.length === 2 ? globRegex(parts[0]).test(n.source_name) && globRegex(parts[1]).test(n.name)
            : parts.every((p, i) => globRegex(p).test(names[i]));
        }
        case "resource_type": return n.resource_type === value;
        case "package": return glob.test(n.package_name);
        case "fqn": case "": {
          if (!method && (value.includes("/") || /\.(sql|py|csv|yml)$/.test(value))) return atomMatches("path", value, id);
          const parts = value.split(".");
          if (parts.length === 1 && glob.test(n.name)) return true;
          const prefixMatch = segs => segs.length >= parts.length && parts.every((p, i) => globRegex(p).test(segs[i]));
          return prefixMatch(fqn) || prefixMatch(fqn.slice(1));
        }
        default: {
          if (method.startsWith("config.")) {
            const v = (n.config || {})[method.slice(7)];
            return Array.isArray(v) ? v.some(x => glob.test(String(x))) : v !== undefined && v !== null && glob.test(String(v));
          }
          throw new Error("unknown selector method '" + method + "'");
        }
      }
    }
    function walkGraph(start, map, depth) {
      const seen = new Set(); let frontier = [...start];
      for (let d = 0; frontier.length && d < depth; d++) {
        const next = [];
        for (const f of frontier) for (const m of (map[f] || [])) if (indexOf.has(m) && !seen.has(m)) { seen.add(m); next.push(m); }
        frontier = next;
      }
      return seen;
    }
    function selectAtom(atom, universe) {
      const m = /^(@)?(\d*\+)?([^+]*?)(\+\d*)?$/.exec(atom);
      if (!m || !m[3]) throw new Error("cannot read the selector '" + atom + "'");
      const colon = m[3].indexOf(":"), method = colon >= 0 ? m[3].slice(0, colon) : "", value = colon >= 0 ? m[3].slice(colon + 1) : m[3];
      const base = universe.filter(id => atomMatches(method, value, id));
      const result = new Set(base);
      const depth = s => s.length > 1 ? +s.replace("+", "") : Infinity;
      if (m[2]) for (const p of walkGraph(base, parentMap, depth(m[2]))) result.add(p);
      if (m[4] || m[1]) for (const c of walkGraph(base, childMap, m[1] ? Infinity : depth(m[4]))) result.add(c);
      if (m[1]) for (const p of walkGraph([...result], parentMap, Infinity)) result.add(p);
      return result;
    }
    function selectUnion(words, universe) {
      const out = new Set();
      for (const word of words) {
        let sets = word.split(",").filter(Boolean).map(a => selectAtom(a, universe));
        const [first, ...rest] = sets;
        for (const id of first || []) if (rest.every(s => s.has(id))) out.add(id);
      }
      return out;
    }
    // The ids of the lineage graph a selector expression keeps (null: no filter).
    function evaluateSelector(text) {
      const words = text.trim().split(/\s+/).filter(Boolean);
      if (!words.length) return null;
      const cut = words.indexOf("--exclude"), select = (cut >= 0 ? words.slice(0, cut) : words).filter(w => w !== "--select" && w !== "-s");
      const exclude = cut >= 0 ? words.slice(cut + 1) : [];
      const universe = graphIDs;
      const kept = select.length ? selectUnion(select, universe) : new Set(universe);
      for (const id of selectUnion(exclude, universe)) kept.delete(id);
      return kept;
    }
    """##
}
