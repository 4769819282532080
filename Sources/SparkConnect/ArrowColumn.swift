#if Spark
  import Foundation

  /// One column of a record batch, turned into PostgreSQL's text forms: numbers as digits,
  /// booleans `true`/`false`, dates `YYYY-MM-DD`, timestamps `YYYY-MM-DD HH:MM:SS[.ffffff]`
  /// (in the column's time zone when it has one, as Spark shows them), binary as `\x` hex.
  struct ArrowColumn {
    let type: ArrowType
    let name: String
    let rows: Int
    /// nil when every value is valid.
    let validity: ByteView?

    private func isValid(_ row: Int) throws(ArrowFormatError) -> Bool {
      guard let validity else { return true }
      let byte = try validity.integer(UInt8.self, at: row >> 3)
      return byte & (1 << UInt8(row & 7)) != 0
    }

    /// Reads the column's buffers (after validity) with `takeBuffer`, calling `emit` per row.
    func readText(
      _ takeBuffer: () throws(ArrowFormatError) -> ArraySlice<UInt8>,
      emit: (_ row: Int, _ text: String?) -> Void
    ) throws(ArrowFormatError) {
      switch type {
      case .null:
        return
      case .int(let bits, let signed):
        let data = ByteView(bytes: try takeBuffer())
        try each(emit) { row throws(ArrowFormatError) in
          try Self.integerText(data, row: row, bits: bits, signed: signed)
        }
      case .floatingPoint(let bits):
        let data = ByteView(bytes: try takeBuffer())
        try each(emit) { row throws(ArrowFormatError) in
          if bits == 32 {
            let value = Float(bitPattern: try data.integer(UInt32.self, at: row * 4))
            // Float's own shortest digits (1.1, not 1.100000023841858), as PostgreSQL's float4.
            return Self.floatText(
              value.description, isNaN: value.isNaN, infinite: value.isInfinite, negative: value < 0
            )
          }
          let value = Double(bitPattern: try data.integer(UInt64.self, at: row * 8))
          return Self.floatText(value)
        }
      case .bool:
        let data = ByteView(bytes: try takeBuffer())
        try each(emit) { row throws(ArrowFormatError) in
          let byte = try data.integer(UInt8.self, at: row >> 3)
          return byte & (1 << UInt8(row & 7)) != 0 ? "true" : "false"
        }
      case .utf8, .binary, .largeUTF8, .largeBinary:
        let large = type == .largeUTF8 || type == .largeBinary
        let offsets = ByteView(bytes: try takeBuffer())
        let data = ByteView(bytes: try takeBuffer())
        let text = type == .utf8 || type == .largeUTF8
        try each(emit) { row throws(ArrowFormatError) in
          let start: Int
          let end: Int
          if large {
            start = Int(try offsets.integer(Int64.self, at: row * 8))
            end = Int(try offsets.integer(Int64.self, at: row * 8 + 8))
          } else {
            start = Int(try offsets.integer(Int32.self, at: row * 4))
            end = Int(try offsets.integer(Int32.self, at: row * 4 + 4))
          }
          let bytes = try data.slice(start, end - start)
          return text ? String(decoding: bytes, as: UTF8.self) : Self.hexText(bytes)
        }
      case .date(let milliseconds):
        let data = ByteView(bytes: try takeBuffer())
        try each(emit) { row throws(ArrowFormatError) in
          let days =
            milliseconds
            ? Self.floorDivide(try data.integer(Int64.self, at: row * 8), 86_400_000)
            : Int64(try data.integer(Int32.self, at: row * 4))
          return CivilTime.dateText(daysSinceEpoch: days)
        }
      case .decimal(_, let scale, let bits):
        guard bits == 128 else {
          throw ArrowFormatError(description: "column \(name): Decimal\(bits) is not supported")
        }
        let data = ByteView(bytes: try takeBuffer())
        try each(emit) { row throws(ArrowFormatError) in
          let low = try data.integer(UInt64.self, at: row * 16)
          let high = try data.integer(Int64.self, at: row * 16 + 8)
          return Self.decimalText(Int128(high) << 64 | Int128(low), scale: scale)
        }
      case .timestamp(let perSecond, let timezone):
        let data = ByteView(bytes: try takeBuffer())
        let zone = try timezone.map { (name) throws(ArrowFormatError) in try Self.zone(name) }
        try each(emit) { row throws(ArrowFormatError) in
          let value = try data.integer(Int64.self, at: row * 8)
          var seconds = Self.floorDivide(value, perSecond)
          let fraction = value - seconds * perSecond
          if let zone, zone != .gmt {
            seconds += Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds))))
          }
          return CivilTime.timestampText(
            seconds: seconds, fraction: fraction, unitsPerSecond: perSecond)
        }
      case .unsupported(let arrowName):
        throw ArrowFormatError(
          description:
            "column \(name) has Arrow type \(arrowName), which swdbt cannot read as text "
            + "(cast it to a string in the query, e.g. to_json(...))")
      }
    }

    private func each(
      _ emit: (_ row: Int, _ text: String?) -> Void,
      _ text: (_ row: Int) throws(ArrowFormatError) -> String
    ) throws(ArrowFormatError) {
      for row in 0..<rows {
        emit(row, try isValid(row) ? try text(row) : nil)
      }
    }

    private static func integerText(
      _ data: ByteView, row: Int, bits: Int, signed: Bool
    ) throws(ArrowFormatError) -> String {
      switch (bits, signed) {
      case (8, true): String(try data.integer(Int8.self, at: row))
      case (16, true): String(try data.integer(Int16.self, at: row * 2))
      case (32, true): String(try data.integer(Int32.self, at: row * 4))
      case (64, true): String(try data.integer(Int64.self, at: row * 8))
      case (8, false): String(try data.integer(UInt8.self, at: row))
      case (16, false): String(try data.integer(UInt16.self, at: row * 2))
      case (32, false): String(try data.integer(UInt32.self, at: row * 4))
      case (64, false): String(try data.integer(UInt64.self, at: row * 8))
      default: throw ArrowFormatError(description: "unsupported integer width \(bits)")
      }
    }

    /// PostgreSQL's float text: shortest round-trip digits, no `.0` on integral values.
    static func floatText(_ value: Double) -> String {
      floatText(
        value.description, isNaN: value.isNaN, infinite: value.isInfinite, negative: value < 0)
    }

    static func floatText(_ description: String, isNaN: Bool, infinite: Bool, negative: Bool)
      -> String
    {
      if isNaN { return "NaN" }
      if infinite { return negative ? "-Infinity" : "Infinity" }
      return description.hasSuffix(".0") ? String(description.dropLast(2)) : description
    }

    static func decimalText(_ unscaled: Int128, scale: Int) -> String {
      let negative = unscaled < 0
      var digits = String(unscaled.magnitude)
      guard scale > 0 else {
        return (negative ? "-" : "") + digits + String(repeating: "0", count: -scale)
      }
      if digits.count <= scale {
        digits = String(repeating: "0", count: scale - digits.count + 1) + digits
      }
      digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
      return (negative ? "-" : "") + digits
    }

    private static func hexText(_ bytes: ArraySlice<UInt8>) -> String {
      let digits = Array("0123456789abcdef".utf8)
      var text: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
      for byte in bytes {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 15)])
      }
      return String(decoding: text, as: UTF8.self)
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
      let quotient = value / divisor
      return value % divisor < 0 ? quotient - 1 : quotient
    }

    private static func zone(_ name: String) throws(ArrowFormatError) -> TimeZone {
      if let zone = TimeZone(identifier: name) { return zone }
      throw ArrowFormatError(description: "unknown time zone '\(name)' in an Arrow timestamp")
    }
  }

  /// Proleptic Gregorian calendar arithmetic for dates and timestamps.
  enum CivilTime {
    /// Year, month, day of a day count since 1970-01-01 (Howard Hinnant's civil_from_days).
    static func civil(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
      let shifted = daysSinceEpoch + 719_468
      let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
      let dayOfEra = shifted - era * 146_097
      let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
      let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
      let monthIndex = (5 * dayOfYear + 2) / 153
      let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
      let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
      return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func dateText(daysSinceEpoch: Int64) -> String {
      let (year, month, day) = civil(daysSinceEpoch: daysSinceEpoch)
      return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    static func timestampText(seconds: Int64, fraction: Int64, unitsPerSecond: Int64) -> String {
      let days = ArrowColumn.floorDivide(seconds, 86_400)
      let time = seconds - days * 86_400
      var text =
        dateText(daysSinceEpoch: days) + " " + pad(time / 3600, 2) + ":"
        + pad(time / 60 % 60, 2) + ":" + pad(time % 60, 2)
      if fraction > 0 {
        // Microseconds, as PostgreSQL keeps; trailing zeros dropped as it does.
        let micros = fraction * 1_000_000 / unitsPerSecond
        var digits = pad(micros, 6)
        while digits.hasSuffix("0") { digits.removeLast() }
        if !digits.isEmpty { text += "." + digits }
      }
      return text
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
      let digits = String(value.magnitude)
      let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
      return value < 0 ? "-" + padded : padded
    }
  }
#endif
