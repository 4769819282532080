/// Text with position markers such as `⟨1⟩`, so tests place carets without counting columns.
public struct MarkedSource {
  /// The text with the markers removed.
  public let text: String
  /// Each marker's name and its UTF-8 offset in `text`.
  public let markers: [String: Int]

  /// Strips `⟨name⟩` markers out of `marked`.
  public init(_ marked: String) {
    var text = ""
    var markers: [String: Int] = [:]
    var rest = Substring(marked)
    while let open = rest.firstIndex(of: "⟨"), let close = rest[open...].firstIndex(of: "⟩") {
      text += rest[..<open]
      markers[String(rest[rest.index(after: open)..<close])] = text.utf8.count
      rest = rest[rest.index(after: close)...]
    }
    text += rest
    self.text = text
    self.markers = markers
  }

  /// The offset of a marker; traps in tests that name a marker they did not place.
  public func offset(_ name: String) -> Int {
    guard let offset = markers[name] else { preconditionFailure("no marker ⟨\(name)⟩") }
    return offset
  }
}
