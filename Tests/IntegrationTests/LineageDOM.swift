import Foundation

/// The lineage as the docs page drew it, read back from Chromium's dumped DOM: node boxes
/// (`<g class="node…" data-id><rect …>`) and edge paths (`<path class="edge" data-from data-to d>`).
struct LineageDOM {
  struct Box {
    var x: Double, y: Double, width: Double, height: Double
  }

  var boxes: [String: Box] = [:]
  var classes: [String: String] = [:]
  var edges: [(from: String, to: String, path: String)] = []
  /// Font size of the node labels, in the SVG's units.
  var fontSize: Double?

  /// Reads the `<svg>` whose id is `svgID` in `dom`.
  init(_ dom: String, svgID: String) {
    guard let start = dom.range(of: "<svg id=\"\(svgID)\""),
      let end = dom.range(of: "</svg>", range: start.upperBound..<dom.endIndex)
    else { return }
    let svg = String(dom[start.lowerBound..<end.upperBound])
    for match in svg.matches(
      of:
        /<g class="(node[^"]*)" data-id="([^"]+)"><rect x="([-\d.]+)" y="([-\d.]+)" width="([\d.]+)" height="([\d.]+)"/
    ) {
      let id = String(match.output.2)
      classes[id] = String(match.output.1)
      boxes[id] = Box(
        x: Double(match.output.3) ?? .nan, y: Double(match.output.4) ?? .nan,
        width: Double(match.output.5) ?? .nan, height: Double(match.output.6) ?? .nan)
    }
    for match in svg.matches(
      of: /<path class="edge" data-from="([^"]+)" data-to="([^"]+)" d="([^"]+)"/)
    {
      edges.append((String(match.output.1), String(match.output.2), String(match.output.3)))
    }
    fontSize = svg.firstMatch(of: /<text font-size="([\d.]+)"/).flatMap { Double($0.output.1) }
  }

  /// Edges whose drawn path enters the inside of a box of a node other than its two ends. Each
  /// piece of a path (a line, or a cubic curve, which stays inside its control points' hull) is
  /// tested by its bounding box, which can only over-report.
  func edgesBehindOtherNodes() -> [String] {
    var found: [String] = []
    for edge in edges {
      let numbers = edge.path.matches(of: /-?[\d.]+/).compactMap { Double($0.output) }
      var points: [(Double, Double)] = []
      for index in stride(from: 0, to: numbers.count - 1, by: 2) {
        points.append((numbers[index], numbers[index + 1]))
      }
      // M p0, then pieces: L p (one point) or C c1 c2 p (three points).
      var pieces: [[(Double, Double)]] = []
      var previous = points.first ?? (0, 0)
      var cursor = 1
      for command in edge.path.filter({ "LC".contains($0) }) {
        let count = command == "C" ? 3 : 1
        guard cursor + count <= points.count else { break }
        pieces.append([previous] + points[cursor..<cursor + count])
        previous = points[cursor + count - 1]
        cursor += count
      }
      for piece in pieces {
        let xs = piece.map(\.0)
        let ys = piece.map(\.1)
        let (left, right, top, bottom) = (
          xs.min() ?? 0, xs.max() ?? 0, ys.min() ?? 0, ys.max() ?? 0
        )
        for (id, box) in boxes where id != edge.from && id != edge.to {
          if left < box.x + box.width && right > box.x && top < box.y + box.height
            && bottom > box.y
          {
            found.append("\(edge.from) -> \(edge.to) passes behind \(id)")
          }
        }
      }
    }
    return found
  }

  /// The drawn edges as "from -> to", sorted.
  var drawnEdges: [String] { edges.map { "\($0.from) -> \($0.to)" }.sorted() }

  /// The edges of `parentMap` between drawn nodes, as "from -> to", sorted.
  func expectedEdges(_ parentMap: [String: [String]]) -> [String] {
    boxes.keys.flatMap { child in
      (parentMap[child] ?? []).filter { boxes[$0] != nil }.map { "\($0) -> \(child)" }
    }.sorted()
  }
}
