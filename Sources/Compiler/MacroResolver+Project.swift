package import Project
package import Runtime

extension MacroResolver {
  /// The resolver for a loaded project: its macros, its installed packages' macros, and its
  /// `dispatch:` search orders; `adapter.dispatch` tries the target type's implementation
  /// first (`spark__dateadd` on a `spark` target), then `default__`.
  package convenience init(project: LoadedProject, adapterType: String? = nil) {
    self.init(
      projectName: project.name, projectMacros: project.macros,
      searchOrders: project.projectFile.dispatch, adapterType: adapterType ?? project.target.type,
      packageMacros: Dictionary(
        uniqueKeysWithValues: project.packages.map { ($0.name, $0.macros) }),
      packageFolders: Dictionary(
        uniqueKeysWithValues: project.packages.map { ($0.directory, $0.name) }))
  }
}
