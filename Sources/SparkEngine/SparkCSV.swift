import Foundation

/// A CSV file read whole for Spark's seeds: RFC 4180 quoting, the header's names, rows of
/// values (an empty unquoted field is NULL, as dbt reads it).
struct SparkCSV {
  var header: [String]
  var rows: [[String?]]

  struct Problem: Error {
    var line: Int
    var message: String
  }

  static func parse(_ bytes: [UInt8], delimiter: UInt8) throws(Problem) -> SparkCSV {
    var records: [[String?]] = []
    var lines: [Int] = []
    var record: [String?] = []
    var field: [UInt8] = []
    var quoted = false
    var wasQuoted = false
    var line = 1
    var recordLine = 1
    var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    func endField() {
      record.append(
        field.isEmpty && !wasQuoted ? nil : String(decoding: field, as: UTF8.self))
      field.removeAll(keepingCapacity: true)
      wasQuoted = false
    }
    func endRecord() {
      endField()
      if !(record.count == 1 && record[0] == nil) {
        records.append(record)
        lines.append(recordLine)
      }
      record = []
    }
    while index < bytes.count {
      let byte = bytes[index]
      if quoted {
        if byte == UInt8(ascii: "\"") {
          if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") {
            field.append(byte)
            index += 1
          } else {
            quoted = false
          }
        } else {
          if byte == UInt8(ascii: "\n") { line += 1 }
          field.append(byte)
        }
      } else if byte == UInt8(ascii: "\"") && field.isEmpty {
        quoted = true
        wasQuoted = true
      } else if byte == delimiter {
        endField()
      } else if byte == UInt8(ascii: "\n") {
        endRecord()
        line += 1
        recordLine = line
      } else if byte != UInt8(ascii: "\r") {
        field.append(byte)
      }
      index += 1
    }
    if quoted { throw Problem(line: recordLine, message: "a quoted field is not closed") }
    if !field.isEmpty || !record.isEmpty || wasQuoted { endRecord() }
    guard let first = records.first else {
      throw Problem(line: 1, message: "the seed has no header line")
    }
    let header = first.map { $0 ?? "" }
    for (number, row) in records.enumerated().dropFirst() where row.count != header.count {
      throw Problem(
        line: lines[number],
        message: "this row has \(row.count) field\(row.count == 1 ? "" : "s"), the header "
          + "\(header.count)")
    }
    return SparkCSV(header: header, rows: Array(records.dropFirst()))
  }

  /// The Spark type of a column from its values, as dbt's agate inference decides.
  static func inferType(_ rows: [[String?]], column: Int) -> String {
    let values = rows.compactMap { $0[column] }
    guard !values.isEmpty else { return "string" }
    if values.allSatisfy({ Int64($0) != nil }) { return "bigint" }
    if values.allSatisfy({ Double($0) != nil && !$0.contains(where: \.isLetter) }) {
      return "double"
    }
    if values.allSatisfy({ ["true", "false"].contains($0.lowercased()) }) { return "boolean" }
    if values.allSatisfy(isDate) { return "date" }
    if values.allSatisfy(isTimestamp) { return "timestamp" }
    return "string"
  }

  static func isDate(_ text: String) -> Bool {
    let bytes = Array(text.utf8)
    guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else {
      return false
    }
    return bytes.enumerated().allSatisfy { $0.offset == 4 || $0.offset == 7 || isDigit($0.element) }
  }

  static func isTimestamp(_ text: String) -> Bool {
    let bytes = Array(text.utf8)
    guard bytes.count >= 19, isDate(String(decoding: bytes[0..<10], as: UTF8.self)),
      bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"),
      bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
    else { return false }
    return [11, 12, 14, 15, 17, 18].allSatisfy { isDigit(bytes[$0]) }
  }

  private static func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }

  /// A value as a literal of its column's type (NULL for none).
  static func literal(_ value: String?, type: String) -> String {
    guard let value else { return "NULL" }
    switch type.lowercased() {
    case "bigint", "double": return value
    case "boolean": return value.lowercased()
    case "date": return "DATE " + SparkSQLText.literal(value)
    case "timestamp": return "TIMESTAMP " + SparkSQLText.literal(value)
    case "string": return SparkSQLText.literal(value)
    default: return "cast(\(SparkSQLText.literal(value)) as \(type))"
    }
  }
}
