public import Diagnostics
import Exposures
import Graph
import OrderedCollections
public import Project
public import Runtime
import Synchronization
import Template

/// What the command line adds to compiling.
public struct CompileOptions: Sendable {
  /// Environment variables `env_var()` may read (passed in so tests need no global state).
  public var environment: [String: String]
  /// Relations that already exist in the database as `schema.identifier` (unquoted), for
  /// `is_incremental()`.
  public var existingRelations: Set<String>
  /// `--full-refresh`: `is_incremental()` is false everywhere.
  public var fullRefresh: Bool
  /// `--empty`: every `ref` and `source` reads an empty subquery of its relation.
  public var empty: Bool
  /// Called with each compile phase's name and duration (`--debug-timings`), if set.
  public var phaseTimer: (@Sendable (_ phase: String, _ duration: Duration) -> Void)?
  /// The command's `invocation_id`, `run_started_at`, `flags` and log output.
  public var invocation: InvocationContext
  /// `--defer`: nodes (by unique id) that read as another environment's relations, since
  /// this invocation does not build them.
  public var deferredRelations: [String: RelationName] = [:]

  /// Creates compile options.
  public init(
    environment: [String: String] = [:], existingRelations: Set<String> = [],
    fullRefresh: Bool = false, empty: Bool = false,
    phaseTimer: (@Sendable (_ phase: String, _ duration: Duration) -> Void)? = nil,
    invocation: InvocationContext = InvocationContext()
  ) {
    self.invocation = invocation
    self.environment = environment
    self.existingRelations = existingRelations
    self.fullRefresh = fullRefresh
    self.empty = empty
    self.phaseTimer = phaseTimer
  }
}

/// The compiler stages, in order: `LoadedProject` → render (once, in parallel) → link (refs to
/// nodes, graph, cycles) → name relations → substitute placeholders and inline ephemerals →
/// `Compilation`. Each stage reports recoverable problems to the sink and keeps going, so one
/// run shows every broken model.
public enum Compiler {
  /// Compiles a loaded project; returns nil when errors make the graph unusable.
  public static func compile(
    _ project: LoadedProject, options: CompileOptions = CompileOptions(), sink: any DiagnosticSink
  ) -> Compilation? {
    var phases = PhaseClock(report: options.phaseTimer)
    let tracker = ErrorTracker(forwardingTo: sink)
    let environment = RenderEnvironment(project: project, options: options)

    // Render.
    // By index throughout: `for model in` and `filter` copy (retain every field of) each of
    // 10,000 models.
    let configuredModels = project.models.indices.filter { project.models[$0].config.enabled }
    var inputs: [RenderPass.Input] = []
    inputs.reserveCapacity(configuredModels.count + project.singularTests.count)
    // Where each model's and singular test's output lands in the render results (-1: not
    // rendered): the linker reads them by position, not by id.
    var renderedModels = [Int](repeating: -1, count: configuredModels.count)
    for position in configuredModels.indices {
      let index = configuredModels[position]
      guard let template = project.models[index].template else { continue }
      renderedModels[position] = inputs.count
      inputs.append(
        .init(
          uniqueID: project.models[index].uniqueID, name: project.models[index].name,
          resource: project.models[index].resourceType, template: template,
          file: project.models[index].file,
          config: project.models[index].config))
    }
    var renderedSingularTests = [Int](repeating: -1, count: project.singularTests.count)
    for index in project.singularTests.indices where project.singularTests[index].config.enabled {
      let test = project.singularTests[index]
      guard let template = test.template else { continue }
      renderedSingularTests[index] = inputs.count
      inputs.append(
        .init(
          uniqueID: test.uniqueID, name: test.name, resource: .test, template: template,
          file: test.file, config: test.config))
    }
    phases.lap("prepare")
    let rendered = RenderPass.run(inputs, environment: environment, sink: tracker)
    RenderPass.checkSeedHooks(project.seeds, environment: environment, sink: tracker)
    phases.lap("render")
    let remaining = SelfDisabling.apply(
      project: project, modelIndices: configuredModels, renderedModels: renderedModels,
      renderedSingularTests: renderedSingularTests, rendered: rendered, sink: tracker)
    let modelIndices = remaining.modelIndices
    // Made before the generic tests, which need its slots.
    let linker = Linker(
      project: project, modelIndices: modelIndices, rendered: rendered,
      renderedModels: remaining.renderedModels, renderedSingularTests: renderedSingularTests,
      singularTests: remaining.singularTests)

    // Generic tests from YAML.
    // Owners carry the linker's slot of their node (a model's is its position in
    // `modelIndices`). Models in parallel (100,000 of them in a large project).
    let modelOwners: [GenericTestBuilder.Owner?] = Array(modelIndices.indices).concurrentMap {
      position in
      let index = modelIndices[position]
      guard let patch = project.models[index].patch else { return nil }
      var specs = patch.tests
      for column in patch.columns.indices { specs += patch.columns[column].tests }
      guard !specs.isEmpty else { return nil }
      return .init(
        uniqueID: project.models[index].uniqueID, nameInTest: project.models[index].name,
        isSource: false,
        model: GenericTestID.modelExpression(name: project.models[index].name, sourceName: nil),
        specs: specs, linkerSlot: position)
    }
    var owners = modelOwners.compactMap { $0 }
    for index in project.seeds.indices {
      let seed = project.seeds[index]
      let specs = (seed.patch?.tests ?? []) + (seed.patch?.columns.flatMap(\.tests) ?? [])
      if !specs.isEmpty {
        owners.append(
          .init(
            uniqueID: seed.uniqueID, nameInTest: seed.name, isSource: false,
            model: GenericTestID.modelExpression(name: seed.name, sourceName: nil), specs: specs,
            linkerSlot: linker.seedStart + index))
      }
    }
    for index in project.sources.indices {
      let source = project.sources[index]
      let specs = source.tests + source.columns.flatMap(\.tests)
      if !specs.isEmpty {
        owners.append(
          .init(
            uniqueID: source.uniqueID, nameInTest: "\(source.sourceName)_\(source.name)",
            isSource: true,
            model: GenericTestID.modelExpression(
              name: source.name, sourceName: source.sourceName), specs: specs,
            linkerSlot: linker.sourceStart + index))
      }
    }
    var (genericTests, ownerSlots) = GenericTestBuilder.build(
      owners: owners, environment: environment, projectTests: project.projectFile.tests,
      sink: tracker)
    SelfDisabling.dropTests(referringTo: remaining.disabledNames, in: &genericTests)
    phases.lap("generic tests")

    // Link: every node, and edges from the references actually evaluated.
    guard
      var linked = linker.link(genericTests: &genericTests, ownerSlots: ownerSlots, sink: tracker),
      !tracker.sawError
    else { return nil }
    phases.lap("link")

    // Name relations, then substitute placeholders in parallel: final names are all known now.
    let target = project.target
    // Taken out of `linked`, not shared with it: the first change would copy 30,000 nodes.
    var nodes = linked.nodes
    linked.nodes = []
    let naming = environment.naming
    nodes.concurrentUpdate { nodes, index in
      switch nodes[index].resourceType {
      case .model where nodes[index].config.materialization != .ephemeral, .seed, .snapshot:
        guard let naming else {
          nodes[index].relation = RelationNaming.relation(
            name: nodes[index].name, config: nodes[index].config, target: target)
          RelationNaming.applySnapshotTarget(to: &nodes[index])
          return
        }
        do throws(Diagnostic) {
          nodes[index].relation = try naming.relation(of: nodes[index])
          RelationNaming.applySnapshotTarget(to: &nodes[index])
        } catch {
          tracker.emit(NamingMacros.failure(error, node: nodes[index]))
        }
      case .test where naming?.schema != nil && nodes[index].config.storedFailuresKind != nil:
        // As dbt: the audit schema (the test's `schema`, `dbt_test__audit` by default) goes
        // through the project's `generate_schema_name`; without one the runner names it.
        guard let naming else { return }
        do throws(Diagnostic) {
          nodes[index].relation = try naming.relation(ofStoredFailuresOf: nodes[index])
        } catch {
          tracker.emit(NamingMacros.failure(error, node: nodes[index]))
        }
      default: break
      }
    }
    RelationNaming.reportConflicts(
      nodes, locate: { node, key in Self.configSite(of: node, key: key, in: project) },
      sink: tracker)
    guard !tracker.sawError else { return nil }
    let graph = linked.graph
    // Before names are substituted, so every ref to a deferred node reads its relation.
    for (id, relation) in options.deferredRelations {
      if let index = graph.index(of: id) { nodes[index].relation = relation }
    }
    let referenceTargets = linked.referenceTargets
    let attachedIndices = linked.attachedIndices
    let renderedIndices = linked.renderedIndices
    let empty = options.empty
    let dialect = RelationDialect(adapterType: target.type)
    // In parallel (300,000 quoted names at 100,000 models); the frozen copy lives only
    // during the map, so the changes below do not copy nodes.
    let quotedNames: [String] = { (frozenNodes: [CompiledNode]) in
      Array(frozenNodes.indices).concurrentMap { index in
        if frozenNodes[index].resourceType == .model,
          frozenNodes[index].config.materialization == .ephemeral
        {
          return EphemeralInliner.cteName(frozenNodes[index].name)
        }
        return frozenNodes[index].relation?.rendered(in: dialect) ?? ""
      }
    }(nodes)
    struct Substituted: Sendable {
      let text: String
      /// Indices of ephemeral models this node refers to directly.
      let ephemeralParents: [Int]
      /// A microbatch model's text with its inputs filtered to the batch window.
      var batchText: String? = nil
    }
    // The frozen copy lives only while substituting, so the changes below do not copy nodes.
    let substituted: [Substituted?] = { (frozenNodes: [CompiledNode]) in
      Array(graph.ids.indices).concurrentMap { index in
        let renderedIndex = renderedIndices[index]
        guard renderedIndex >= 0, let renderedNode = rendered[renderedIndex] else { return nil }
        let targets = referenceTargets[index]
        var names: [String] = []
        var relations: [RelationName?] = []
        var ephemeralParents: [Int] = []
        names.reserveCapacity(renderedNode.references.count)
        for position in renderedNode.references.indices {
          let targetIndex = position < targets.count ? targets[position] : -1
          guard targetIndex >= 0 else {
            names.append("")
            relations.append(nil)
            continue
          }
          // `this` (the node itself) is not limited, as in dbt.
          if empty, targetIndex != index {
            names.append(
              EmptyRelation.subquery(
                quotedNames[targetIndex],
                identifier: frozenNodes[targetIndex].relation?.identifier
                  ?? EphemeralInliner.cteName(frozenNodes[targetIndex].name), dialect: dialect))
          } else {
            names.append(quotedNames[targetIndex])
          }
          if targetIndex == index, frozenNodes[index].relation == nil,
            frozenNodes[index].resourceType == .model
          {
            // `this` in an ephemeral model: dbt's `this.schema` / `.identifier` still name
            // where the model would be built, though the model itself becomes a CTE.
            relations.append(
              RelationNaming.relation(
                name: frozenNodes[index].name, config: frozenNodes[index].config, target: target))
          } else {
            relations.append(frozenNodes[targetIndex].relation)
          }
          if targetIndex != index, frozenNodes[targetIndex].resourceType == .model,
            frozenNodes[targetIndex].config.materialization == .ephemeral
          {
            ephemeralParents.append(targetIndex)
          }
        }
        let text = PlaceholderSubstitution.apply(
          renderedNode.text, names: names, relations: relations)
        let batchText =
          MicrobatchWindow.isMicrobatch(frozenNodes[index].config)
          ? MicrobatchWindow.batchText(
            renderedNode.text, names: names, relations: relations, targets: targets,
            index: index, nodes: frozenNodes)
          : nil
        return Substituted(
          text: text, ephemeralParents: ephemeralParents, batchText: batchText)
      }
    }(nodes)
    phases.lap("name relations, substitute refs")
    // Ephemeral CTEs chain through ancestors, so they are assembled in build order.
    var ctes: [Int: [(name: String, sql: String)]] = [:]
    for index in linked.order {
      guard let node = substituted[index] else { continue }
      guard !node.ephemeralParents.isEmpty else {
        nodes[index].sql = node.text
        nodes[index].batchSQL = node.batchText
        continue
      }
      var inherited: [(name: String, sql: String)] = []
      for parent in node.ephemeralParents {
        for item in ctes[parent] ?? [] where !inherited.contains(where: { $0.name == item.name }) {
          inherited.append(item)
        }
        let cte = quotedNames[parent]
        if !inherited.contains(where: { $0.name == cte }) {
          inherited.append((cte, substituted[parent]?.text ?? ""))
        }
      }
      ctes[index] = inherited
      nodes[index].sql = EphemeralInliner.inject(inherited, into: node.text)
      nodes[index].batchSQL = node.batchText.map { EphemeralInliner.inject(inherited, into: $0) }
    }
    // Generic tests: the model under test and relation arguments get their final names. In
    // parallel, each test changing only itself and reading relations, which are final.
    nodes.concurrentUpdate { nodes, index in
      guard nodes[index].resourceType == .test, nodes[index].genericTest != nil else { return }
      // Changed in place: binding the test copies all its fields, 20,000 times.
      let attached = attachedIndices[index]
      let modelRelation = attached >= 0 ? nodes[attached].relation : nil
      nodes[index].genericTest?.modelRelation = modelRelation
      let hasRelationArgument =
        nodes[index].genericTest?.arguments.values.contains {
          if case .relation = $0 { true } else { false }
        } ?? false
      // Moved out and back, not copied.
      guard hasRelationArgument, var test = nodes[index].genericTest.take() else { return }
      var arguments = test.arguments
      let targets = referenceTargets[index]
      for (key, value) in test.arguments {
        guard case .relation(let placeholder) = value, placeholder.index < targets.count,
          targets[placeholder.index] >= 0
        else { continue }
        let target = targets[placeholder.index]
        let relation = nodes[target].relation
        arguments[key] =
          switch placeholder.part {
          case .schema: .string(relation?.schema ?? "")
          case .identifier: .string(relation?.identifier ?? "")
          case .database: .string(relation?.database ?? "")
          // A relation object, as dbt passes (packages check `.is_cte`, `is mapping`).
          case .full:
            relation.map {
              .object(
                RelationObject(
                  database: $0.database, schema: $0.schema, identifier: $0.identifier,
                  type: nodes[target].resourceType == .source ? nil : "table", dialect: dialect))
            } ?? .string(quotedNames[target])
          }
      }
      test.arguments = arguments
      nodes[index].genericTest = test
    }
    phases.lap("inline ephemerals, test arguments")
    var compilation = Compilation(project: project, graph: graph, nodes: nodes, order: linked.order)
    compilation.needsDatabase = Self.needingDatabase(
      rendered: rendered, renderedIndices: renderedIndices, order: linked.order,
      nodes: compilation.nodes, graph: graph)
    compilation.renderEnvironment = environment
    // Only projects with unit tests pay for them.
    if !project.unitTests.isEmpty {
      guard UnitTestNodes.attach(to: &compilation, sink: tracker), !tracker.sawError else {
        return nil
      }
    }
    // And only projects with exposures or metrics for those.
    if !project.exposureFiles.isEmpty || !project.semanticFiles.isEmpty {
      compilation.exposures = ExposureReader.read(project, sink: tracker)
        .sorted { $0.uniqueID < $1.uniqueID }
      guard !tracker.sawError else { return nil }
    }
    return compilation
  }

  /// The graph indices of nodes rendered again with a connection: those whose render read
  /// `execute` or used the database, and those that inline such an ephemeral model.
  static func needingDatabase(
    rendered: [RenderedNode?], renderedIndices: [Int], order: [Int], nodes: [CompiledNode],
    graph: DependencyGraph
  ) -> Set<Int> {
    var flagged = Set<Int>()
    for index in renderedIndices.indices {
      let renderedIndex = renderedIndices[index]
      if renderedIndex >= 0, rendered[renderedIndex]?.needsDatabase == true {
        flagged.insert(index)
      }
    }
    let flaggedEphemeral = flagged.contains {
      nodes[$0].resourceType == .model && nodes[$0].config.materialization == .ephemeral
    }
    guard flaggedEphemeral else { return flagged }
    for index in order where !flagged.contains(index) {
      let inlinesFlagged = graph.parents[index].contains {
        flagged.contains($0) && nodes[$0].resourceType == .model
          && nodes[$0].config.materialization == .ephemeral
      }
      if inlinesFlagged { flagged.insert(index) }
    }
    return flagged
  }

  /// The selector's view of the node at `index` (by index: a node argument is a copy).
  static func selectable(_ nodes: [CompiledNode], _ index: Int) -> Selectable {
    var config: [String: [String]] = [:]
    for (key, value) in nodes[index].config.values {
      switch value {
      case .list(let items): config[key] = items.map { $0.stringValue ?? $0.rendered }
      case .dict: continue
      default: config[key] = [value.stringValue ?? value.rendered]
      }
    }
    let resourceType = nodes[index].resourceType
    if let testName = nodes[index].genericTest?.name { config["test_name"] = [testName] }
    // What indirect selection follows from a unit test to its model.
    if nodes[index].unitTest != nil, let model = nodes[index].dependsOn.first {
      config["unit_test_model"] = [model]
    }
    if resourceType == .model, config["materialized"] == nil {
      config["materialized"] = ["view"]
    }
    let group: String? =
      switch resourceType {
      case .source:
        nodes[index].fqn.count > 2 ? nodes[index].fqn[nodes[index].fqn.count - 2] : nil
      case .test:
        nodes[index].unitTest != nil
          ? "unit" : nodes[index].genericTest?.name == nil ? "singular" : "generic"
      default: nil
      }
    return Selectable(
      id: nodes[index].uniqueID, name: nodes[index].name, resourceType: resourceType.rawValue,
      tags: nodes[index].config.tags, path: nodes[index].originalFilePath, fqn: nodes[index].fqn,
      config: config, group: group)
  }
}

/// Measures consecutive phases for `CompileOptions.phaseTimer`.
struct PhaseClock {
  let report: (@Sendable (String, Duration) -> Void)?
  private let clock = ContinuousClock()
  private var mark: ContinuousClock.Instant

  init(report: (@Sendable (String, Duration) -> Void)?) {
    self.report = report
    mark = clock.now
  }

  /// Reports the time since the previous lap under `phase`.
  mutating func lap(_ phase: String) {
    guard let report else { return }
    let now = clock.now
    report(phase, now - mark)
    mark = now
  }
}

/// Forwards diagnostics and remembers whether any was an error.
final class ErrorTracker: DiagnosticSink {
  private let sink: any DiagnosticSink
  private let flag = AtomicFlag()

  init(forwardingTo sink: any DiagnosticSink) { self.sink = sink }

  func emit(_ diagnostic: Diagnostic) {
    if diagnostic.severity == .error { flag.set() }
    sink.emit(diagnostic)
  }

  var sawError: Bool { flag.value }
}

/// A flag any thread may raise, read once the work is done.
final class AtomicFlag: Sendable {
  private let storage = Atomic<Bool>(false)
  func set() { storage.store(true, ordering: .relaxed) }
  var value: Bool { storage.load(ordering: .relaxed) }
}

/// Replaces relation placeholders in rendered text with final names.
enum PlaceholderSubstitution {
  /// `names[i]` replaces placeholder `i`; `relations[i]` supplies `.schema` / `.identifier` parts.
  static func apply(_ text: String, names: [String], relations: [RelationName?]) -> String {
    // U+E000 is EE 80 80 in UTF-8; text without it has no placeholder to replace.
    guard text.utf8.contains(0xEE) else { return text }
    let utf8 = Array(text.utf8)
    var out: [UInt8] = []
    out.reserveCapacity(utf8.count + names.count * 24)
    var index = 0
    while index < utf8.count {
      if utf8[index] == 0xEE, index + 2 < utf8.count, utf8[index + 1] == 0x80,
        utf8[index + 2] == 0x80
      {
        var end = index + 3
        while end + 2 < utf8.count,
          !(utf8[end] == 0xEE && utf8[end + 1] == 0x80 && utf8[end + 2] == 0x81)
        { end += 1 }
        let body = String(decoding: utf8[(index + 3)..<min(end, utf8.count)], as: UTF8.self)
        let pieces = body.split(separator: ":", maxSplits: 1)
        if let number = pieces.first.flatMap({ Int($0) }), number < names.count {
          let part = pieces.count > 1 ? String(pieces[1]) : "full"
          let relation = number < relations.count ? relations[number] : nil
          let replacement: String
          switch part {
          case "schema": replacement = relation?.schema ?? ""
          case "identifier": replacement = relation?.identifier ?? names[number]
          case "database": replacement = relation?.database ?? ""
          default: replacement = names[number]
          }
          out.append(contentsOf: replacement.utf8)
          index = end + 3
          continue
        }
      }
      out.append(utf8[index])
      index += 1
    }
    return String(decoding: out, as: UTF8.self)
  }
}
