#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPcap

// The signal handler can reach only globals. They are written once before the handlers are
// installed and read in the handler; pcap_breakloop is async-signal-safe by libpcap's contract.
nonisolated(unsafe) private var stopHandle: OpaquePointer? = nil
nonisolated(unsafe) private var stopSignal: Int32 = 0

/// Ctrl-C (SIGINT) and SIGTERM end a live capture cleanly: the blocked read returns, the
/// caller flushes what it has and prints statistics.
public enum StopSignals {
    public static func install(for source: CaptureSource) {
        stopHandle = source.handleForBreakLoop
        let handler: @convention(c) (Int32) -> Void = { signal in
            stopSignal = signal
            if let h = stopHandle { pcap_breakloop(h) }
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        // A parent may have started us with these signals blocked (the mask is inherited).
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// The signal that asked to stop, or nil.
    public static var received: Int32? { stopSignal == 0 ? nil : stopSignal }

    /// Stops a capture from inside the program (`--duration`), the same way a signal does.
    public static func requestStop() {
        if let h = stopHandle { pcap_breakloop(h) }
    }
}
