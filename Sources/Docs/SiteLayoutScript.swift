extension SiteAssets {
  /// The page's layered layout, the same algorithm as `LineageLayout` (a view of a focused node
  /// or a selection is laid out in the browser, for its own nodes).
  static let layoutScript = ##"""
    // Layered layout of a subgraph (the same algorithm as LineageLayout.swift): longest-path
    // layers, a dummy slot for every layer a long edge crosses, barycenter sweeps against
    // crossings, rows pulled toward their neighbours. Returns the shape of DATA.layout.
    const SIZE = { nodeWidth: 130, nodeHeight: 56, dummyHeight: 4, layerGap: 36, rowGap: 10 };
    const columnX = l => l * (SIZE.nodeWidth + SIZE.layerGap);
    function layeredLayout(nodeIDs, parentsOf, groupOf) {
      const count = nodeIDs.length, index = new Map(nodeIDs.map((id, i) => [id, i]));
      const parents = nodeIDs.map(id => (parentsOf(id) || []).filter(p => index.has(p)).map(p => index.get(p)));
      const children = nodeIDs.map(() => []);
      parents.forEach((ps, c) => { for (const p of ps) children[p].push(c); });
      // Kahn's order gives each node its longest path from a root.
      const layer = new Array(count).fill(0), waiting = parents.map(ps => ps.length);
      const queue = []; for (let i = 0; i < count; i++) if (!waiting[i]) queue.push(i);
      for (let head = 0; head < queue.length; head++) {
        const n = queue[head];
        for (const c of children[n]) { layer[c] = Math.max(layer[c], layer[n] + 1); if (--waiting[c] === 0) queue.push(c); }
      }
      const layerCount = count ? Math.max(...layer) + 1 : 0;
      const itemLayer = layer.slice(), up = nodeIDs.map(() => []), down = nodeIDs.map(() => []), chains = [];
      for (let c = 0; c < count; c++) for (const p of parents[c]) {
        let previous = p; const first = itemLayer.length;
        for (let l = layer[p] + 1; l < layer[c]; l++) {
          const d = itemLayer.length; itemLayer.push(l); up.push([previous]); down.push([]); down[previous].push(d); previous = d;
        }
        down[previous].push(c); up[c].push(previous); chains.push([p, c, first, itemLayer.length]);
      }
      const items = itemLayer.length, layers = Array.from({ length: layerCount }, () => []);
      const sorted = [...Array(count).keys()].sort((a, b) => { const ga = groupOf(nodeIDs[a]), gb = groupOf(nodeIDs[b]); return ga < gb ? -1 : ga > gb ? 1 : a - b; });
      for (const n of sorted) layers[layer[n]].push(n);
      for (let d = count; d < items; d++) layers[itemLayer[d]].push(d);
      const best = reduceCrossings(layers, up, down, 8);
      const top = assignRows(best, up, down, count);
      const edges = chains.map(([p, c, from, to]) => { const e = [p, c]; for (let d = from; d < to; d++) e.push(Math.floor(top[d] + SIZE.dummyHeight / 2)); return e; });
      return { ids: nodeIDs, layer, y: top.slice(0, count), edges, layerCount };
    }
    function crossings(layers, up) {
      const index = new Int32Array(up.length); let total = 0;
      for (const items of layers) for (let i = 0; i < items.length; i++) index[items[i]] = i;
      for (let l = 1; l < layers.length; l++) {
        // Edges as upper * size + lower, sorted; crossings are inversions of the lower positions,
        // counted with a Fenwick tree.
        const size = layers[l].length + 1, keys = [];
        for (const it of layers[l]) for (const p of up[it]) keys.push(index[p] * size + index[it]);
        const edges = Float64Array.from(keys).sort(), tree = new Int32Array(size + 1);
        for (let seen = 0; seen < edges.length; seen++) {
          const lower = edges[seen] % size; let atMost = 0;
          for (let i = lower + 1; i > 0; i -= i & -i) atMost += tree[i];
          total += seen - atMost;
          for (let i = lower + 1; i <= size; i += i & -i) tree[i]++;
        }
      }
      return total;
    }
    function reduceCrossings(start, up, down, sweeps) {
      let layers = start.map(l => l.slice()); const position = new Float64Array(up.length), key = new Float64Array(up.length);
      const place = items => { for (let i = 0; i < items.length; i++) position[items[i]] = i; };
      layers.forEach(place);
      let best = layers.map(l => l.slice()), bestCrossings = crossings(layers, up);
      for (let sweep = 0; sweep < sweeps && bestCrossings > 0; sweep++) {
        const downward = sweep % 2 === 0, neighbours = downward ? up : down;
        const sequence = [];
        if (downward) for (let l = 1; l < layers.length; l++) sequence.push(l); else for (let l = layers.length - 2; l >= 0; l--) sequence.push(l);
        for (const l of sequence) {
          for (const it of layers[l]) {
            const around = neighbours[it];
            if (!around.length) { key[it] = position[it]; continue; }
            let sum = 0; for (const a of around) sum += position[a];
            key[it] = sum / around.length;
          }
          layers[l].sort((a, b) => key[a] - key[b] || position[a] - position[b] || a - b);
          place(layers[l]);
        }
        const now = crossings(layers, up);
        if (now < bestCrossings) { best = layers.map(l => l.slice()); bestCrossings = now; }
      }
      return best;
    }
    function assignRows(layers, up, down, nodeCount) {
      const height = it => it < nodeCount ? SIZE.nodeHeight : SIZE.dummyHeight, gap = SIZE.rowGap;
      const top = new Float64Array(up.length);
      for (const items of layers) { let next = 0; for (const it of items) { top[it] = next; next += height(it) + gap; } }
      for (let pass = 0; pass < 6; pass++) {
        const sequence = [...layers.keys()]; if (pass % 2) sequence.reverse();
        for (const l of sequence) {
          const items = layers[l]; if (!items.length) continue;
          const desired = items.map(it => {
            const around = pass % 2 === 0 ? up[it] : down[it];
            if (!around.length) return top[it];
            let sum = 0; for (const a of around) sum += top[a] + height(a) / 2;
            return sum / around.length - height(it) / 2;
          });
          // Forward keeps each below the one before, backward each above the one after; both keep
          // the gaps, and so does their mean.
          const forward = desired.slice(), backward = desired.slice();
          for (let i = 1; i < items.length; i++) forward[i] = Math.max(desired[i], forward[i - 1] + height(items[i - 1]) + gap);
          for (let i = items.length - 2; i >= 0; i--) backward[i] = Math.min(desired[i], backward[i + 1] - height(items[i]) - gap);
          items.forEach((it, i) => { top[it] = (forward[i] + backward[i]) / 2; });
        }
      }
      let lowest = Infinity; for (const t of top) lowest = Math.min(lowest, t);
      return Array.from(top, t => Math.floor(t - (lowest === Infinity ? 0 : lowest)));
    }
    // The polyline of an edge [parent, child, bend...] of a layout.
    function edgePoints(L, e) {
      const half = SIZE.nodeHeight / 2, p = e[0], c = e[1];
      const points = [[columnX(L.layer[p]) + SIZE.nodeWidth, L.y[p] + half]];
      for (let k = 2; k < e.length; k++) { const x = columnX(L.layer[p] + k - 1); points.push([x, e[k]], [x + SIZE.nodeWidth, e[k]]); }
      points.push([columnX(L.layer[c]), L.y[c] + half]);
      return points;
    }
    // SVG path data: a curve across each gap between columns (it stays inside the gap: its control
    // points do), a straight line through each dummy slot.
    function edgePathData(points) {
      let d = "M" + points[0][0] + "," + points[0][1];
      for (let i = 1; i < points.length; i++) {
        const [ax, ay] = points[i - 1], [bx, by] = points[i];
        if (ay === by || i % 2 === 0) d += " L" + bx + "," + by;
        else { const m = (ax + bx) / 2; d += " C" + m + "," + ay + " " + m + "," + by + " " + bx + "," + by; }
      }
      return d;
    }
    function layoutSize(L) {
      let height = 0; for (let i = 0; i < L.ids.length; i++) height = Math.max(height, L.y[i] + SIZE.nodeHeight);
      for (const e of L.edges) for (let k = 2; k < e.length; k++) height = Math.max(height, e[k] + SIZE.dummyHeight);
      return [Math.max(0, columnX(L.layerCount) - SIZE.layerGap), height];
    }
    """##
}
