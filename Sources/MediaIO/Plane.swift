/// A read-only view of one 8-bit image plane in memory owned by someone else (a decoded frame, a test buffer).
public struct Plane {
    /// The first byte of the first row.
    public let base: UnsafePointer<UInt8>
    /// Visible samples per row.
    public let width: Int
    /// Rows.
    public let height: Int
    /// Bytes from one row to the next (≥ width; decoders pad rows).
    public let stride: Int

    /// Creates a view; the memory must stay valid while the view is used.
    public init(base: UnsafePointer<UInt8>, width: Int, height: Int, stride: Int) {
        precondition(width > 0 && height > 0 && stride >= width, "invalid plane geometry")
        self.base = base
        self.width = width
        self.height = height
        self.stride = stride
    }

    @inline(__always) func row(_ y: Int) -> UnsafePointer<UInt8> { base + y * stride }
}
