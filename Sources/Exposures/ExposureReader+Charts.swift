import Diagnostics
import Metrics
import Project

extension ExposureReader {
  /// One `charts:` entry: a metric query (`metrics`, `group_by`, ...) or a model's columns
  /// (`model`, `x`, `y`), a kind, a format, axis labels and a default time range.
  func chart(_ node: YAMLNode) -> Chart? {
    guard node.isMapping else {
      error("a chart is a mapping with `title`, `kind` and `metrics` or `model`", at: node)
      return nil
    }
    var valid = checkKeys(node, known: Self.chartKeys, in: "chart")
    let title = node[key: "title"]?.string ?? ""
    if title.isEmpty {
      error("chart has no `title`", at: node)
      valid = false
    }
    let kind = enumValue(node, "kind", Chart.Kind.self, default: nil)
    let format = enumValue(node, "format", Chart.Format.self, default: .number)
    var columnFormats: [String: Chart.Format] = [:]
    if let formats = node[key: "formats"] {
      if formats.isMapping {
        let choices = Chart.Format.allCases.map(\.rawValue)
        for entry in formats.entries {
          let text = entry.value.string ?? ""
          guard let value = Chart.Format(rawValue: text) else {
            error(
              "unknown format `\(text)` for column `\(entry.key)`", at: entry.value,
              hint: Suggestions.didYouMean(text, in: choices)
                ?? "use one of " + choices.joined(separator: ", "))
            valid = false
            continue
          }
          columnFormats[entry.key] = value
        }
      } else {
        error("`formats` maps a column to its format (`{share: percent}`)", at: formats)
        valid = false
      }
    }
    let source: Chart.Source?
    switch (node[key: "metrics"], node[key: "model"]) {
    case (nil, nil):
      error(
        "chart `\(title)` needs `metrics:` (a metric query) or `model:` (a model's columns)",
        at: node)
      source = nil
    case (.some, .some(let model)):
      error("chart `\(title)` has both `metrics:` and `model:`; keep one", at: model)
      source = nil
    case (.some(let metrics), nil):
      source = metricQuery(node, metrics: metrics, kind: kind)
    case (nil, .some(let model)):
      source = modelColumns(node, model: model)
    }
    var xLabel: String?
    var yLabel: String?
    if let labels = node[key: "labels"] {
      if labels.isMapping, checkKeys(labels, known: ["x", "y"], in: "chart labels") {
        xLabel = text(labels[key: "x"], "x", in: "labels")
        yLabel = text(labels[key: "y"], "y", in: "labels")
      } else {
        if !labels.isMapping { error("`labels` is a mapping with `x` and `y`", at: labels) }
        valid = false
      }
    }
    let currency = text(node[key: "currency"], "currency", in: "chart") ?? "USD"
    if currency.count != 3 || !currency.allSatisfy({ $0.isASCII && $0.isUppercase }) {
      error("`currency` is an ISO 4217 code such as EUR or USD", at: node[key: "currency"] ?? node)
      valid = false
    }
    let range = timeRange(node)
    guard valid, let kind, let format, let source, let range else { return nil }
    var chart = Chart(
      title: title, kind: kind, source: source, format: format, currency: currency,
      description: node[key: "description"]?.string, xLabel: xLabel, yLabel: yLabel,
      timeRange: range.value, range: document.range(of: node))
    chart.columnFormats = columnFormats
    return chart
  }

  /// A key whose value is one of an enum's raw values; `default` when absent (nil: required).
  private func enumValue<Value: RawRepresentable & CaseIterable>(
    _ node: YAMLNode, _ key: String, _: Value.Type, default fallback: Value?
  ) -> Value? where Value.RawValue == String {
    let choices = Value.allCases.map(\.rawValue)
    guard let valueNode = node[key: key] else {
      if fallback == nil {
        error("chart needs a `\(key)`: " + choices.joined(separator: ", "), at: node)
      }
      return fallback
    }
    let text = valueNode.string ?? ""
    guard let value = Value(rawValue: text) else {
      error(
        "unknown chart \(key) `\(text)`", at: valueNode,
        hint: Suggestions.didYouMean(text, in: choices)
          ?? "use one of " + choices.joined(separator: ", "))
      return nil
    }
    return value
  }

  private func metricQuery(_ node: YAMLNode, metrics: YAMLNode, kind: Chart.Kind?) -> Chart.Source?
  {
    for key in ["x", "y", "series"] {
      if let extra = node[key: key] {
        error(
          "`\(key)` is for model charts; a metric chart's axes are its `group_by` and metrics",
          at: extra)
        return nil
      }
    }
    guard let names = list(metrics, "metrics"), !names.isEmpty else { return nil }
    var valid = true
    for (index, name) in names.enumerated() where semantic.metrics[name] == nil {
      let item: YAMLNode
      if case .sequence(let items) = metrics.content, index < items.count {
        item = items[index]
      } else {
        item = metrics
      }
      error(
        "unknown metric `\(name)`", at: item,
        hint: Suggestions.didYouMean(name, in: semantic.metrics.keys.filter { !$0.contains(":") }))
      valid = false
    }
    let groupBy = list(node[key: "group_by"], "group_by") ?? []
    if groupBy.isEmpty, let kind, kind != .number, kind != .table {
      error("a \(kind.rawValue) chart needs `group_by` (its x axis)", at: node[key: "kind"] ?? node)
      valid = false
    }
    let filters = list(node[key: "where"], "where") ?? []
    let orderBy = list(node[key: "order_by"], "order_by") ?? []
    let limit = self.limit(node)
    guard valid, limit != .some(nil) else { return nil }
    return .metrics(
      MetricRequest(
        metrics: names, groupBy: groupBy, filters: filters, orderBy: orderBy, limit: limit ?? nil))
  }

  private func modelColumns(_ node: YAMLNode, model: YAMLNode) -> Chart.Source? {
    for key in ["group_by"] {
      if let extra = node[key: key] {
        error(
          "`\(key)` is for metric charts; a model chart names its `x` and `y` columns", at: extra)
        return nil
      }
    }
    let name = modelRef(model)
    guard let xNode = node[key: "x"], let x = xNode.string else {
      error("a model chart needs `x:` (a column)", at: node[key: "x"] ?? node)
      return nil
    }
    guard let y = list(node[key: "y"], "y"), !y.isEmpty else {
      if node[key: "y"] == nil { error("a model chart needs `y:` (a column or a list)", at: node) }
      return nil
    }
    let series = text(node[key: "series"], "series", in: "chart")
    let filter = text(node[key: "where"], "where", in: "chart")
    let orderBy = list(node[key: "order_by"], "order_by") ?? []
    let limit = self.limit(node)
    guard let name, limit != .some(nil) else { return nil }
    return .model(
      name: name, x: x, y: y, series: series, filter: filter, orderBy: orderBy, limit: limit ?? nil)
  }

  /// nil when absent, `.some(nil)` when invalid.
  private func limit(_ node: YAMLNode) -> Int?? {
    guard let limitNode = node[key: "limit"] else { return .none }
    guard let value = limitNode.string.flatMap({ Int($0) }), value > 0 else {
      error("`limit` is a positive number", at: limitNode)
      return .some(nil)
    }
    return .some(value)
  }

  /// The chart's time range (`value` nil: every row); nil when invalid.
  private func timeRange(_ node: YAMLNode) -> (value: TimeRange?, Void)? {
    let start = node[key: "start"]
    let end = node[key: "end"]
    if let rangeNode = node[key: "time_range"] {
      if let extra = start ?? end {
        error("give `time_range` or `start`/`end`, not both", at: extra)
        return nil
      }
      let text = rangeNode.string ?? ""
      if text == "all" { return (nil, ()) }
      // last_<count>_<grain>s
      let parts = text.split(separator: "_")
      var grainText = parts.count == 3 ? String(parts[2]) : ""
      if grainText.hasSuffix("s") { grainText.removeLast() }
      guard parts.count == 3, parts[0] == "last", let count = Int(parts[1]), count > 0,
        let grain = TimeGrain(rawValue: grainText)
      else {
        error(
          "`\(text)` is not a time range", at: rangeNode,
          hint: "write `last_<count>_<days|weeks|months|quarters|years>` (e.g. `last_24_months`)"
            + " or `all`")
        return nil
      }
      return (.last(count, grain), ())
    }
    guard start != nil || end != nil else { return (nil, ()) }
    var valid = true
    for bound in [start, end].compactMap({ $0 }) where !Self.isDate(bound.string ?? "") {
      error("`\(bound.string ?? "")` is not a date", at: bound, hint: "write `YYYY-MM-DD`")
      valid = false
    }
    guard valid else { return nil }
    return (.between(start: start?.string, end: end?.string), ())
  }

  static func isDate(_ text: String) -> Bool {
    let bytes = Array(text.utf8)
    guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else {
      return false
    }
    return bytes.enumerated().allSatisfy {
      $0.offset == 4 || $0.offset == 7 || (48...57).contains($0.element)
    }
  }
}
