#if Spark
  // Builds Arrow IPC streams byte by byte for the reader's unit tests: a small flatbuffer writer
  // (laid out front to back, which flatbuffers allow: offsets only have to point forward) and
  // the Schema / RecordBatch messages around it.

  /// A flatbuffer value to write.
  indirect enum FlatNode {
    /// A table; nil slots are absent fields.
    case table([FlatField?])
    case string(String)
    case tables([FlatNode])
    /// A vector of structs, each already as bytes.
    case structs([[UInt8]])
  }

  /// One table field: inline bytes or an offset to a child.
  enum FlatField {
    case scalar([UInt8])
    case child(FlatNode)

    static func int16(_ value: Int16) -> Self { .scalar(littleEndian(value)) }
    static func int32(_ value: Int32) -> Self { .scalar(littleEndian(value)) }
    static func int64(_ value: Int64) -> Self { .scalar(littleEndian(value)) }
    static func uint8(_ value: UInt8) -> Self { .scalar([value]) }
  }

  func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
  }

  struct FlatWriter {
    var bytes: [UInt8] = []

    /// A whole flatbuffer whose root is `root`.
    static func buffer(_ root: FlatNode) -> [UInt8] {
      var writer = FlatWriter()
      writer.bytes = [0, 0, 0, 0]
      let position = writer.write(root)
      writer.patch(at: 0, target: position)
      return writer.bytes
    }

    private mutating func patch(at slot: Int, target: Int) {
      let offset = littleEndian(UInt32(target - slot))
      bytes.replaceSubrange(slot..<slot + 4, with: offset)
    }

    private mutating func align(_ size: Int) {
      while bytes.count % size != 0 { bytes.append(0) }
    }

    /// Writes `node` at the end; returns its position.
    private mutating func write(_ node: FlatNode) -> Int {
      switch node {
      case .string(let text):
        align(4)
        let position = bytes.count
        bytes += littleEndian(UInt32(text.utf8.count)) + Array(text.utf8) + [0]
        return position
      case .structs(let rows):
        align(8)
        let position = bytes.count
        bytes += littleEndian(UInt32(rows.count))
        for row in rows { bytes += row }
        return position
      case .tables(let children):
        align(4)
        let position = bytes.count
        bytes += littleEndian(UInt32(children.count))
        let slots = children.indices.map { position + 4 + 4 * $0 }
        bytes += Array(repeating: 0, count: 4 * children.count)
        for (slot, child) in zip(slots, children) { patch(at: slot, target: write(child)) }
        return position
      case .table(let fields):
        // vtable: its size, the table's size, one offset per field.
        var layout: [Int] = []
        var tableSize = 4
        for field in fields {
          guard let field else {
            layout.append(0)
            continue
          }
          layout.append(tableSize)
          switch field {
          case .scalar(let value): tableSize += value.count
          case .child: tableSize += 4
          }
        }
        align(4)
        let vtable = bytes.count
        bytes += littleEndian(UInt16(4 + 2 * fields.count)) + littleEndian(UInt16(tableSize))
        for offset in layout { bytes += littleEndian(UInt16(offset)) }
        align(4)
        let table = bytes.count
        bytes += littleEndian(Int32(table - vtable))
        var pending: [(slot: Int, node: FlatNode)] = []
        for field in fields {
          switch field {
          case .scalar(let value)?: bytes += value
          case .child(let node)?:
            pending.append((bytes.count, node))
            bytes += [0, 0, 0, 0]
          case nil: break
          }
        }
        for (slot, node) in pending { patch(at: slot, target: write(node)) }
        return table
      }
    }
  }

  /// An Arrow column for a fixture batch.
  struct FixtureColumn {
    var name: String
    /// Type union id and the type table's fields.
    var typeID: UInt8
    var typeFields: [FlatField?]
    /// Validity bits (nil: no nulls), then the column's other buffers.
    var validity: [Bool]?
    var buffers: [[UInt8]]
    var length: Int
  }

  enum ArrowFixture {
    /// One encapsulated message: continuation marker, metadata length, metadata, body.
    static func message(headerType: UInt8, header: FlatNode, body: [UInt8]) -> [UInt8] {
      // Message: version = 0 (V5 = 4), header_type = 1, header = 2, bodyLength = 3.
      var metadata = FlatWriter.buffer(
        .table([
          .int16(4), .uint8(headerType), .child(header), .int64(Int64(body.count)),
        ]))
      while metadata.count % 8 != 0 { metadata.append(0) }
      return littleEndian(Int32(-1)) + littleEndian(Int32(metadata.count)) + metadata + body
    }

    static func schema(_ columns: [FixtureColumn]) -> [UInt8] {
      let fields = columns.map { column in
        FlatNode.table([
          .child(.string(column.name)), .uint8(1), .uint8(column.typeID),
          .child(.table(column.typeFields)), nil, .child(.tables([])),
        ])
      }
      return message(headerType: 1, header: .table([.int16(0), .child(.tables(fields))]), body: [])
    }

    static func recordBatch(_ columns: [FixtureColumn], rows: Int) -> [UInt8] {
      var body: [UInt8] = []
      var buffers: [[UInt8]] = []
      var nodes: [[UInt8]] = []
      func add(_ buffer: [UInt8]) {
        buffers.append(littleEndian(Int64(body.count)) + littleEndian(Int64(buffer.count)))
        body += buffer
        while body.count % 8 != 0 { body.append(0) }
      }
      for column in columns {
        let nulls = column.validity?.filter { !$0 }.count ?? 0
        nodes.append(littleEndian(Int64(column.length)) + littleEndian(Int64(nulls)))
        if column.typeID == 1 { continue }  // Null: no buffers
        add(column.validity.map(bitmap) ?? [])
        for buffer in column.buffers { add(buffer) }
      }
      let header = FlatNode.table([
        .int64(Int64(rows)), .child(.structs(nodes)), .child(.structs(buffers)),
      ])
      return message(headerType: 3, header: header, body: body)
    }

    static func bitmap(_ bits: [Bool]) -> [UInt8] {
      var bytes = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
      for (index, bit) in bits.enumerated() where bit { bytes[index / 8] |= 1 << UInt8(index % 8) }
      return bytes
    }

    static let endOfStream = littleEndian(Int32(-1)) + littleEndian(Int32(0))
  }
#endif
