/// The version of refgraph, shown by `refgraph --version`.
public enum RefGraphVersion {
    /// The version number, e.g. "0.1.0".
    public static let string = "0.1.0"
}
