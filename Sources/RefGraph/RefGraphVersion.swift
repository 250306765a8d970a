/// The version of refgraph, shown by `refgraph --version`.
public enum RefGraphVersion {
    public static let string = "0.1.0"
}
