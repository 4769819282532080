public import Diagnostics
import Template

extension LoadedProject {
  /// The name dbt gives the node of `show --inline` (and of other inline SQL).
  public static let inlineModelName = "inline_query"

  /// The project with `sql` added as a model named `inline_query`, as `dbt show --inline`
  /// compiles it: it may `ref` any node, and its diagnostics point into `--inline`.
  public func addingInlineModel(_ sql: String) throws(Diagnostic) -> LoadedProject {
    let name = Self.inlineModelName
    if let existing = models.first(where: { $0.name == name }) {
      throw .error(
        "show.inline-name-taken",
        "the project has a model named `\(name)` (\(existing.originalFilePath)), the name of inline SQL",
        path: existing.originalFilePath, hint: "rename that model to use `--inline`")
    }
    let file = SourceFile(path: "--inline", text: sql)
    let template = try Parser.parse(file)
    let fqn = [self.name, name]
    var project = self
    // The list is kept sorted by unique id.
    let uniqueID = "model.\(self.name).\(name)"
    let position = project.models.firstIndex { $0.uniqueID > uniqueID } ?? project.models.endIndex
    project.models.insert(
      ModelNode(
        uniqueID: uniqueID, name: name, originalFilePath: "--inline",
        path: "\(name).sql", fqn: fqn, template: template, file: file,
        config: projectFile.models.resolve(fqn), patch: nil), at: position)
    return project
  }
}
