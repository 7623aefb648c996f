/// Picking single entries out of a matrix and routing their gradients back: the
/// `Q(s, a)` of value-based methods, where each sample's loss reads one action's
/// value out of a row of all actions' values.
extension Tensor {
    /// Writes `self[rows[i], columns[i]]` to `result[i]` for every `i`, reading
    /// `self` as a matrix of rows of its last dimension; `rows` nil means row `i`.
    /// `result` is resized to `[columns.count]`.
    public func gather(columns: [Int], rows: [Int]? = nil, into result: Tensor) {
        let width = shape.last ?? 1, rowCount = width == 0 ? 0 : count / width
        precondition(rows == nil || rows!.count == columns.count, "gather: \(rows!.count) rows for \(columns.count) columns")
        result.resize(columns.count)
        for (index, column) in columns.enumerated() {
            let row = rows?[index] ?? index
            precondition(row < rowCount && column < width, "gather: (\(row), \(column)) outside \(shape)")
            result[index] = self[row * width + column]
        }
    }

    /// The gradient of ``gather(columns:rows:into:)``: becomes `[rowCount, width]`
    /// zeros with `values[i]` added at `(rows[i], columns[i])` (`rows` nil means row `i`).
    public func scatter(_ values: Tensor, columns: [Int], rows: [Int]? = nil, rowCount: Int, width: Int) {
        precondition(values.count == columns.count, "scatter: \(values.count) values for \(columns.count) columns")
        precondition(rows == nil || rows!.count == columns.count, "scatter: \(rows!.count) rows for \(columns.count) columns")
        resize(rowCount, width)
        fill(0)
        for (index, column) in columns.enumerated() {
            let row = rows?[index] ?? index
            precondition(row < rowCount && column < width, "scatter: (\(row), \(column)) outside [\(rowCount), \(width)]")
            self[row * width + column] += values[index]
        }
    }

    /// Adds `other` elementwise (same number of scalars): the gradient arriving at a
    /// tensor that feeds two consumers is the sum of theirs.
    public func add(_ other: Tensor) {
        precondition(other.count == count, "add: \(other.count) scalars to \(count)")
        let target = pointer, source = other.pointer
        for index in 0..<count { target[index] += source[index] }
    }
}
