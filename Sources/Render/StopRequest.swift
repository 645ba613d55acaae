/// Whether the user asked the run to stop (SIGINT, SIGTERM): set by the signal handler, read by
/// the write loop of `OutputBuffer`, which stops retrying an interrupted write once it is set,
/// and by the reading loops.
///
/// A plain global because a signal handler can reach nothing else; it is touched once before the
/// handlers are installed so that no lazy initialisation runs inside a handler.
public enum StopRequest {
    /// The signal number that asked to stop, 0 while none has.
    public static var signal: Int32 {
        get { stopRequestSignal }
        set { stopRequestSignal = newValue }
    }

    @inline(__always)
    public static var isRequested: Bool { stopRequestSignal != 0 }
}

nonisolated(unsafe) public var stopRequestSignal: Int32 = 0
