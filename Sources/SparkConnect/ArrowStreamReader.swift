#if Spark
  /// A column type of an Arrow stream, as far as this reader understands it.
  public enum ArrowType: Sendable, Equatable {
    case null
    case int(bitWidth: Int, signed: Bool)
    case floatingPoint(bitWidth: Int)
    case utf8, largeUTF8, binary, largeBinary
    case bool
    /// Date32 (days since the epoch) or Date64 (milliseconds).
    case date(milliseconds: Bool)
    case decimal(precision: Int, scale: Int, bitWidth: Int)
    /// Units per second (1, 1e3, 1e6, 1e9); `timezone` nil for a wall-clock timestamp.
    case timestamp(unitsPerSecond: Int64, timezone: String?)
    /// A type this reader cannot turn into text (nested types, intervals, ...): its Arrow name.
    case unsupported(String)
  }

  /// One column of an Arrow schema.
  public struct ArrowField: Sendable, Equatable {
    public var name: String
    public var type: ArrowType
  }

  /// Rows read from Arrow IPC streams, as PostgreSQL-style text.
  public struct ArrowTextRows: Sendable {
    /// The schema, from the stream's first Schema message.
    public var fields: [ArrowField] = []
    /// Row-major values; nil is NULL.
    public var rows: [[String?]] = []

    public init() {}
  }

  /// Reads Arrow IPC streams (a Schema message, then RecordBatch messages, optionally an
  /// end-of-stream marker) into text rows. Flatbuffer metadata is read in place; buffers must be
  /// uncompressed, which is what Spark Connect sends.
  public enum ArrowStreamReader {
    /// Appends the rows of `stream` to `result`; a schema in the stream replaces `result.fields`.
    public static func read(
      _ stream: ArraySlice<UInt8>, into result: inout ArrowTextRows
    ) throws(ArrowFormatError) {
      let view = ByteView(bytes: stream)
      var offset = 0
      while offset + 4 <= stream.count {
        var length = Int(try view.integer(Int32.self, at: offset))
        offset += 4
        if length == -1 {  // continuation marker, then the metadata length
          length = Int(try view.integer(Int32.self, at: offset))
          offset += 4
        }
        if length == 0 { return }  // end of stream
        let metadata = try view.slice(offset, length)
        offset += length
        let message = try FlatBufferTable.root(of: metadata)
        // Message: version = 0, header_type = 1, header = 2, bodyLength = 3.
        let headerType = try message.scalar(1, as: UInt8.self, default: 0)
        let bodyLength = Int(try message.scalar(3, as: Int64.self, default: 0))
        let body = try view.slice(offset, bodyLength)
        offset += bodyLength
        guard let header = try message.table(2) else { continue }
        switch headerType {
        case 1: result.fields = try readSchema(header)
        case 3: try readRecordBatch(header, body: body, fields: result.fields, into: &result.rows)
        case 2:
          throw ArrowFormatError(description: "dictionary-encoded Arrow columns are not supported")
        default: throw ArrowFormatError(description: "unexpected Arrow message type \(headerType)")
        }
      }
    }

    /// Schema: fields = 1; Field: name = 0, type_type = 2, type = 3.
    static func readSchema(_ schema: FlatBufferTable) throws(ArrowFormatError) -> [ArrowField] {
      var fields: [ArrowField] = []
      for field in try schema.tables(1) {
        let name = try field.string(0) ?? ""
        let typeID = try field.scalar(2, as: UInt8.self, default: 0)
        fields.append(ArrowField(name: name, type: try readType(typeID, try field.table(3))))
      }
      return fields
    }

    // Arrow's Type union: Null 1, Int 2, FloatingPoint 3, Binary 4, Utf8 5, Bool 6, Decimal 7,
    // Date 8, Time 9, Timestamp 10, Interval 11, List 12, Struct 13, ..., LargeBinary 19,
    // LargeUtf8 20.
    private static func readType(
      _ typeID: UInt8, _ table: FlatBufferTable?
    ) throws(ArrowFormatError) -> ArrowType {
      switch typeID {
      case 1: return .null
      case 2:
        let bits = Int(try table?.scalar(0, as: Int32.self, default: 0) ?? 0)
        let signed = try table?.scalar(1, as: UInt8.self, default: 0) ?? 0
        return .int(bitWidth: bits, signed: signed != 0)
      case 3:
        // Precision: HALF 0, SINGLE 1, DOUBLE 2.
        switch try table?.scalar(0, as: Int16.self, default: 0) ?? 0 {
        case 1: return .floatingPoint(bitWidth: 32)
        case 2: return .floatingPoint(bitWidth: 64)
        default: return .unsupported("Float16")
        }
      case 4: return .binary
      case 5: return .utf8
      case 6: return .bool
      case 7:
        let precision = Int(try table?.scalar(0, as: Int32.self, default: 0) ?? 0)
        let scale = Int(try table?.scalar(1, as: Int32.self, default: 0) ?? 0)
        let bits = Int(try table?.scalar(2, as: Int32.self, default: 128) ?? 128)
        return .decimal(precision: precision, scale: scale, bitWidth: bits)
      case 8:
        // DateUnit: DAY 0, MILLISECOND 1 (the schema's default).
        let unit = try table?.scalar(0, as: Int16.self, default: 1) ?? 1
        return .date(milliseconds: unit != 0)
      case 10:
        let unit = try table?.scalar(0, as: Int16.self, default: 0) ?? 0
        let perSecond: [Int64] = [1, 1_000, 1_000_000, 1_000_000_000]
        guard unit >= 0, Int(unit) < perSecond.count else {
          throw ArrowFormatError(description: "unknown Arrow time unit \(unit)")
        }
        return .timestamp(unitsPerSecond: perSecond[Int(unit)], timezone: try table?.string(1))
      case 19: return .largeBinary
      case 20: return .largeUTF8
      default:
        let names: [UInt8: String] = [
          9: "Time", 11: "Interval", 12: "List", 13: "Struct", 14: "Union", 15: "FixedSizeBinary",
          16: "FixedSizeList", 17: "Map", 18: "Duration", 21: "LargeList",
        ]
        return .unsupported(names[typeID] ?? "type \(typeID)")
      }
    }

    /// RecordBatch: length = 0, nodes = 1 (FieldNode: length, null_count), buffers = 2
    /// (Buffer: offset, length), compression = 3.
    private static func readRecordBatch(
      _ batch: FlatBufferTable, body: ArraySlice<UInt8>, fields: [ArrowField],
      into rows: inout [[String?]]
    ) throws(ArrowFormatError) {
      if try batch.table(3) != nil {
        throw ArrowFormatError(description: "compressed Arrow record batches are not supported")
      }
      let rowCount = Int(try batch.scalar(0, as: Int64.self, default: 0))
      let nodes = try batch.int64Structs(1, fields: 2)
      let buffers = try batch.int64Structs(2, fields: 2)
      guard nodes.count == fields.count else {
        throw ArrowFormatError(
          description: "record batch has \(nodes.count) columns, the schema \(fields.count)")
      }
      let bodyView = ByteView(bytes: body)
      var nextBuffer = 0
      func takeBuffer() throws(ArrowFormatError) -> ArraySlice<UInt8> {
        guard nextBuffer < buffers.count else {
          throw ArrowFormatError(description: "record batch has too few buffers")
        }
        let buffer = buffers[nextBuffer]
        nextBuffer += 1
        return try bodyView.slice(Int(buffer[0]), Int(buffer[1]))
      }
      let firstRow = rows.count
      rows.reserveCapacity(firstRow + rowCount)
      for _ in 0..<rowCount { rows.append(Array(repeating: nil, count: fields.count)) }
      for (columnIndex, field) in fields.enumerated() {
        let length = Int(nodes[columnIndex][0])
        guard length == rowCount else {
          throw ArrowFormatError(
            description: "column \(field.name) has \(length) of \(rowCount) rows")
        }
        if field.type == .null { continue }  // a Null column has no buffers
        let nullCount = nodes[columnIndex][1]
        let validity = try takeBuffer()
        let values = ArrowColumn(
          type: field.type, name: field.name, rows: rowCount,
          validity: nullCount == 0 || validity.isEmpty ? nil : ByteView(bytes: validity))
        try values.readText(takeBuffer) { row, text in
          rows[firstRow + row][columnIndex] = text
        }
      }
    }
  }
#endif
