public import Diagnostics
public import Metrics
import OrderedCollections
public import Project
import Template

/// Reads dbt's `exposures:` from properties files, with swdbt's `charts:` on dashboards. Every
/// key is checked: an unknown one, a wrong kind or format, a chart that is both a metric query
/// and a model, a `ref` to no model, a metric that is not declared are errors at their line.
public struct ExposureReader {
  let document: YAMLDocument
  let projectName: String
  let models: Set<String>
  let sources: Set<String>
  let semantic: SemanticManifest
  let sink: any DiagnosticSink

  static let exposureKeys = [
    "name", "label", "type", "description", "url", "maturity", "owner", "depends_on", "tags",
    "meta", "config", "charts",
  ]
  static let chartKeys = [
    "title", "kind", "description", "metrics", "group_by", "where", "order_by", "limit", "model",
    "x", "y", "series", "labels", "format", "formats", "currency", "time_range", "start", "end",
  ]
  static let maturities = ["high", "medium", "low"]
  static let exposureTypes = ["dashboard", "notebook", "analysis", "ml", "application"]

  /// The exposures of `files`, in file order; problems go to `sink` and skip the entry.
  public static func read(
    _ files: [SourceFile], projectName: String, models: Set<String>, sources: Set<String> = [],
    semantic: SemanticManifest, sink: any DiagnosticSink
  ) -> [Exposure] {
    var exposures: [Exposure] = []
    var seen: [String: SourceRange] = [:]
    for file in files where file.text.contains("exposures:") {
      guard let document = try? YAMLDocument.parse(file) else { continue }  // Loader reports it.
      guard let root = document.root, let list = root[key: "exposures"] else { continue }
      let reader = ExposureReader(
        document: document, projectName: projectName, models: models, sources: sources,
        semantic: semantic, sink: sink)
      guard case .sequence(let items) = list.content else {
        reader.error("`exposures:` is a list of exposures", at: list)
        continue
      }
      for item in items {
        guard let exposure = reader.exposure(item) else { continue }
        if let first = seen[exposure.name] {
          sink.emit(
            .error(
              "exposures.duplicate", "exposure `\(exposure.name)` is defined twice",
              at: exposure.range, notes: [.init("first defined here", at: first)]))
          continue
        }
        seen[exposure.name] = exposure.range
        exposures.append(exposure)
      }
    }
    return exposures
  }

  func error(_ message: String, at node: YAMLNode, hint: String? = nil) {
    sink.emit(.error("exposures.invalid", message, at: document.range(of: node), hint: hint))
  }

  /// Reports keys of `node` not in `known`, each at its key with a did-you-mean.
  func checkKeys(_ node: YAMLNode, known: [String], in what: String) -> Bool {
    var valid = true
    for entry in node.entries where !known.contains(entry.key) {
      error(
        "unknown key `\(entry.key)` in \(what)", at: entry.keyNode,
        hint: Suggestions.didYouMean(entry.key, in: known)
          ?? "known keys: " + known.joined(separator: ", "))
      valid = false
    }
    return valid
  }

  func text(_ node: YAMLNode?, _ key: String, in what: String) -> String? {
    guard let node else { return nil }
    guard let value = node.string else {
      error("`\(key)` in \(what) is text", at: node)
      return nil
    }
    return value
  }

  /// A scalar or a list of scalars.
  func list(_ node: YAMLNode?, _ key: String) -> [String]? {
    guard let node else { return nil }
    if let single = node.string { return [single] }
    guard case .sequence(let items) = node.content else {
      error("`\(key)` is a name or a list of names", at: node)
      return nil
    }
    var values: [String] = []
    for item in items {
      guard let value = item.string else {
        error("`\(key)` is a name or a list of names", at: item)
        return nil
      }
      values.append(value)
    }
    return values
  }

  /// `ref('name')` to a model of the project.
  func modelRef(_ node: YAMLNode) -> String? {
    guard let text = node.string, let name = Self.refName(text) else {
      error("expected `ref('model_name')` or `source('name', 'table')`", at: node)
      return nil
    }
    guard models.contains(name) else {
      error(
        "unknown model `\(name)` in `ref`", at: node, hint: Suggestions.didYouMean(name, in: models)
      )
      return nil
    }
    return name
  }

  /// `ref('x')`, `ref("pkg", "x")` to `x`.
  static func refName(_ text: String) -> String? {
    call("ref", text)?.last
  }

  /// The quoted arguments of `function(...)`; keyword arguments (`v=2`) are skipped.
  static func call(_ function: String, _ text: String) -> [String]? {
    let trimmed = trim(Substring(text))
    guard trimmed.hasPrefix(function + "("), trimmed.hasSuffix(")") else { return nil }
    var arguments: [String] = []
    for part in trimmed.dropFirst(function.count + 1).dropLast().split(separator: ",") {
      let argument = trim(part)
      if argument.contains("=") { continue }
      guard argument.count >= 2, let quote = argument.first, quote == "'" || quote == "\"",
        argument.last == quote
      else { return nil }
      arguments.append(String(argument.dropFirst().dropLast()))
    }
    return arguments.isEmpty ? nil : arguments
  }

  private static func trim(_ text: Substring) -> Substring {
    text.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed()
      .reduce(into: Substring()) { $0.append($1) }
  }

  private func exposure(_ node: YAMLNode) -> Exposure? {
    guard node.isMapping else {
      error("an exposure is a mapping with `name`, `type` and `depends_on`", at: node)
      return nil
    }
    var valid = checkKeys(node, known: Self.exposureKeys, in: "exposure")
    guard let name = node[key: "name"]?.string, !name.isEmpty else {
      error("exposure has no `name`", at: node)
      return nil
    }
    // dbt's `config: {enabled: false}` leaves the exposure out.
    if node[key: "config"]?[key: "enabled"]?.string == "false" { return nil }
    let type = node[key: "type"]?.string ?? ""
    if !Self.exposureTypes.contains(type) {
      error(
        "exposure `\(name)` needs a `type`: " + Self.exposureTypes.joined(separator: ", "),
        at: node[key: "type"] ?? node,
        hint: Suggestions.didYouMean(type, in: Self.exposureTypes))
      valid = false
    }
    var dependsOn: [String] = []
    var dependsOnSources: [String] = []
    var metrics: [String] = []
    if let depends = node[key: "depends_on"] {
      if case .sequence(let items) = depends.content {
        for item in items {
          let text = item.string ?? ""
          if let source = Self.call("source", text), source.count == 2 {
            let name = source.joined(separator: ".")
            if sources.contains(name) {
              dependsOnSources.append(name)
            } else {
              error(
                "unknown source `\(name)` in `depends_on`", at: item,
                hint: Suggestions.didYouMean(name, in: sources))
              valid = false
            }
          } else if let metric = Self.call("metric", text)?.last {
            if semantic.metrics[metric] == nil {
              error(
                "unknown metric `\(metric)` in `depends_on`", at: item,
                hint: Suggestions.didYouMean(metric, in: Array(semantic.metrics.keys)))
              valid = false
            } else if !metrics.contains(metric) {
              metrics.append(metric)
            }
          } else if let model = modelRef(item) {
            dependsOn.append(model)
          } else {
            valid = false
          }
        }
      } else {
        error("`depends_on` is a list of `ref('model_name')`", at: depends)
        valid = false
      }
    }
    var ownerName: String?
    var ownerEmail: String?
    if let ownerNode = node[key: "owner"] {
      if ownerNode.isMapping, checkKeys(ownerNode, known: ["name", "email"], in: "exposure owner") {
        ownerName = text(ownerNode[key: "name"], "name", in: "owner")
        ownerEmail = text(ownerNode[key: "email"], "email", in: "owner")
      } else if !ownerNode.isMapping {
        error("`owner` is a mapping with `name` and/or `email`", at: ownerNode)
        valid = false
      } else {
        valid = false
      }
    }
    let maturity = text(node[key: "maturity"], "maturity", in: "exposure")
    if let maturity, !Self.maturities.contains(maturity) {
      error(
        "unknown maturity `\(maturity)`", at: node[key: "maturity"] ?? node,
        hint: Suggestions.didYouMean(maturity, in: Self.maturities)
          ?? "use one of " + Self.maturities.joined(separator: ", "))
      valid = false
    }
    var tags = list(node[key: "tags"], "tags") ?? []
    var meta = OrderedDictionary<String, Value>()
    for metaNode in [node[key: "meta"], node[key: "config"]?[key: "meta"]].compactMap({ $0 }) {
      guard case .dict(let entries) = YAMLDocument.value(of: metaNode) else {
        error("`meta` is a mapping", at: metaNode)
        valid = false
        continue
      }
      meta.merge(entries) { _, config in config }
    }
    for tag in list(node[key: "config"]?[key: "tags"], "tags") ?? [] where !tags.contains(tag) {
      tags.append(tag)
    }
    var charts: [Chart] = []
    if let chartList = node[key: "charts"] {
      if type != "dashboard" {
        error("`charts` are drawn for exposures of `type: dashboard` only", at: chartList)
        valid = false
      }
      if case .sequence(let items) = chartList.content {
        for item in items {
          if let chart = chart(item) { charts.append(chart) } else { valid = false }
        }
      } else {
        error("`charts` is a list of charts", at: chartList)
        valid = false
      }
    }
    guard valid else { return nil }
    for chart in charts {
      for model in modelsRead(by: chart) where !dependsOn.contains(model) {
        dependsOn.append(model)
      }
      if case .metrics(let request) = chart.source {
        for metric in request.metrics where !metrics.contains(metric) { metrics.append(metric) }
      }
    }
    var exposure = Exposure(
      uniqueID: "exposure.\(projectName).\(name)", name: name,
      label: node[key: "label"]?.string ?? name, type: type,
      description: node[key: "description"]?.string ?? "", owner: ownerName ?? ownerEmail,
      url: node[key: "url"]?.string, dependsOn: dependsOn, charts: charts,
      path: document.file.path, range: document.range(of: node))
    exposure.dependsOnSources = dependsOnSources
    exposure.metrics = metrics
    (exposure.ownerName, exposure.ownerEmail) = (ownerName, ownerEmail)
    (exposure.maturity, exposure.tags, exposure.meta) = (maturity, tags, .dict(meta))
    return exposure
  }

  /// The models a chart reads: its model, or the models behind its metrics' semantic models.
  func modelsRead(by chart: Chart) -> [String] {
    switch chart.source {
    case .model(let name, _, _, _, _, _, _): return [name]
    case .metrics(let request):
      var found: [String] = []
      var visited: Set<String> = []
      var pending = request.metrics
      while let metricName = pending.popLast() {
        guard visited.insert(metricName).inserted, let metric = semantic.metrics[metricName]
        else { continue }
        // `if case` rather than a switch: the Metrics library may add kinds of metric.
        if case .simple(let semanticModel, _) = metric.kind,
          let model = semantic.semanticModels[semanticModel]?.model, !found.contains(model)
        {
          found.append(model)
        } else if case .ratio(let numerator, let denominator) = metric.kind {
          pending += [numerator.name, denominator.name]
        } else if case .derived(_, let inputs) = metric.kind {
          pending += inputs.map(\.name)
        } else if case .cumulative(let input, _, _) = metric.kind {
          pending.append(input.name)
        }
      }
      return found.sorted()
    }
  }
}
