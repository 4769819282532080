import Diagnostics

/// Checks what the reader could not check file by file: metric references, semantic models
/// and their time dimensions, and cycles between metrics.
struct SemanticValidator {
  let manifest: SemanticManifest
  let sink: any DiagnosticSink

  func validate() {
    for metric in manifest.metrics.values {
      switch metric.kind {
      case .simple(let modelName, let aggregation):
        guard let model = manifest.semanticModels[modelName] else { continue }
        let timeName = aggregation.aggTimeDimension ?? model.defaultAggTimeDimension
        guard let timeName else {
          // Allowed: such a metric cannot be grouped by metric_time (the compiler says so).
          continue
        }
        if model.dimension(timeName)?.isTime != true {
          sink.emit(
            .error(
              "metrics.invalid",
              "`agg_time_dimension` `\(timeName)` of `\(metric.name)` is not a time dimension of "
                + "semantic model `\(modelName)`", at: metric.range,
              hint: "declare `\(timeName)` with `dimension: {type: time}` and a granularity"))
        }
      case .ratio(let numerator, let denominator):
        check([numerator, denominator], of: metric)
      case .derived(_, let inputs):
        check(inputs, of: metric)
      case .cumulative(let input, _, _):
        check([input], of: metric)
      case .conversion(let conversion):
        check([conversion.base, conversion.conversion], of: metric)
      }
    }
    for query in manifest.savedQueries.values {
      for name in query.metrics where manifest.metrics[name] == nil {
        sink.emit(
          .error(
            "metrics.unknown-metric", "saved query `\(query.name)` uses unknown metric `\(name)`",
            at: query.range,
            hint: Suggestions.didYouMean(name, in: Array(manifest.metrics.keys))))
      }
    }
    for name in manifest.metrics.keys.sorted() {
      var path: [String] = []
      if let cycle = findCycle(from: name, path: &path) {
        let range = manifest.metrics[name]?.range
        sink.emit(
          .error(
            "metrics.cycle",
            "metric `\(name)` depends on itself: "
              + cycle.joined(separator: " -> "), at: range))
        return
      }
    }
  }

  private func check(_ inputs: [MetricInput], of metric: Metric) {
    for input in inputs where manifest.metrics[input.name] == nil {
      let isMeasure = input.name.hasPrefix("measure:")
      let shown = isMeasure ? String(input.name.dropFirst(8)) : input.name
      sink.emit(
        .error(
          "metrics.unknown-metric",
          "metric `\(metric.name)` uses unknown \(isMeasure ? "measure" : "metric") `\(shown)`",
          at: input.range,
          hint: Suggestions.didYouMean(
            shown, in: manifest.metrics.keys.filter { !$0.hasPrefix("measure:") })))
    }
  }

  private func inputs(of metric: Metric) -> [MetricInput] {
    switch metric.kind {
    case .simple: []
    case .ratio(let numerator, let denominator): [numerator, denominator]
    case .derived(_, let inputs): inputs
    case .cumulative(let input, _, _): [input]
    case .conversion(let conversion): [conversion.base, conversion.conversion]
    }
  }

  private func findCycle(from name: String, path: inout [String]) -> [String]? {
    if path.contains(name) { return path + [name] }
    guard let metric = manifest.metrics[name] else { return nil }
    path.append(name)
    defer { path.removeLast() }
    for input in inputs(of: metric) {
      if let cycle = findCycle(from: input.name, path: &path) { return cycle }
    }
    return nil
  }
}
