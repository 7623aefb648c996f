import Environments

/// Writing of JSON values by hand, so that episode-log lines keep their keys in
/// a fixed, readable order and numbers keep every bit.
///
/// `Double.description` is Swift's shortest representation that parses back to
/// the same bits (`0.1`, `1e-05`, `-0.0`), and Foundation's `JSONDecoder` parses
/// it back exactly; `EpisodeLogTests` checks this on random bit patterns.
enum JSONText {
    /// `text` as a quoted JSON string, with quotes, backslashes and control characters escaped.
    static func string(_ text: String) -> String {
        var result = "\""
        result.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// A finite `Double` in its shortest exactly-round-tripping form.
    ///
    /// - Precondition: `value` is finite (JSON has no infinities or NaN); callers check first.
    static func number(_ value: Double) -> String {
        precondition(value.isFinite, "JSON cannot hold \(value)")
        return value.description
    }

    /// An option value as a plain JSON value: number, Boolean, string or array of numbers.
    static func value(_ value: InfoValue) -> String {
        switch value {
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let integer): return String(integer)
        case .double(let number): return number.isFinite ? number.description : "null"
        case .string(let text): return string(text)
        case .doubles(let numbers): return "[" + numbers.map { $0.isFinite ? $0.description : "null" }.joined(separator: ",") + "]"
        }
    }

    /// Option values as a JSON object with keys in sorted order.
    static func object(_ values: [String: InfoValue]) -> String {
        "{" + values.sorted { $0.key < $1.key }.map { string($0.key) + ":" + value($0.value) }.joined(separator: ",") + "}"
    }
}

/// An option value read back from JSON, where it was written as a plain JSON value.
///
/// Integers come back as `.int`, other numbers as `.double`; an option declared as
/// a double whose value was integral is coerced back by ``EnvironmentSpec/resolveOptions(_:)``.
struct PlainInfoValue: Codable, Equatable {
    var value: InfoValue

    init(_ value: InfoValue) { self.value = value }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            value = .bool(flag)
        } else if let integer = try? container.decode(Int.self) {
            value = .int(integer)
        } else if let number = try? container.decode(Double.self) {
            value = .double(number)
        } else if let text = try? container.decode(String.self) {
            value = .string(text)
        } else if let numbers = try? container.decode([Double].self) {
            value = .doubles(numbers)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "an option value must be a number, Boolean, string or array of numbers")
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch value {
        case .bool(let flag): try container.encode(flag)
        case .int(let integer): try container.encode(integer)
        case .double(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        case .doubles(let numbers): try container.encode(numbers)
        }
    }
}
