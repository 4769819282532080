public import Diagnostics
public import Metrics
public import Project

extension ExposureReader {
  /// The exposures of a loaded project and of its packages (`exposure.<package>.<name>`), read
  /// on every load so that every command reports their mistakes; only projects with an
  /// `exposures:` file pay for it (and for the metrics their charts read).
  ///
  /// The project's semantic models and metrics are read (and their mistakes reported) here
  /// too, as `dbt parse` reports them; only projects that declare some pay for it.
  public static func read(_ project: LoadedProject, sink: any DiagnosticSink) -> [Exposure] {
    guard !project.exposureFiles.isEmpty || !project.semanticFiles.isEmpty else { return [] }
    let semantic = SemanticReader.read(project.semanticFiles, sink: sink)
    guard !project.exposureFiles.isEmpty else { return [] }
    // Model and source names by package, the enabled ones.
    var models: [String: Set<String>] = [:]
    for model in project.models where model.resourceType == .model && model.config.enabled {
      models[project.packageRelative(model.originalFilePath).package, default: []]
        .insert(model.name)
    }
    var sources: [String: Set<String>] = [:]
    for source in project.sources {
      let package = source.uniqueID.split(separator: ".").dropFirst().first.map(String.init)
      sources[package ?? project.name, default: []].insert(source.sourceName + "." + source.name)
    }
    var filesByPackage: [(package: String, files: [SourceFile])] = []
    for file in project.exposureFiles {
      let package = project.packageRelative(file.path).package
      if let last = filesByPackage.indices.last, filesByPackage[last].package == package {
        filesByPackage[last].files.append(file)
      } else {
        filesByPackage.append((package, [file]))
      }
    }
    var exposures: [Exposure] = []
    for (package, files) in filesByPackage {
      let isRoot = package == project.name
      let rootModels = models[project.name] ?? []
      let rootSources = sources[project.name] ?? []
      let ownModels = isRoot ? [] : models[package] ?? []
      let ownSources = isRoot ? [] : sources[package] ?? []
      var read = read(
        files, projectName: package, models: rootModels.union(ownModels),
        sources: rootSources.union(ownSources), semantic: semantic, sink: sink)
      let modelPaths =
        isRoot
        ? project.projectFile.modelPaths
        : project.packages.first { $0.name == package }?.projectFile.modelPaths ?? ["models"]
      for index in read.indices {
        var exposure = read[index]
        // dbt's paths are relative to the exposure's own project.
        exposure.path = String(project.packageRelative(exposure.path).path)
        // dbt's fqn: the file's folders below its model path.
        var folders = exposure.path.split(separator: "/").map(String.init).dropLast()
        if let base = modelPaths.first(where: { exposure.path.hasPrefix($0 + "/") }) {
          folders = folders.dropFirst(base.split(separator: "/").count)
        }
        exposure.fqn = [package] + folders + [exposure.name]
        // A package's refs and sources resolve in the root project first, as dbt's.
        if !isRoot {
          for model in exposure.dependsOn where rootModels.contains(model) {
            exposure.readPackages[model] = project.name
          }
          for source in exposure.dependsOnSources where rootSources.contains(source) {
            exposure.readPackages[source] = project.name
          }
        }
        read[index] = exposure
      }
      exposures += read
    }
    return exposures
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
