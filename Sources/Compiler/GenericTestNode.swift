public import Diagnostics
public import OrderedCollections
public import Project
import Runtime
public import Template

/// A generic test instance: one YAML declaration applied to one model, seed or source.
public struct GenericTestNode: Sendable {
  /// `test.<project>.<name>.<hash>`, as dbt's (see `GenericTestID`).
  public var uniqueID: String
  /// The readable, stable name (`not_null_stg_orders_order_id`), however long, as dbt's.
  public var name: String
  /// The name of its compiled file and its default alias: the name, or past 63 characters
  /// dbt's shortened one (the first 30 characters of `<test>_<model>` and an MD5 of the name).
  public var fileName: String
  /// Which test it runs (`not_null`, `relationships`, a custom generic test).
  public var testName: String
  /// The installed package that defines the test (`dbt_utils`); nil for the root project's
  /// and the built-in tests.
  public var testPackage: String? = nil
  /// The namespace it was called with (`dbt_utils` of `dbt_utils.at_least_one`), as dbt's
  /// `test_metadata.namespace`.
  public var namespace: String? = nil
  /// The unique id of the node under test.
  public var attachedTo: String
  /// The column under test, if any.
  public var column: String?
  /// Arguments with relation expressions (`ref('x')`) turned into placeholders.
  public var arguments: OrderedDictionary<String, Value>
  /// The arguments as written in YAML (`to: "ref('orders')"`), without `column_name`: dbt's
  /// `test_metadata.kwargs` (shares the declaration's storage; nothing is copied).
  public var writtenArguments: OrderedDictionary<String, Value> = [:]
  /// The expression of the node under test as dbt writes it (`ref('orders')`).
  public var model: String = ""
  /// The test's config.
  public var config: NodeConfig
  /// The config its YAML declaration sets, which overrides what the test's body sets with
  /// `config(...)` (the project file's does not).
  public var declaredConfig = NodeConfig()
  /// Where it is declared.
  public var range: SourceRange?
  /// Relations its arguments refer to.
  public var references: [RecordedReference]
  /// The YAML file that declares it.
  public var originalFilePath: String
  /// The relation under test, once compiled.
  public var modelRelation: RelationName?
}

/// Turns YAML test declarations into test nodes with dbt's names.
enum GenericTestBuilder {
  /// The owner of a test declaration.
  struct Owner {
    let uniqueID: String
    /// The name in the test's name: the model name, or `source_table` for sources.
    let nameInTest: String
    let isSource: Bool
    /// The expression dbt passes its tests as `model` (`ref('orders')`), part of their ids.
    let model: String
    let specs: [TestSpec]
    /// Where the linker places the owner's node (see `Linker.link`), handed to it with each
    /// test so it needs no lookup by id.
    let linkerSlot: Int
    /// The project (root or installed package) the owner belongs to, whose tests these are;
    /// read from the id once, not for each test.
    let package: String?

    init(
      uniqueID: String, nameInTest: String, isSource: Bool, model: String, specs: [TestSpec],
      linkerSlot: Int
    ) {
      self.uniqueID = uniqueID
      self.nameInTest = nameInTest
      self.isSource = isSource
      self.model = model
      self.specs = specs
      self.linkerSlot = linkerSlot
      package = UniqueIDParts.package(of: uniqueID).map(String.init)
    }
  }

  /// One test per declaration (nil where it failed, with a diagnostic), and the slot of
  /// the node each tests.
  static func build(
    owners: [Owner], environment: RenderEnvironment, projectTests: ConfigTree,
    sink: any DiagnosticSink
  ) -> (tests: [GenericTestNode?], ownerSlots: [Int]) {
    let projectName = environment.project.name
    // Each declaration is prepared on its own, in parallel (20,000 tests in a 10,000-model
    // project); names are made unique and diagnostics reported in declaration order after.
    var declarationList: [(owner: Int, spec: Int)] = []
    var ownerSlots: [Int] = []
    for owner in owners.indices {
      let slot = owners[owner].linkerSlot
      for spec in owners[owner].specs.indices {
        declarationList.append((owner, spec))
        ownerSlots.append(slot)
      }
    }
    let declarations = declarationList
    var diagnostics = [[Diagnostic]](repeating: [], count: declarations.count)
    var nameHashes = [UInt64](repeating: 0, count: declarations.count)
    // One test per declaration, nil where it failed; optional, so the linker can move each
    // one into its node (`take()`) instead of copying it. Side results are written by index.
    var tests: [GenericTestNode?] = diagnostics.withUnsafeMutableBufferPointer {
      diagnosticsBuffer in
      nameHashes.withUnsafeMutableBufferPointer { hashesBuffer in
        nonisolated(unsafe) let diagnostics = diagnosticsBuffer.baseAddress
        nonisolated(unsafe) let nameHashes = hashesBuffer.baseAddress
        return Array(declarations.indices).concurrentMap { index in
          let declaration = declarations[index]
          let result = prepare(
            owners[declaration.owner].specs[declaration.spec], of: owners[declaration.owner],
            environment: environment, projectTests: projectTests)
          diagnostics?[index] = result.diagnostics
          nameHashes?[index] = result.nameHash
          return result.node
        }
      }
    }
    var usedNames = NameTable(capacity: tests.count)
    var kept = 0
    // Through a pointer: reading an optional's field from the array copied the whole test.
    tests.withUnsafeMutableBufferPointer { buffer in
      guard let tests = buffer.baseAddress else { return }
      for index in 0..<buffer.count {
        for diagnostic in diagnostics[index] { sink.emit(diagnostic) }
        guard let baseName = tests[index]?.name else { continue }
        if !usedNames.insert(baseName, hash: nameHashes[index]) {
          let name = shorten(baseName + "_" + String(kept), force: true)
          tests[index]?.name = name
          tests[index]?.fileName = name
          let declaration = declarations[index]
          let owner = owners[declaration.owner]
          tests[index]?.uniqueID = uniqueID(
            of: owner.specs[declaration.spec], owner: owner, name: name,
            package: owner.package ?? projectName)
          tests[index]?.config = projectTests.resolve([projectName, name]).merged(
            with: owners[declaration.owner].specs[declaration.spec].config)
          if tests[index]?.config.enabled == false {
            tests[index] = nil
            continue
          }
          usedNames.insert(name, hash: StableHash.fnv1a(name))
        }
        kept += 1
      }
    }
    return (tests, ownerSlots)
  }

  /// One declaration's node (named as dbt would, before de-duplication), or its problems.
  private static func prepare(
    _ spec: TestSpec, of owner: Owner, environment: RenderEnvironment, projectTests: ConfigTree
  ) -> (node: GenericTestNode?, diagnostics: [Diagnostic], nameHash: UInt64) {
    let definition: (name: String, package: String?)
    switch resolveTest(spec.testName, at: spec.range, owner: owner, project: environment.project) {
    case .success(let found): definition = found
    case .failure(let problem): return (nil, [problem], 0)
    }
    let testName = definition.name
    var arguments = spec.arguments
    if let column = spec.column { arguments["column_name"] = .string(column) }
    // Names come from the arguments as written (`ref('x')`), like dbt's.
    let writtenArguments = arguments
    var diagnostics: [Diagnostic] = []
    var references: [RecordedReference] = []
    // Most tests (not_null, unique) have no relation argument and need no host.
    if arguments.values.contains(where: { $0.stringValue.map(isRelationExpression) ?? false }) {
      let host = RecordingHost(
        environment: environment, resource: .test, nodeName: testName, baseConfig: NodeConfig())
      for (key, value) in arguments {
        guard case .string(let text) = value, isRelationExpression(text) else { continue }
        let file = SourceFile(path: spec.range?.file.path ?? "", text: "{{ \(text) }}")
        do throws(Diagnostic) {
          let template = try Parser.parse(file)
          arguments[key] = try Evaluator(host: host, file: file).value(of: template)
        } catch {
          diagnostics.append(relocated(error, to: spec.range))
        }
      }
      diagnostics += host.problems.map { relocated($0, to: spec.range) }
      references = host.references
      // A test of a disabled model is disabled with it, as in dbt.
      if host.refersToDisabled, diagnostics.isEmpty { return (nil, [], 0) }
    }
    guard diagnostics.isEmpty else { return (nil, diagnostics, 0) }
    // dbt names a namespaced test after its namespace too: `dbt_utils_accepted_range_...`.
    let namespace =
      spec.testName.utf8.contains(UInt8(ascii: "."))
      ? spec.testName.split(separator: ".").dropLast().joined(separator: "_") : ""
    let baseName =
      (owner.isSource ? "source_" : "") + (namespace.isEmpty ? "" : namespace + "_") + testName
      + "_" + owner.nameInTest
    let (name, fileName) =
      spec.customName.map { ($0, $0) } ?? synthesizeName(baseName, writtenArguments)
    let projectName = owner.package ?? environment.project.name
    var config =
      (projectTests.children.isEmpty
      ? projectTests.config : projectTests.resolve([projectName, name])).merged(with: spec.config)
    guard config.enabled else { return (nil, [], 0) }
    // As dbt: a shortened name is the relation's alias, unless an alias is set.
    if fileName != name, config["alias"] == nil {
      config = config.merged(with: NodeConfig(["alias": .string(fileName)]))
    }
    // Made in one go: setting a field afterwards copied the whole node.
    let node = GenericTestNode(
      uniqueID: uniqueID(of: spec, owner: owner, name: name, package: projectName), name: name,
      fileName: fileName,
      testName: testName,
      testPackage: definition.package, namespace: Self.namespace(of: spec.testName)?.namespace,
      attachedTo: owner.uniqueID, column: spec.column,
      arguments: arguments, writtenArguments: spec.arguments, model: owner.model, config: config,
      declaredConfig: spec.config, range: spec.range, references: references,
      originalFilePath: spec.range?.file.path ?? "")
    return (node, [], StableHash.fnv1a(name))
  }

  /// dbt's id of the test declared by `spec` with this name.
  static func uniqueID(of spec: TestSpec, owner: Owner, name: String, package: String) -> String {
    let namespaced = namespace(of: spec.testName)
    return GenericTestID.make(
      package: package, name: name, testName: namespaced?.testName ?? spec.testName,
      namespace: namespaced?.namespace, arguments: spec.arguments, column: spec.column,
      model: owner.model)
  }

  /// dbt's namespace and test name of `dbt_utils.unique_combination_of_columns`; nil for a
  /// name without a dot.
  static func namespace(of written: String) -> (namespace: String, testName: String)? {
    guard let dot = written.utf8.firstIndex(of: UInt8(ascii: ".")) else { return nil }
    return (String(written[..<dot]), String(written[written.index(after: dot)...]))
  }

  static let builtins: Set<String> = ["not_null", "unique", "relationships", "accepted_values"]

  static func isRelationExpression(_ text: String) -> Bool {
    // Most arguments (column names) start with neither a blank, `r` nor `s`: no trimming.
    guard let first = text.utf8.first,
      first == UInt8(ascii: "r") || first == UInt8(ascii: "s") || first <= UInt8(ascii: " ")
    else { return false }
    let trimmed = text.trimmingWhitespace()
    return (trimmed.hasPrefix("ref(") || trimmed.hasPrefix("source(")) && trimmed.hasSuffix(")")
  }

  /// Points a diagnostic from a synthetic argument template at the YAML declaration instead.
  static func relocated(_ diagnostic: Diagnostic, to range: SourceRange?) -> Diagnostic {
    var copy = diagnostic
    copy.range = range
    return copy
  }

  /// dbt's scheme: `test_model` then `__`-joined argument values (sorted by argument name),
  /// non-identifier characters replaced by `_`; the full name, and the file name (the full
  /// name, or from 64 characters the first 30 of `base` and the full name's MD5).
  static func synthesizeName(_ base: String, _ arguments: OrderedDictionary<String, Value>)
    -> (name: String, fileName: String)
  {
    // Written straight into the name, without sorting a single argument (most tests have
    // only `column_name`): this runs for each of a project's tests.
    var name = base
    var separator = "_"
    func append(_ item: Value) {
      name += separator
      name += clean(item.rendered)
      separator = "__"
    }
    func appendArgument(_ key: String) {
      guard key != "model", let value = arguments[key] else { return }
      switch value {
      case .list(let list): list.forEach(append)
      case .dict(let dict): dict.values.forEach(append)
      default: append(value)
      }
    }
    if arguments.count == 1, let key = arguments.keys.first {
      appendArgument(key)
    } else {
      arguments.keys.sorted().forEach(appendArgument)
    }
    guard name.utf8.count >= 64 else { return (name, name) }
    return (name, String(base.prefix(30)) + "_" + MD5.hex(Array(name.utf8)))
  }

  private static func clean(_ text: String) -> String {
    // Identifiers, the usual case, are already clean.
    if text.utf8.allSatisfy({
      ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z"))
        || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
        || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "_")
    }) {
      return text
    }
    var result = ""
    var lastWasReplacement = false
    for scalar in text.unicodeScalars {
      if scalar.isASCII,
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_"
      {
        result.unicodeScalars.append(scalar)
        lastWasReplacement = false
      } else if !lastWasReplacement {
        result += "_"
        lastWasReplacement = true
      }
    }
    return result
  }

  static func shorten(_ name: String, force: Bool) -> String {
    guard force || name.utf8.count >= 64 else { return name }
    return String(name.prefix(30)) + "_" + StableHash.hex(name, digits: 10)
  }
}

/// Test names seen so far, found by hashes made beforehand, in parallel: a `Set<String>`
/// hashed each of 200,000 names again on one core.
private struct NameTable {
  /// Open addressing: an index into `names`, or -1 for a free place.
  private var places: [Int32]
  private var hashes: [UInt64] = []
  private var names: [String] = []
  private let shift: UInt64

  /// A table for up to twice `capacity` names (each test's name, and a new one for each
  /// duplicate), at most half full.
  init(capacity: Int) {
    var bits: UInt64 = 4
    while 1 << bits < capacity * 4 { bits += 1 }
    places = [Int32](repeating: -1, count: 1 << bits)
    shift = 64 - bits
    hashes.reserveCapacity(capacity)
    names.reserveCapacity(capacity)
  }

  /// Adds a name with its `StableHash.fnv1a`; false when it was already there.
  @discardableResult
  mutating func insert(_ name: String, hash: UInt64) -> Bool {
    // Fibonacci hashing spreads FNV's low-entropy bits over the table.
    let mask = places.count - 1
    var place = Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> shift)
    while places[place] >= 0 {
      let entry = Int(places[place])
      if hashes[entry] == hash, names[entry] == name { return false }
      place = (place + 1) & mask
    }
    places[place] = Int32(names.count)
    hashes.append(hash)
    names.append(name)
    return true
  }
}

/// A small stable hash (FNV-1a, 64 bits) for names and lock keys; not for security.
package enum StableHash {
  /// The 64-bit FNV-1a hash of the text's UTF-8 bytes.
  package static func fnv1a(_ text: String) -> UInt64 {
    var text = text
    return text.withUTF8 { fnv1a(UnsafeRawBufferPointer($0)) }
  }

  /// The 64-bit FNV-1a hash of bytes.
  package static func fnv1a(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    return hash
  }

  static func hex(_ text: String, digits: Int) -> String {
    let full = String(fnv1a(text), radix: 16)
    return String((String(repeating: "0", count: max(0, 16 - full.count)) + full).prefix(digits))
  }
}

/// Parts of a unique id (`model.<package>.<name>`), read without splitting the whole string:
/// generic `split` cost a few thousand instructions per call, for every test of a project.
enum UniqueIDParts {
  /// The package part: the text between the first and second dot, if there are both.
  static func package(of uniqueID: String) -> Substring? {
    let utf8 = uniqueID.utf8
    guard let first = utf8.firstIndex(of: UInt8(ascii: ".")) else { return nil }
    let start = utf8.index(after: first)
    guard let second = utf8[start...].firstIndex(of: UInt8(ascii: ".")) else { return nil }
    return uniqueID[start..<second]
  }
}
