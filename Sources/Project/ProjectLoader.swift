public import Diagnostics
public import OrderedCollections
public import Template

/// Reads a project directory: the project file, then every model, macro, test, seed and YAML
/// file, lexed and parsed in parallel.
public enum ProjectLoader {
  /// Loads a project; recoverable problems go to `sink`, and a project that cannot be read at
  /// all (no project file) throws.
  public static func load(
    root: String, options: LoadOptions = LoadOptions(), sink: any DiagnosticSink
  ) throws(Diagnostic) -> LoadedProject {
    // "unknown materialization" errors wait until the `{% materialization %}` blocks are read.
    let held = MaterializationDiagnostics(sink)
    do throws(Diagnostic) {
      var project = try load(root: root, options: options, heldSink: held)
      project.customMaterializations = held.release(project.customMaterializations)
      return project
    } catch {
      _ = held.release([:])
      throw error
    }
  }

  private static func load(
    root: String, options: LoadOptions, heldSink sink: MaterializationDiagnostics
  ) throws(Diagnostic) -> LoadedProject {
    var projectFile = try readProjectFile(root: root, sink: sink)
    let vars = try mergeVars(projectFile.vars, options.vars)
    let target = try chooseTarget(projectFile, root: root, options: options, sink: sink)
    let jinja = YAMLJinja(vars: vars, environment: options.environment, target: target)
    // `+schema: "{{ var('x') }}"` in the project file, rendered once vars are known.
    projectFile.models = projectFile.models.rendered(with: jinja, .model, sink: sink)
    projectFile.seeds = projectFile.seeds.rendered(with: jinja, .seed, sink: sink)

    var resources = loadResources(
      root: root, directory: "", projectFile: projectFile, rootFile: nil, jinja: jinja, sink: sink)
    let packages = loadPackages(
      root: root, rootFile: projectFile, options: options, target: target, sink: sink)
    if !packages.isEmpty { resources.add(packages.map(\.resources), docsOnly: false) }
    let allSeedFQNs = resources.seeds.map(\.fqn) + resources.disabledSeedFQNs
    let modelFQNs = resources.models.indices.filter { resources.models[$0].resourceType == .model }
      .map { resources.models[$0].fqn }
    let snapshotFQNs = resources.models.indices
      .filter { resources.models[$0].resourceType == .snapshot }.map { resources.models[$0].fqn }
    for (tree, fqns, what) in [
      (projectFile.models, modelFQNs, "models"), (projectFile.seeds, allSeedFQNs, "seeds"),
      (projectFile.snapshots, snapshotFQNs, "snapshots"),
    ] {
      for unused in tree.unusedPaths(fqns) {
        sink.emit(
          .warning(
            "project.unused-config",
            "`\(what): \(unused.path.joined(separator: "."))` applies to no \(what.dropLast())",
            at: unused.range))
      }
    }
    var loaded = LoadedProject(
      root: root, projectFile: projectFile, target: target, vars: vars, models: resources.models,
      seeds: resources.seeds, sources: resources.sources, singularTests: resources.singularTests,
      macros: resources.macros, genericTests: resources.genericTests, docs: resources.docs,
      disabledSeeds: resources.disabledSeeds, packages: packages.map(\.package))
    if !resources.unitTests.isEmpty {
      loaded.unitTests = readFixtures(
        resources.unitTests, root: root, testPaths: projectFile.testPaths, sink: sink)
    }
    loaded.customMaterializations = resources.materializations
    loaded.exposureFiles = resources.exposureFiles
    loaded.semanticFiles = resources.semanticFiles
    return loaded
  }

  /// Reads the models, seeds, tests, macros, YAML and docs of one project: the root
  /// (`directory` empty) or an installed package (`directory` its folder with a final `/`,
  /// `rootFile` the root project's file, whose configs override the package's own).
  static func loadResources(
    root: String, directory: String, projectFile: ProjectFile, rootFile: ProjectFile?,
    jinja: YAMLJinja, sink: any DiagnosticSink
  ) -> ProjectResources {
    let name = projectFile.name
    struct Work: Sendable {
      enum Kind: Sendable {
        case model(base: String)
        case macro
        case test(base: String)
        case seed(base: String)
        case snapshot(base: String)
        case yaml
        case docs
      }
      let kind: Kind
      let relativePath: String
    }
    var work: [Work] = []
    for base in projectFile.modelPaths.map({ directory + $0 }) {
      for path in FileSystem.files(
        under: root + "/" + base, suffixes: [".sql", ".yml", ".yaml", ".md"])
      {
        let relative = base + "/" + path
        if path.hasSuffix(".sql") {
          work.append(Work(kind: .model(base: base), relativePath: relative))
        } else if path.hasSuffix(".md") {
          work.append(Work(kind: .docs, relativePath: relative))
        } else {
          work.append(Work(kind: .yaml, relativePath: relative))
        }
      }
    }
    for base in projectFile.macroPaths.map({ directory + $0 }) {
      for path in FileSystem.files(
        under: root + "/" + base, suffixes: [".sql", ".md", ".yml", ".yaml"])
      where path.hasSuffix(".sql") || path.hasSuffix(".md") {
        work.append(
          Work(kind: path.hasSuffix(".md") ? .docs : .macro, relativePath: base + "/" + path))
      }
    }
    for base in projectFile.testPaths.map({ directory + $0 }) {
      for path in FileSystem.files(under: root + "/" + base, suffixes: [".sql", ".yml", ".yaml"]) {
        let relative = base + "/" + path
        if path.hasSuffix(".sql") {
          // Files under `generic/` define `{% test %}` blocks, not singular tests.
          let isGeneric = path.hasPrefix("generic/")
          work.append(Work(kind: isGeneric ? .macro : .test(base: base), relativePath: relative))
        } else {
          work.append(Work(kind: .yaml, relativePath: relative))
        }
      }
    }
    for base in projectFile.seedPaths.map({ directory + $0 }) {
      for path in FileSystem.files(
        under: root + "/" + base, suffixes: [".csv", ".json", ".ndjson", ".yml", ".yaml"])
      {
        let relative = base + "/" + path
        let isYAML = path.hasSuffix(".yml") || path.hasSuffix(".yaml")
        work.append(Work(kind: isYAML ? .yaml : .seed(base: base), relativePath: relative))
      }
    }
    for base in projectFile.docsPaths.map({ directory + $0 }) {
      for path in FileSystem.files(under: root + "/" + base, suffixes: [".md"]) {
        work.append(Work(kind: .docs, relativePath: base + "/" + path))
      }
    }
    for base in projectFile.snapshotPaths.map({ directory + $0 }) {
      for path in FileSystem.files(under: root + "/" + base, suffixes: [".sql", ".yml", ".yaml"]) {
        let relative = base + "/" + path
        work.append(
          Work(kind: path.hasSuffix(".sql") ? .snapshot(base: base) : .yaml, relativePath: relative)
        )
      }
    }

    enum Parsed: Sendable {
      /// A model, made in place in `madeModels` at this slot; whether its file defines
      /// `{% test %}` or `{% docs %}` blocks.
      case model(slot: Int, definesBlocks: Bool)
      case template(Work, SourceFile, Template?)
      case schema(SchemaFile)
      case seed(Work)
      case failed
    }
    let modelConfig = ScopedConfig(own: projectFile.models, root: rootFile?.models)
    // Models, most of the files, are made in parallel straight into their slot: carried in
    // `parsed` they were moved twice more, all their fields with them.
    var modelSlots: [Int] = []
    var modelCount = 0
    modelSlots.reserveCapacity(work.count)
    for item in work {
      if case .model = item.kind {
        modelSlots.append(modelCount)
        modelCount += 1
      } else {
        modelSlots.append(-1)
      }
    }
    let madeModels = UnsafeMutableBufferPointer<ModelNode?>.allocate(capacity: modelCount)
    madeModels.initialize(repeating: nil)
    defer { madeModels.deallocate() }
    nonisolated(unsafe) let modelOutput = madeModels
    let slots = modelSlots
    let items = work
    let parsed: [Parsed] = Array(work.indices).concurrentMap { position in
      let item = items[position]
      if case .seed = item.kind { return .seed(item) }
      let bytes: [UInt8]
      do {
        bytes = try FileSystem.read(root + "/" + item.relativePath)
      } catch let failure as FileSystem.Failure {
        sink.emit(
          .error(
            "project.unreadable", "cannot read file: \(failure.reason)", path: item.relativePath))
        return .failed
      } catch {
        return .failed
      }
      let file = SourceFile(path: item.relativePath, bytes: bytes)
      if let nul = Diagnostic.nulByte(in: file) {
        sink.emit(nul)
        // A template is still parsed, so that references to its model resolve.
        if case .yaml = item.kind { return .failed }
      }
      if case .yaml = item.kind {
        return .schema(SchemaFile.parse(file, projectName: name, sink: sink, jinja: jinja))
      }
      let template: Template?
      do throws(Diagnostic) {
        if case .docs = item.kind {
          template = try Parser.parseDocs(file)
        } else {
          template = try Parser.parse(file)
        }
      } catch {
        sink.emit(error)
        template = nil
      }
      guard case .model(let base) = item.kind else { return .template(item, file, template) }
      let path = dropPrefix(item.relativePath, base)
      let stem = splitExtension(path).stem
      let fqn = fqn(name, stem)
      let modelName = fqn.last ?? stem
      let slot = slots[position]
      // Each slot is written by exactly one worker, and read after the map has returned.
      modelOutput[slot] = ModelNode(
        uniqueID: "model.\(name).\(modelName)", name: modelName,
        originalFilePath: item.relativePath, path: path, fqn: fqn, template: template,
        file: file, config: modelConfig.resolve(fqn), patch: nil)
      let definesBlocks = !(template?.tests.isEmpty ?? true) || !(template?.docs.isEmpty ?? true)
      return .model(slot: slot, definesBlocks: definesBlocks)
    }

    let seedConfig = ScopedConfig(own: projectFile.seeds, root: rootFile?.seeds)
    let testConfig = ScopedConfig(own: projectFile.tests, root: rootFile?.tests)
    var models: [ModelNode] = []
    var seeds: [SeedNode] = []
    var singularTests: [SingularTestNode] = []
    var macros: [String: MacroDefinition] = [:]
    var genericTests: [String: MacroDefinition] = [:]
    var docs: [String: DocsBlock] = [:]
    var materializations: [String: SourceRange] = [:]
    var modelPatches: [String: ModelPatch] = [:]
    var seedPatches: [String: ModelPatch] = [:]
    var sources: [SourceNode] = []
    var snapshots: [ModelNode] = []
    var snapshotPatches: [ModelPatch] = []
    var unitTests: [UnitTestSpec] = []
    var exposureFiles: [SourceFile] = []
    var semanticFiles: [SourceFile] = []

    func record(
      _ macro: MacroDefinition, into table: inout [String: MacroDefinition], _ what: String
    ) {
      if let existing = table[macro.name] {
        let start = SourceRange(file: existing.file, span: existing.span).start
        sink.emit(
          .error(
            "project.duplicate-macro", "\(what) `\(macro.name)` is defined twice",
            at: SourceRange(file: macro.file, span: macro.span),
            notes: [
              .init(
                "first defined at \(existing.file.path):\(start.line):\(start.column)",
                at: SourceRange(file: existing.file, span: existing.span))
            ]))
        return
      }
      table[macro.name] = macro
    }

    // Reserved: growing the table rehashed every name (100,000 model descriptions).
    modelPatches.reserveCapacity(
      parsed.reduce(0) { count, item in
        if case .schema(let schema) = item { count + schema.models.count } else { count }
      })
    for item in parsed {
      switch item {
      case .failed:
        continue
      case .model(let slot, let definesBlocks):
        guard definesBlocks, let template = madeModels[slot]?.template else { continue }
        for test in template.tests { record(test, into: &genericTests, "generic test") }
        for block in template.docs { docs[block.name] = block }
      case .schema(let schema):
        for patch in schema.models { addPatch(patch, to: &modelPatches, "model", sink) }
        for patch in schema.seeds { addPatch(patch, to: &seedPatches, "seed", sink) }
        sources += schema.sources
        snapshotPatches += schema.snapshots
        unitTests += schema.unitTests
        if let file = schema.exposureFile { exposureFiles.append(file) }
        if let file = schema.semanticFile { semanticFiles.append(file) }
      case .seed(let work):
        guard case .seed(let base) = work.kind else { continue }
        let path = dropPrefix(work.relativePath, base)
        let (stem, fileExtension) = splitExtension(path)
        let fqn = fqn(name, stem)
        seeds.append(
          SeedNode(
            uniqueID: "seed.\(name).\(fqn.last ?? stem)", name: fqn.last ?? stem,
            originalFilePath: work.relativePath, path: path, fqn: fqn,
            format: SeedNode.Format(rawValue: fileExtension) ?? .csv,
            config: seedConfig.resolve(fqn), patch: nil))
      case .template(let work, let file, let template):
        for macro in template?.macros ?? [] {
          if case .macro = work.kind { record(macro, into: &macros, "macro") }
        }
        if case .macro = work.kind, let file = template?.file {
          for block in template?.materializations ?? [] {
            let range = SourceRange(file: file, span: block.span)
            if ConfigSchema.materializations.contains(block.name) {
              sink.emit(.builtInMaterializationBlock(block.name, at: range))
            } else if materializations[block.name] == nil {
              materializations[block.name] = range
            }
          }
        }
        for test in template?.tests ?? [] { record(test, into: &genericTests, "generic test") }
        for block in template?.docs ?? [] { docs[block.name] = block }
        switch work.kind {
        case .snapshot(let base):
          snapshots += snapshotNodes(
            template, file: file, path: dropPrefix(work.relativePath, base),
            relativePath: work.relativePath, project: name, config: projectFile.snapshots,
            sink: sink)
        case .test(let base):
          let path = dropPrefix(work.relativePath, base)
          let stem = splitExtension(path).stem
          let fqn = fqn(name, stem)
          singularTests.append(
            SingularTestNode(
              uniqueID: "test.\(name).\(fqn.last ?? stem)", name: fqn.last ?? stem,
              originalFilePath: work.relativePath, path: path, fqn: fqn, template: template,
              file: file, config: testConfig.resolve(fqn)))
        default:
          continue
        }
      }
    }

    // Moved out of their slots, in file order, not copied.
    models.reserveCapacity(modelCount)
    for slot in madeModels.indices {
      if let model = madeModels.moveElement(from: slot) { models.append(model) }
    }
    if !snapshots.isEmpty || !snapshotPatches.isEmpty {
      models += attachSnapshotPatches(
        snapshotPatches, to: snapshots, project: name, config: projectFile.snapshots,
        jinja: jinja, docs: docs, sink: sink)
    }
    // Sorted in place and read by index: copies retain every field of 10,000 models.
    models.sort { $0.uniqueID < $1.uniqueID }
    models = dedupe(models, sink) { ($0.uniqueID, $0.originalFilePath, $0.file) }
    seeds.sort { $0.uniqueID < $1.uniqueID }
    sources.sort { $0.uniqueID < $1.uniqueID }
    singularTests.sort { $0.uniqueID < $1.uniqueID }

    let modelNames = Set(models.indices.map { models[$0].name })
    for index in sources.indices {
      if YAMLJinja.holdsJinja(sources[index].description) {
        sources[index].description = jinja.describe(
          sources[index].description, docs: docs, at: sources[index].range, sink: sink)
      }
      for column in sources[index].columns.indices
      where YAMLJinja.holdsJinja(sources[index].columns[column].description) {
        sources[index].columns[column].description = jinja.describe(
          sources[index].columns[column].description, docs: docs,
          at: sources[index].columns[column].range, sink: sink)
      }
    }
    for index in models.indices where models[index].resourceType == .model {
      if let patch = modelPatches.removeValue(forKey: models[index].name) {
        models[index].patch = jinja.describe(patch, docs: docs, sink: sink)
        models[index].config = models[index].config.merged(with: patch.config)
        ConstraintReader.warnIfUnenforced(models[index], sink: sink)
      }
    }
    for index in seeds.indices {
      if let patch = seedPatches.removeValue(forKey: seeds[index].name) {
        seeds[index].patch = jinja.describe(patch, docs: docs, sink: sink)
        seeds[index].config = seeds[index].config.merged(with: patch.config)
      }
    }
    let seedNames = Set(seeds.map(\.name))
    for patch in modelPatches.values.sorted(by: { $0.name < $1.name }) {
      if seedNames.contains(patch.name),
        let index = seeds.firstIndex(where: { $0.name == patch.name })
      {
        sink.emit(.wrongResourceKey(patch, is: "seed", under: "models", belongs: "seeds"))
        seeds[index].patch = patch.tests(addedTo: seeds[index].patch)
        continue
      }
      sink.emit(
        .warning(
          "schema.unknown-model",
          "YAML describes model `\(patch.name)`, but no such model file exists",
          at: patch.range, hint: Suggestions.didYouMean(patch.name, in: modelNames)))
    }
    for patch in seedPatches.values.sorted(by: { $0.name < $1.name }) {
      if modelNames.contains(patch.name),
        let index = models.firstIndex(where: { $0.name == patch.name })
      {
        sink.emit(.wrongResourceKey(patch, is: "model", under: "seeds", belongs: "models"))
        models[index].patch = patch.tests(addedTo: models[index].patch)
        continue
      }
      sink.emit(
        .warning(
          "schema.unknown-seed",
          "YAML describes seed `\(patch.name)`, but no such seed file exists",
          at: patch.range, hint: Suggestions.didYouMean(patch.name, in: seeds.map(\.name))))
    }
    // A disabled seed is neither loaded nor listed (after the checks above, which its config
    // paths and YAML count for).
    // dbt's older form of a generic test is a macro named `test_<name>` (dbt_utils' are).
    for (macroName, macro) in macros where macroName.hasPrefix("test_") {
      let testName = String(macroName.dropFirst(5))
      if genericTests[testName] == nil { genericTests[testName] = macro }
    }
    // And dbt names a `{% test x %}` block's macro `test_x`: packages call one another's tests
    // so (`dbt_expectations.test_expect_compound_columns_to_be_unique(...)`).
    for (testName, test) in genericTests where macros["test_" + testName] == nil {
      macros["test_" + testName] = test
    }
    let disabled = seeds.filter { !$0.config.enabled }
    if !disabled.isEmpty { seeds.removeAll { !$0.config.enabled } }
    return ProjectResources(
      models: models, seeds: seeds, sources: sources, singularTests: singularTests,
      macros: macros, genericTests: genericTests, docs: docs,
      disabledSeeds: Set(disabled.map(\.name)), disabledSeedFQNs: disabled.map(\.fqn),
      unitTests: unitTests.sorted { ($0.model, $0.name) < ($1.model, $1.name) },
      materializations: materializations,
      exposureFiles: exposureFiles.sorted { $0.path < $1.path },
      semanticFiles: semanticFiles.sorted { $0.path < $1.path })
  }

  public static func readProjectFile(
    root: String, directory: String = "", sink: any DiagnosticSink
  )
    throws(Diagnostic) -> ProjectFile
  {
    for name in ["project.yml", "dbt_project.yml"] {
      let candidate = directory + name
      let path = root + "/" + candidate
      guard FileSystem.exists(path) else { continue }
      let bytes: [UInt8]
      do {
        bytes = try FileSystem.read(path)
      } catch {
        throw .error(
          "project.unreadable", "cannot read the project file: \(error.reason)", path: candidate)
      }
      let file = SourceFile(path: candidate, bytes: bytes)
      if let nul = Diagnostic.nulByte(in: file) { throw nul }
      return try ProjectFile.parse(file, isPackage: !directory.isEmpty, sink: sink)
    }
    throw .error(
      "project.missing", "no `project.yml` or `dbt_project.yml` in `\(root)`",
      hint: "run swdbt from a project's root or pass `--project-dir DIR`")
  }

  static func mergeVars(
    _ projectVars: OrderedDictionary<String, Value>, _ cliVars: String?
  ) throws(Diagnostic) -> OrderedDictionary<String, Value> {
    guard let cliVars, !cliVars.trimmingWhitespace().isEmpty else { return projectVars }
    let document = try YAMLDocument.parse(SourceFile(path: "--vars", text: cliVars))
    guard let root = document.root, case .dict(let overrides) = YAMLDocument.value(of: root) else {
      throw .error(
        "project.invalid-vars", "`--vars` must be a YAML or JSON mapping", path: "--vars",
        hint: "for example: --vars '{\"start_date\": \"2024-01-01\"}'")
    }
    return projectVars.merging(overrides) { $1 }
  }

  /// Reads a profile alone, for `debug --connection --profile P`, which checks the profile
  /// whatever state the project file is in.
  public static func checkProfile(
    _ profile: String, root: String, options: LoadOptions
  ) throws(Diagnostic) {
    _ = try Profiles.read(
      profile: profile, at: nil, root: root, options: options, sink: CollectingSink())
  }

  private static func chooseTarget(
    _ projectFile: ProjectFile, root: String, options: LoadOptions, sink: any DiagnosticSink
  ) throws(Diagnostic) -> TargetConfig {
    var targets = projectFile.targets
    var defaultName = projectFile.defaultTarget
    var defaultRange = projectFile.defaultTargetRange
    var targetsRange = projectFile.targetsRange
    var declaredIn = "the project file"
    if targets.isEmpty, let profile = options.profileName ?? projectFile.profile,
      let fromProfiles = try Profiles.read(
        profile: profile, at: projectFile.profileRange, root: root, options: options, sink: sink)
    {
      targets = fromProfiles.targets
      defaultName = fromProfiles.defaultName
      defaultRange = fromProfiles.defaultRange
      targetsRange = fromProfiles.outputsRange
      declaredIn = "profiles.yml (profile `\(profile)`)"
    }
    let name = options.targetName ?? defaultName ?? targets.keys.first ?? "local"
    if let target = targets[name] { return target }
    if name == "local", targets.isEmpty { return .embeddedDefault() }
    // A name from `--target` is checked against the declared targets; one from `target:`
    // points at itself.
    let range = options.targetName == nil ? defaultRange ?? targetsRange : targetsRange
    throw .error(
      "project.unknown-target", "unknown target `\(name)`", at: range,
      path: range == nil ? projectFile.file.path : nil,
      hint: Suggestions.didYouMean(name, in: targets.keys)
        ?? "declare it under `targets:` in \(declaredIn)")
  }

  private static func addPatch(
    _ patch: ModelPatch, to patches: inout [String: ModelPatch], _ what: String,
    _ sink: any DiagnosticSink
  ) {
    if let existing = patches[patch.name] {
      let start = existing.range.start
      sink.emit(
        .error(
          "schema.duplicate", "\(what) `\(patch.name)` is described twice", at: patch.range,
          notes: [
            .init(
              "first described at \(existing.range.file.path):\(start.line):\(start.column)",
              at: existing.range)
          ]))
      return
    }
    patches[patch.name] = patch
  }

  private static func dedupe<T>(
    _ nodes: [T], _ sink: any DiagnosticSink, _ key: (T) -> (String, String, SourceFile)
  ) -> [T] {
    let hasDuplicate = nodes.indices.dropFirst().contains {
      key(nodes[$0 - 1]).0 == key(nodes[$0]).0
    }
    guard hasDuplicate else { return nodes }
    var result: [T] = []
    var previous: (String, String)?
    for node in nodes {
      let (id, path, file) = key(node)
      if let previous, previous.0 == id {
        sink.emit(
          .error(
            "project.duplicate-model",
            "two models are named `\(id.split(separator: ".").last ?? "")`",
            at: SourceRange(file: file, span: Span(start: 0, end: 0)),
            notes: [.init("the other one is \(previous.1)")],
            hint: "model names must be unique across folders"))
        continue
      }
      previous = (id, path)
      result.append(node)
    }
    return result
  }

  // Paths are cut as bytes: the `Character` operations of `String` (`dropFirst`, `split`,
  // `lastIndex(of:)`) walk graphemes, and were a tenth of loading 10,000 models.

  static func splitExtension(_ path: String) -> (stem: String, fileExtension: String) {
    let utf8 = path.utf8
    guard let dot = utf8.lastIndex(of: UInt8(ascii: ".")),
      !utf8[dot...].contains(UInt8(ascii: "/"))
    else { return (path, "") }
    return (String(path[..<dot]), String(path[utf8.index(after: dot)...]))
  }

  /// `path` without `base` and the slash after it.
  static func dropPrefix(_ path: String, _ base: String) -> String {
    let utf8 = path.utf8
    let start = utf8.index(utf8.startIndex, offsetBy: min(base.utf8.count + 1, utf8.count))
    return String(path[start...])
  }

  /// `[project]` and the `/`-separated components of a path: a node's fqn, made in one array.
  static func fqn(_ project: String, _ path: String) -> [String] {
    var fqn = [project]
    fqn.reserveCapacity(4)
    for part in path.utf8.split(separator: UInt8(ascii: "/")) {
      fqn.append(String(decoding: part, as: UTF8.self))
    }
    return fqn
  }
}
