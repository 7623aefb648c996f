// Typed reads of reset options that throw instead of trapping, so a malformed
// option from a user's code or a configuration file is an error it can catch.
// The environment's name is an autoclosure: it is only built for a message, not
// at every reset of environments whose names are interpolated.
extension Dictionary where Key == String, Value == InfoValue {
    /// The reset option `key` as a finite number (an `int` is accepted), or `nil` when absent.
    ///
    /// - Throws: ``EnvironmentError/invalidResetOption(environment:option:value:expected:)``
    ///   naming `environment` when the value is not a finite number.
    public func resetNumber(_ key: String, of environment: @autoclosure () -> String) throws(EnvironmentError) -> Double? {
        guard let value = self[key] else { return nil }
        guard let number = value.doubleValue, number.isFinite else {
            throw .invalidResetOption(environment: environment(), option: key, value: "\(value)", expected: "a finite number")
        }
        return number
    }

    /// The reset option `key` as an integer in `range`, or `nil` when absent.
    ///
    /// - Throws: ``EnvironmentError/invalidResetOption(environment:option:value:expected:)``
    ///   naming `environment` when the value is not an `int` in `range`.
    public func resetInteger(_ key: String, in range: Range<Int>, of environment: @autoclosure () -> String) throws(EnvironmentError) -> Int? {
        guard let value = self[key] else { return nil }
        guard let integer = value.intValue, range.contains(integer) else {
            throw .invalidResetOption(environment: environment(), option: key, value: "\(value)",
                                      expected: "an int in \(range.lowerBound)..<\(range.upperBound)")
        }
        return integer
    }

    /// The reset option `key` as a list of exactly `count` finite numbers, or `nil` when absent.
    ///
    /// - Parameter meaning: what the entries are, for the message (such as `"[x, xDot, theta, thetaDot]"`).
    /// - Throws: ``EnvironmentError/invalidResetOption(environment:option:value:expected:)``
    ///   naming `environment` when the value is not such a list.
    public func resetNumbers(_ key: String, count: Int, meaning: String, of environment: @autoclosure () -> String) throws(EnvironmentError) -> [Double]? {
        guard let value = self[key] else { return nil }
        guard let numbers = value.doublesValue, numbers.count == count, numbers.allSatisfy(\.isFinite) else {
            throw .invalidResetOption(environment: environment(), option: key, value: "\(value)",
                                      expected: "a list of \(count) finite numbers \(meaning)")
        }
        return numbers
    }

    /// The reset options `"low"` and `"high"`, each defaulting when absent, as
    /// the classic-control tasks read the range of their random start.
    ///
    /// - Throws: ``EnvironmentError/invalidResetOption(environment:option:value:expected:)``
    ///   when either is not a finite number or `low` exceeds `high`.
    public func resetRange(low defaultLow: Double, high defaultHigh: Double, of environment: @autoclosure () -> String) throws(EnvironmentError) -> (low: Double, high: Double) {
        let low = try resetNumber("low", of: environment()) ?? defaultLow
        let high = try resetNumber("high", of: environment()) ?? defaultHigh
        guard low <= high else {
            throw .invalidResetOption(environment: environment(), option: "low", value: String(low),
                                      expected: "a number no greater than 'high' (\(high))")
        }
        return (low, high)
    }
}
