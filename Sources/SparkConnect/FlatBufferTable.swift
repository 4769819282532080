#if Spark
  /// A malformed Arrow IPC stream or flatbuffer.
  public struct ArrowFormatError: Error, Sendable, CustomStringConvertible {
    /// What was wrong.
    public var description: String
  }

  /// Little-endian reads with bounds checks over a byte slice.
  struct ByteView: Sendable {
    let bytes: ArraySlice<UInt8>

    /// Index 0 is the slice's first byte.
    func integer<T: FixedWidthInteger>(
      _ type: T.Type, at offset: Int
    ) throws(ArrowFormatError) -> T {
      let size = MemoryLayout<T>.size
      guard offset >= 0, offset + size <= bytes.count else {
        throw ArrowFormatError(
          description: "read of \(size) bytes at \(offset) outside \(bytes.count) bytes")
      }
      let start = bytes.startIndex + offset
      var value: T = 0
      for index in 0..<size {
        value |= T(truncatingIfNeeded: bytes[start + index]) << (8 * index)
      }
      return value
    }

    func slice(_ offset: Int, _ length: Int) throws(ArrowFormatError) -> ArraySlice<UInt8> {
      guard offset >= 0, length >= 0, offset + length <= bytes.count else {
        throw ArrowFormatError(
          description: "range \(offset)+\(length) outside \(bytes.count) bytes")
      }
      let start = bytes.startIndex + offset
      return bytes[start..<start + length]
    }
  }

  /// One flatbuffer table: the fields Arrow's schema and record-batch messages use, read in
  /// place (vtable look-up, scalars, strings, vectors, nested tables).
  struct FlatBufferTable: Sendable {
    let view: ByteView
    /// The table's position in `view`.
    let position: Int

    /// The root table of a flatbuffer.
    static func root(of bytes: ArraySlice<UInt8>) throws(ArrowFormatError) -> FlatBufferTable {
      let view = ByteView(bytes: bytes)
      let offset = Int(try view.integer(UInt32.self, at: 0))
      return FlatBufferTable(view: view, position: offset)
    }

    /// Where field `index`'s value is, or nil when the field is absent (its default applies).
    private func fieldPosition(_ index: Int) throws(ArrowFormatError) -> Int? {
      let vtable = position - Int(try view.integer(Int32.self, at: position))
      let vtableSize = Int(try view.integer(UInt16.self, at: vtable))
      let entry = 4 + 2 * index
      guard entry + 2 <= vtableSize else { return nil }
      let offset = Int(try view.integer(UInt16.self, at: vtable + entry))
      return offset == 0 ? nil : position + offset
    }

    func scalar<T: FixedWidthInteger>(
      _ index: Int, as type: T.Type, default value: T
    ) throws(ArrowFormatError) -> T {
      guard let at = try fieldPosition(index) else { return value }
      return try view.integer(T.self, at: at)
    }

    /// The target of an offset field (table, string or vector).
    private func indirect(_ index: Int) throws(ArrowFormatError) -> Int? {
      guard let at = try fieldPosition(index) else { return nil }
      return at + Int(try view.integer(UInt32.self, at: at))
    }

    func table(_ index: Int) throws(ArrowFormatError) -> FlatBufferTable? {
      try indirect(index).map { FlatBufferTable(view: view, position: $0) }
    }

    func string(_ index: Int) throws(ArrowFormatError) -> String? {
      guard let at = try indirect(index) else { return nil }
      let length = Int(try view.integer(UInt32.self, at: at))
      return String(decoding: try view.slice(at + 4, length), as: UTF8.self)
    }

    /// A vector of tables.
    func tables(_ index: Int) throws(ArrowFormatError) -> [FlatBufferTable] {
      guard let at = try indirect(index) else { return [] }
      let count = Int(try view.integer(UInt32.self, at: at))
      var result: [FlatBufferTable] = []
      result.reserveCapacity(count)
      for element in 0..<count {
        let slot = at + 4 + 4 * element
        result.append(
          FlatBufferTable(view: view, position: slot + Int(try view.integer(UInt32.self, at: slot)))
        )
      }
      return result
    }

    /// A vector of structs made of `Int64` fields (Arrow's FieldNode and Buffer), as rows.
    func int64Structs(_ index: Int, fields: Int) throws(ArrowFormatError) -> [[Int64]] {
      guard let at = try indirect(index) else { return [] }
      let count = Int(try view.integer(UInt32.self, at: at))
      var result: [[Int64]] = []
      result.reserveCapacity(count)
      for element in 0..<count {
        let base = at + 4 + 8 * fields * element
        var row: [Int64] = []
        for field in 0..<fields {
          row.append(try view.integer(Int64.self, at: base + 8 * field))
        }
        result.append(row)
      }
      return result
    }
  }
#endif
