extension Catch {
    /// The registry entry `catch`: bsuite's Catch, 10 rows by 5 columns by default.
    public static var registrations: [EnvironmentSpec] {
        [
            EnvironmentSpec(
                name: "catch",
                summary: "bsuite Catch: move a paddle to catch a falling ball (3 actions, [1, 10, 5] binary image, +1/-1 at the end)",
                options: [
                    .int("rows", default: defaultRows, "rows of the board (2 to 1000)"),
                    .int("columns", default: defaultColumns, "columns of the board (1 to 1000)"),
                ],
                make: { options throws(OptionError) in
                    let rows = try options.int("rows", in: 2...OptionLimits.gridSide)
                    let columns = try options.int("columns", in: 1...OptionLimits.gridSide)
                    return Catch(rows: rows, columns: columns)
                }),
        ]
    }
}
