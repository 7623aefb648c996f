/// The Environments library: Gymnasium-style environments for Swift.
///
/// It imports only the standard library and Foundation, so a package that only
/// needs simulators builds no BLAS or SDL code.
public enum Environments {
    /// The project version written into run headers and logs.
    public static let version = "0.1.0"
}
