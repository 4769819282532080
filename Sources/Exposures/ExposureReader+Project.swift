public import Diagnostics
public import Metrics
public import Project

extension ExposureReader {
  /// The exposures of a loaded project, read on every load so that every command reports
  /// their mistakes; only projects with an `exposures:` file pay for it (and for the metrics
  /// their charts read).
  public static func read(_ project: LoadedProject, sink: any DiagnosticSink) -> [Exposure] {
    guard !project.exposureFiles.isEmpty else { return [] }
    let semantic = semanticManifest(project)
    var models: Set<String> = []
    for model in project.models
    where model.resourceType == .model && model.config.enabled
      && project.packageRelative(model.originalFilePath).package == project.name
    {
      models.insert(model.name)
    }
    let sources = Set(
      project.sources.map { $0.sourceName + "." + $0.name })
    var exposures = read(
      project.exposureFiles, projectName: project.name, models: models, sources: sources,
      semantic: semantic, sink: sink)
    for index in exposures.indices {
      // dbt's fqn: the file's folders below its model path.
      var folders = exposures[index].path.split(separator: "/").map(String.init).dropLast()
      if let base = project.projectFile.modelPaths.first(where: {
        exposures[index].path.hasPrefix($0 + "/")
      }) {
        folders = folders.dropFirst(base.split(separator: "/").count)
      }
      exposures[index].fqn = [project.name] + folders + [exposures[index].name]
    }
    return exposures
  }

  /// The metrics and semantic models of the project's properties files. Their own mistakes
  /// are reported by `swdbt query` and `docs generate`, which run them; here an exposure only
  /// needs their names, and a metric missing for that is reported at the exposure.
  public static func semanticManifest(_ project: LoadedProject) -> SemanticManifest {
    SemanticReader.read(propertiesFiles(project), sink: CollectingSink())
  }

  /// Every YAML file under the project's model paths.
  public static func propertiesFiles(_ project: LoadedProject) -> [SourceFile] {
    var files: [SourceFile] = []
    for directory in project.projectFile.modelPaths {
      let absolute = project.root + "/" + directory
      for path in FileSystem.files(under: absolute, suffixes: [".yml", ".yaml"]) {
        guard let bytes = try? FileSystem.read(absolute + "/" + path) else { continue }
        files.append(SourceFile(path: directory + "/" + path, bytes: bytes))
      }
    }
    return files
  }
}
