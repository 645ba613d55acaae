#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Render

// What the handlers touch: plain globals, set up before the handlers are installed.
/// Write end and read end of the self-pipe that wakes a live capture's poll().
nonisolated(unsafe) private var wakeWriteEnd: Int32 = -1
nonisolated(unsafe) private var wakeReadEnd: Int32 = -1
/// SIGUSR1 arrived and its report is not printed yet.
nonisolated(unsafe) private var reportPending: Int32 = 0
/// The thread that writes the output; a stop signal that lands on another thread is passed on.
nonisolated(unsafe) private var mainThread = pthread_self()

/// SIGINT and SIGTERM end a run cleanly, as in tcpdump: reading stops, open connections are
/// reported, diagrams written and the counts printed. The handlers are installed without
/// SA_RESTART, so a write blocked on a reader that stopped reading returns EINTR, and
/// `OutputBuffer` then gives the output up instead of retrying (`StopRequest`). After a stop a
/// SIGALRM every second interrupts any write that blocks again, so nothing holds the process.
/// A second SIGINT or SIGTERM ends the process at once.
///
/// SIGUSR1 asks for the counts so far on standard error, and the run goes on (tcpdump's
/// SIGUSR1); it restarts what it interrupts, apart from a live capture's poll(), which it wakes.
enum Signals {
    /// The signals whose handlers run on the main thread; other threads block them.
    static let handled: [Int32] = [SIGINT, SIGTERM, SIGUSR1, SIGALRM]

    static func install() {
        // Touch the globals first: no lazy initialisation may run inside a handler.
        StopRequest.signal = 0
        reportPending = 0
        mainThread = pthread_self()
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for fd in ends {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
            wakeReadEnd = ends[0]
            wakeWriteEnd = ends[1]
        }
        let stop: @convention(c) (Int32) -> Void = { number in
            if stopRequestSignal != 0 {
                // Asked twice: the user wants out now.
                signal(number, SIG_DFL)
                raise(number)
                return
            }
            stopRequestSignal = number
            Signals.wake()
            Signals.interruptMainThread()
            alarm(1)
        }
        let report: @convention(c) (Int32) -> Void = { _ in
            reportPending = 1
            Signals.wake()
        }
        let watchdog: @convention(c) (Int32) -> Void = { _ in
            // Interrupts a write that blocked after the stop; again every second until exit.
            if stopRequestSignal != 0 {
                Signals.interruptMainThread()
                alarm(1)
            }
        }
        set(SIGINT, stop, flags: 0)
        set(SIGTERM, stop, flags: 0)
        set(SIGALRM, watchdog, flags: 0)
        set(SIGUSR1, report, flags: Int32(SA_RESTART))
        // A parent may have started us with these signals blocked (the mask is inherited).
        var mask = Signals.mask
        pthread_sigmask(SIG_UNBLOCK, &mask, nil)
    }

    private static func set(_ signal: Int32, _ handler: @convention(c) (Int32) -> Void, flags: Int32) {
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = handler
        #else
        action.__sigaction_u.__sa_handler = handler
        #endif
        action.sa_flags = flags
        sigemptyset(&action.sa_mask)
        sigaction(signal, &action, nil)
    }

    /// A set of the handled signals.
    static var mask: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for s in handled { sigaddset(&set, s) }
        return set
    }

    /// Runs `body` with the handled signals blocked on this thread (a worker thread), so they
    /// reach the main thread, whose blocked write they must interrupt.
    static func blocked<T>(_ body: () -> T) -> T {
        var mask = Signals.mask, old = sigset_t()
        pthread_sigmask(SIG_BLOCK, &mask, &old)
        defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
        return body()
    }

    /// A process-directed signal goes to any thread that does not block it (libdispatch keeps
    /// idle worker threads): when the handler runs elsewhere, SIGALRM to the main thread
    /// interrupts the write it may be blocked in. Async-signal-safe.
    static func interruptMainThread() {
        if pthread_equal(pthread_self(), mainThread) == 0 { pthread_kill(mainThread, SIGALRM) }
    }

    /// Async-signal-safe: one byte into the self-pipe.
    static func wake() {
        guard wakeWriteEnd >= 0 else { return }
        var byte: UInt8 = 1
        _ = write(wakeWriteEnd, &byte, 1)
    }

    /// The descriptor a live capture polls beside libpcap's.
    static var wakeDescriptor: Int32 { wakeReadEnd }

    /// The signal that asked to stop, or nil.
    static var stopSignal: Int32? { StopRequest.isRequested ? StopRequest.signal : nil }

    /// True once per SIGUSR1 (a burst of them counts once).
    static func takeReportRequest() -> Bool {
        guard reportPending != 0 else { return false }
        reportPending = 0
        return true
    }

    /// Whether a SIGUSR1 report is waiting; cheap enough for every packet.
    @inline(__always)
    static var reportRequested: Bool { reportPending != 0 }
}
