public import Diagnostics
import Project

/// Reads the semantic layer from properties files: the latest spec (`semantic_model:` on a
/// model, entities and dimensions on its columns, simple metrics under the model) and the
/// legacy spec (top-level `semantic_models:` with measures, `metrics:` with `type_params`).
public struct SemanticReader {
  let sink: any DiagnosticSink
  var manifest = SemanticManifest()
  /// Names of top-level metrics with their ranges, to report duplicates.
  private var seen: [String: SourceRange] = [:]

  public init(sink: any DiagnosticSink) { self.sink = sink }

  /// Reads the files, then checks every reference; problems go to the sink.
  public static func read(_ files: [SourceFile], sink: any DiagnosticSink) -> SemanticManifest {
    var reader = SemanticReader(sink: sink)
    for file in files { reader.read(file) }
    SemanticValidator(manifest: reader.manifest, sink: sink).validate()
    return reader.manifest
  }

  /// Reads one properties file.
  public mutating func read(_ file: SourceFile) {
    // Cheap skip: most properties files declare no semantic layer.
    let text = file.text
    guard
      text.contains("semantic_model") || text.contains("metrics:")
        || text.contains("saved_queries:") || text.contains("time_spine")
    else { return }
    let document: YAMLDocument
    do {
      document = try YAMLDocument.parse(file)
    } catch {
      return  // The project loader reports YAML syntax errors.
    }
    guard let root = document.root, root.isMapping else { return }
    let context = NodeReader(document: document, sink: sink)
    for model in root[key: "models"]?.items ?? [] {
      readModel(model, context)
    }
    for entry in root[key: "semantic_models"]?.items ?? [] {
      readLegacySemanticModel(entry, context)
    }
    for entry in root[key: "metrics"]?.items ?? [] {
      if let metric = context.metric(entry, semanticModel: nil) { add(metric) }
    }
    for entry in root[key: "saved_queries"]?.items ?? [] {
      if let query = context.savedQuery(entry) { manifest.savedQueries[query.name] = query }
    }
  }

  private mutating func add(_ metric: Metric) {
    if let previous = seen[metric.name] {
      sink.emit(
        .error(
          "metrics.duplicate", "metric `\(metric.name)` is defined twice", at: metric.range,
          notes: [.init("first defined here", at: previous)]))
      return
    }
    seen[metric.name] = metric.range
    manifest.metrics[metric.name] = metric
  }

  /// A model entry of the latest spec: its `semantic_model:`, columns, simple metrics, and
  /// `time_spine:`.
  private mutating func readModel(_ node: YAMLNode, _ context: NodeReader) {
    guard let modelName = node[key: "name"]?.string else { return }
    if let spine = node[key: "time_spine"] {
      let column = spine[key: "standard_granularity_column"]?.string
      if let column {
        manifest.timeSpine = (modelName, column)
      } else {
        context.error(
          "time_spine needs `standard_granularity_column` (its day column)", at: spine)
      }
    }
    guard let block = node[key: "semantic_model"] else {
      if let metrics = node[key: "metrics"] {
        context.error(
          "model metrics need `semantic_model: true` on the model", at: metrics,
          hint: "add `semantic_model: {enabled: true}` to model `\(modelName)`")
      }
      return
    }
    var name = modelName
    if block.isMapping {
      if let enabled = block[key: "enabled"], enabled.string == "false" { return }
      if let custom = block[key: "name"]?.string { name = custom }
    } else if block.string == "false" {
      return
    }
    var model = SemanticModel(name: name, model: modelName, range: context.range(block))
    model.defaultAggTimeDimension = node[key: "agg_time_dimension"]?.string
    for column in node[key: "columns"]?.items ?? [] {
      guard let columnName = column[key: "name"]?.string else { continue }
      let grain = column[key: "granularity"].flatMap { context.grain($0) }
      if let entity = column[key: "entity"] {
        if let parsed = context.entity(entity, defaultName: columnName, expression: columnName) {
          model.entities.append(parsed)
        }
      }
      if let dimension = column[key: "dimension"] {
        if column[key: "entity"] != nil {
          context.error(
            "column `\(columnName)` is both an entity and a dimension", at: dimension,
            hint: "declare the dimension in `derived_semantics:` instead")
          continue
        }
        if let parsed = context.dimension(
          dimension, defaultName: columnName, expression: columnName, grain: grain)
        {
          model.dimensions.append(parsed)
        }
      }
    }
    if let derived = node[key: "derived_semantics"] {
      for entity in derived[key: "entities"]?.items ?? [] {
        if let parsed = context.entity(entity, defaultName: nil, expression: nil) {
          model.entities.append(parsed)
        }
      }
      for dimension in derived[key: "dimensions"]?.items ?? [] {
        let grain = dimension[key: "granularity"].flatMap { context.grain($0) }
        if let parsed = context.dimension(
          dimension, defaultName: nil, expression: nil, grain: grain)
        {
          model.dimensions.append(parsed)
        }
      }
    }
    manifest.semanticModels[name] = model
    for entry in node[key: "metrics"]?.items ?? [] {
      if let metric = context.metric(entry, semanticModel: name) { add(metric) }
    }
  }

  /// A legacy `semantic_models:` entry. Its measures become hidden simple metrics named
  /// `measure:NAME`, which legacy metrics refer to.
  private mutating func readLegacySemanticModel(_ node: YAMLNode, _ context: NodeReader) {
    guard let name = context.name(node, "semantic model") else { return }
    guard let modelNode = node[key: "model"], let reference = modelNode.string else {
      context.error("semantic model `\(name)` has no `model:`", at: node)
      return
    }
    guard let modelName = NodeReader.refName(reference) else {
      context.error(
        "`model:` must be `ref('model_name')`", at: modelNode,
        hint: "write `model: ref('\(reference)')`")
      return
    }
    var model = SemanticModel(name: name, model: modelName, range: context.range(node))
    model.defaultAggTimeDimension = node[key: "defaults"]?[key: "agg_time_dimension"]?.string
    for entity in node[key: "entities"]?.items ?? [] {
      if let parsed = context.entity(entity, defaultName: nil, expression: nil) {
        model.entities.append(parsed)
      }
    }
    if let primary = node[key: "primary_entity"]?.string, model.entity(primary) == nil {
      model.entities.append(Entity(name: primary, kind: .primary, expression: "null"))
    }
    for dimension in node[key: "dimensions"]?.items ?? [] {
      let grain = dimension[key: "type_params"]?[key: "time_granularity"].flatMap {
        context.grain($0)
      }
      if let parsed = context.dimension(dimension, defaultName: nil, expression: nil, grain: grain)
      {
        model.dimensions.append(parsed)
      }
    }
    for measure in node[key: "measures"]?.items ?? [] {
      guard let measureName = context.name(measure, "measure"),
        let aggregation = context.aggregation(measure, defaultExpression: measureName)
      else { continue }
      model.measures[measureName] = aggregation
      manifest.metrics["measure:" + measureName] = Metric(
        name: measureName, kind: .simple(semanticModel: name, aggregation), filter: nil,
        fillNullsWith: nil, range: context.range(measure))
      if measure[key: "create_metric"]?.string == "true" {
        add(
          Metric(
            name: measureName, kind: .simple(semanticModel: name, aggregation), filter: nil,
            fillNullsWith: nil, range: context.range(measure)))
      }
    }
    manifest.semanticModels[name] = model
  }
}
