extension Catch {
    /// The registry entry `catch`: bsuite's Catch, 10 rows by 5 columns by default.
    public static var registrations: [EnvironmentSpec] {
        [
            EnvironmentSpec(
                name: "catch",
                summary: "bsuite Catch: move a paddle to catch a falling ball (3 actions, [1, 10, 5] binary image, +1/-1 at the end)",
                options: [
                    .int("rows", default: defaultRows, "rows of the board (at least 2)"),
                    .int("columns", default: defaultColumns, "columns of the board (at least 1)"),
                ],
                make: { options throws(OptionError) in
                    let rows = options.int("rows"), columns = options.int("columns")
                    guard rows >= 2 else { throw .badValue(option: "rows", value: String(rows), expected: "int of at least 2") }
                    guard columns >= 1 else { throw .badValue(option: "columns", value: String(columns), expected: "positive int") }
                    return Catch(rows: rows, columns: columns)
                }),
        ]
    }
}
