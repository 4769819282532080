import Template

/// A semantic version (`1.3.0`, `0.10.1`, `1.0.0-b2`) as dbt packages and `require-dbt-version`
/// write them.
public struct PackageVersion: Sendable, Comparable, CustomStringConvertible {
  /// Major, minor and patch numbers.
  public var numbers: [Int]
  /// A pre-release suffix (`b2`, `rc1`), empty for a release.
  public var prerelease: String

  /// The dbt version whose behaviour swdbt follows, checked against `require-dbt-version`.
  public static let dbtCompatible = PackageVersion(numbers: [1, 9, 0], prerelease: "")

  /// Parses `1.2.3`, `v1.2`, `1.0.0-b2`; nil when it is not a version.
  public init?(_ text: String) {
    var body = Substring(text.trimmingWhitespace())
    if body.first == "v" { body = body.dropFirst() }
    let parts = body.split(separator: "-", maxSplits: 1)
    guard let core = parts.first else { return nil }
    var numbers: [Int] = []
    for piece in core.split(separator: ".", omittingEmptySubsequences: false) {
      guard let number = Int(piece), number >= 0 else { return nil }
      numbers.append(number)
    }
    guard (1...3).contains(numbers.count) else { return nil }
    while numbers.count < 3 { numbers.append(0) }
    self.numbers = numbers
    prerelease = parts.count > 1 ? String(parts[1]) : ""
  }

  /// Creates a version from its parts.
  public init(numbers: [Int], prerelease: String) {
    self.numbers = numbers
    self.prerelease = prerelease
  }

  /// `1.2.3` or `1.2.3-b1`.
  public var description: String {
    numbers.map(String.init).joined(separator: ".") + (prerelease.isEmpty ? "" : "-" + prerelease)
  }

  /// Versions order by their numbers; a pre-release comes before its release.
  public static func < (left: PackageVersion, right: PackageVersion) -> Bool {
    if left.numbers != right.numbers {
      return left.numbers.lexicographicallyPrecedes(right.numbers)
    }
    if left.prerelease.isEmpty || right.prerelease.isEmpty { return !left.prerelease.isEmpty }
    return left.prerelease < right.prerelease
  }
}

/// A version range as dbt writes it: one constraint (`>=1.0.0`) or a list of them, all of which
/// must hold (`[">=1.0.0", "<2.0.0"]`); a bare version means exactly that version.
public struct VersionRange: Sendable, CustomStringConvertible {
  /// One comparison.
  public struct Constraint: Sendable {
    /// `>=`, `>`, `<=`, `<`, `==`.
    public var comparison: String
    /// The version compared with.
    public var version: PackageVersion
  }

  /// The constraints, all of which must hold.
  public var constraints: [Constraint]
  /// The range as written.
  public var description: String

  /// Parses the constraints; nil with the piece that is not one.
  public static func parse(_ texts: [String]) -> Result<VersionRange, RangeError> {
    var constraints: [Constraint] = []
    for text in texts {
      let trimmed = text.trimmingWhitespace()
      var comparison = "=="
      var rest = Substring(trimmed)
      for candidate in [">=", "<=", "==", ">", "<", "="] where rest.hasPrefix(candidate) {
        comparison = candidate == "=" ? "==" : candidate
        rest = rest.dropFirst(candidate.count)
        break
      }
      guard let version = PackageVersion(String(rest)) else {
        return .failure(RangeError(piece: trimmed))
      }
      constraints.append(Constraint(comparison: comparison, version: version))
    }
    return .success(
      VersionRange(constraints: constraints, description: texts.joined(separator: ", ")))
  }

  /// A piece of a version range that is not a comparison with a version.
  public struct RangeError: Error, Sendable {
    /// The piece as written.
    public var piece: String
  }

  /// Whether a version satisfies every constraint.
  public func contains(_ version: PackageVersion) -> Bool {
    constraints.allSatisfy { constraint in
      switch constraint.comparison {
      case ">=": version >= constraint.version
      case ">": version > constraint.version
      case "<=": version <= constraint.version
      case "<": version < constraint.version
      default: version == constraint.version
      }
    }
  }
}
