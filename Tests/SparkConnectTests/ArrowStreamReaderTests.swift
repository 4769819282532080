#if Spark
  @testable import SparkConnect
  import Testing

  @Suite struct ArrowStreamReaderTests {
    private func offsets32(_ strings: [String]) -> (offsets: [UInt8], data: [UInt8]) {
      var offsets = littleEndian(Int32(0))
      var data: [UInt8] = []
      for string in strings {
        data += Array(string.utf8)
        offsets += littleEndian(Int32(data.count))
      }
      return (offsets, data)
    }

    private func read(_ columns: [FixtureColumn], rows: Int) throws -> ArrowTextRows {
      let stream =
        ArrowFixture.schema(columns) + ArrowFixture.recordBatch(columns, rows: rows)
        + ArrowFixture.endOfStream
      var result = ArrowTextRows()
      try ArrowStreamReader.read(stream[...], into: &result)
      return result
    }

    @Test func integersAndStringsWithNulls() throws {
      let strings = offsets32(["héllo", "", "x"])
      let columns = [
        FixtureColumn(
          name: "i8", typeID: 2, typeFields: [.int32(8), .uint8(1)], validity: nil,
          buffers: [[0xFF, 7, 0x80]], length: 3),
        FixtureColumn(
          name: "i16", typeID: 2, typeFields: [.int32(16), .uint8(1)], validity: nil,
          buffers: [
            littleEndian(Int16(-300)) + littleEndian(Int16(0)) + littleEndian(Int16(32767))
          ],
          length: 3),
        FixtureColumn(
          name: "i32", typeID: 2, typeFields: [.int32(32), .uint8(1)],
          validity: [true, false, true],
          buffers: [littleEndian(Int32(42)) + littleEndian(Int32(99)) + littleEndian(Int32.min)],
          length: 3),
        FixtureColumn(
          name: "i64", typeID: 2, typeFields: [.int32(64), .uint8(1)], validity: nil,
          buffers: [littleEndian(Int64.max) + littleEndian(Int64(-1)) + littleEndian(Int64(0))],
          length: 3),
        FixtureColumn(
          name: "s", typeID: 5, typeFields: [], validity: [true, true, false],
          buffers: [strings.offsets, strings.data], length: 3),
        FixtureColumn(name: "n", typeID: 1, typeFields: [], validity: nil, buffers: [], length: 3),
      ]
      let result = try read(columns, rows: 3)
      #expect(result.fields.map(\.name) == ["i8", "i16", "i32", "i64", "s", "n"])
      #expect(result.fields[0].type == .int(bitWidth: 8, signed: true))
      #expect(
        result.rows == [
          ["-1", "-300", "42", "9223372036854775807", "héllo", nil],
          ["7", "0", nil, "-1", "", nil],
          ["-128", "32767", "-2147483648", "0", nil, nil],
        ])
    }

    @Test func floatsBooleansDatesDecimalsTimestamps() throws {
      let micros: Int64 = 1_704_164_645_123_456  // 2024-01-02 03:04:05.123456 UTC
      let columns = [
        FixtureColumn(
          name: "f32", typeID: 3, typeFields: [.int16(1)], validity: nil,
          buffers: [littleEndian(Float(1.5).bitPattern) + littleEndian(Float(-0.25).bitPattern)],
          length: 2),
        FixtureColumn(
          name: "f64", typeID: 3, typeFields: [.int16(2)], validity: nil,
          buffers: [
            littleEndian(Double(100).bitPattern) + littleEndian(Double.infinity.bitPattern)
          ],
          length: 2),
        FixtureColumn(
          name: "b", typeID: 6, typeFields: [], validity: [true, false],
          buffers: [[0b01]], length: 2),
        FixtureColumn(
          name: "d", typeID: 8, typeFields: [.int16(0)], validity: nil,
          buffers: [littleEndian(Int32(19_782)) + littleEndian(Int32(-1))], length: 2),
        FixtureColumn(
          name: "dec", typeID: 7, typeFields: [.int32(10), .int32(3), .int32(128)], validity: nil,
          buffers: [
            littleEndian(Int64(12_345)) + littleEndian(Int64(0)) + littleEndian(Int64(-5))
              + littleEndian(Int64(-1))
          ], length: 2),
        FixtureColumn(
          name: "ts", typeID: 10, typeFields: [.int16(2), .child(.string("UTC"))], validity: nil,
          buffers: [littleEndian(micros) + littleEndian(Int64(-1_000_000))], length: 2),
        FixtureColumn(
          name: "ts_ny", typeID: 10, typeFields: [.int16(2), .child(.string("America/New_York"))],
          validity: nil, buffers: [littleEndian(micros) + littleEndian(Int64(0))], length: 2),
        FixtureColumn(
          name: "ntz", typeID: 10, typeFields: [.int16(2)], validity: nil,
          buffers: [littleEndian(micros) + littleEndian(Int64(500_000))], length: 2),
      ]
      let result = try read(columns, rows: 2)
      #expect(result.fields[5].type == .timestamp(unitsPerSecond: 1_000_000, timezone: "UTC"))
      #expect(
        result.rows == [
          [
            "1.5", "100", "true", "2024-02-29", "12.345", "2024-01-02 03:04:05.123456",
            "2024-01-01 22:04:05.123456", "2024-01-02 03:04:05.123456",
          ],
          [
            "-0.25", "Infinity", nil, "1969-12-31", "-0.005", "1969-12-31 23:59:59",
            "1969-12-31 19:00:00", "1970-01-01 00:00:00.5",
          ],
        ])
    }

    @Test func largeUTF8AndSeveralBatches() throws {
      var offsets = littleEndian(Int64(0)) + littleEndian(Int64(3))
      offsets += littleEndian(Int64(6))
      let column = FixtureColumn(
        name: "big", typeID: 20, typeFields: [], validity: nil,
        buffers: [offsets, Array("abcdef".utf8)], length: 2)
      let stream =
        ArrowFixture.schema([column]) + ArrowFixture.recordBatch([column], rows: 2)
        + ArrowFixture.recordBatch([column], rows: 2)
      var result = ArrowTextRows()
      try ArrowStreamReader.read(stream[...], into: &result)
      #expect(result.rows == [["abc"], ["def"], ["abc"], ["def"]])
    }

    @Test func unsupportedTypesAndTruncatedStreamsAreErrors() throws {
      let list = FixtureColumn(
        name: "xs", typeID: 12, typeFields: [], validity: nil, buffers: [[0]], length: 1)
      #expect(throws: ArrowFormatError.self) { try read([list], rows: 1) }
      let caught = #expect(throws: ArrowFormatError.self) { try read([list], rows: 1) }
      #expect(caught?.description.contains("column xs has Arrow type List") == true)

      let column = FixtureColumn(
        name: "i", typeID: 2, typeFields: [.int32(32), .uint8(1)], validity: nil,
        buffers: [littleEndian(Int32(1))], length: 1)
      let stream = ArrowFixture.schema([column]) + ArrowFixture.recordBatch([column], rows: 1)
      var result = ArrowTextRows()
      #expect(throws: ArrowFormatError.self) {
        try ArrowStreamReader.read(stream.dropLast(12), into: &result)
      }
    }

    @Test func decimalAndCalendarEdges() {
      #expect(ArrowColumn.decimalText(5, scale: 3) == "0.005")
      #expect(ArrowColumn.decimalText(-12_345, scale: 2) == "-123.45")
      #expect(
        ArrowColumn.decimalText(Int128(Int64.max) * 1000, scale: 0) == "9223372036854775807000")
      #expect(CivilTime.dateText(daysSinceEpoch: 0) == "1970-01-01")
      #expect(CivilTime.dateText(daysSinceEpoch: -719_162) == "0001-01-01")
      #expect(CivilTime.dateText(daysSinceEpoch: 2_932_896) == "9999-12-31")
      #expect(ArrowColumn.floatText(.nan) == "NaN")
      #expect(ArrowColumn.floatText(-.infinity) == "-Infinity")
    }
  }
#endif
