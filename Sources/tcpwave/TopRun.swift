#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Capture
import Flows
import Render
import Wire

/// `tcpwave --top`: the live state board. With `-r` the file is replayed in capture time
/// (`--speed N`, `--speed max`) and the board stays on its final state until `q`; with `-i` it
/// follows the interface. On a terminal the board is redrawn every second in the alternate
/// screen (q quits, s or the arrow keys change the sort) and the terminal is restored on the
/// way out; otherwise the same board is printed as text every second of capture time.
struct TopRun {
    let file: String?
    let interface: String?
    let settings: RunSettings
    let live: LiveOptions
    /// Capture seconds per wall second; nil: as fast as possible.
    let speed: Double?
    let user: String?
    let duration: Double?

    func run() -> Int32 {
        let source: CaptureSource
        do {
            if let file {
                source = try CaptureSource.openFile(file, nanosecondPrecision: true)
            } else {
                source = try CaptureSource.openInterface(interface!, options: live)
            }
            if let filter = settings.filter { try source.setFilter(filter) }
        } catch {
            diagnose("\(error)")
            return 1
        }
        let decoder: FrameDecoder
        do { decoder = try FrameDecoder(linkType: source.linkType) } catch {
            diagnose("\(file ?? interface!): link type \(source.linkTypeText) is not decoded; supported: \(LinkType.supportedNames)")
            return 1
        }
        if interface != nil, let user {
            do { _ = try Privileges.drop(to: user) } catch {
                diagnose("\(error)")
                return 1
            }
        }
        var board = TopBoard(configuration: settings.tracker, decoder: decoder, verifyChecksums: false)
        var screen = BoardScreen(interactive: isatty(1) != 0 && isatty(0) != 0)
        screen.open()
        defer { screen.close() }
        let status = file != nil ? replay(source, &board, &screen) : follow(source, &board, &screen)
        return status
    }

    private var name: String { file.map { $0 == "-" ? "<stdin>" : $0 } ?? interface! }

    private var speedText: String {
        guard let speed else { return "speed max" }
        return "speed \(BoardTextFormat.number(speed))x"
    }

    private func draw(_ board: TopBoard, _ screen: inout BoardScreen, ended: Bool) {
        let title = "tcpwave --top  \(name)  \(board.clock())  " + (file != nil ? speedText : "live")
        let footer = (ended ? "end of capture" : "") + (ended && screen.interactive ? " — " : "") + (screen.interactive ? "q quit   s/←/→ sort" : "")
        screen.draw(BoardText.lines(board.model(title: title, footer: footer), width: screen.width, height: screen.height))
    }

    /// Handles the keys waiting; true when q was pressed.
    private func keys(_ board: inout TopBoard, _ screen: inout BoardScreen) -> Bool {
        var redraw = false
        for key in screen.readKeys() {
            switch key {
            case .quit: return true
            case .next, .previous:
                let all = BoardModel.SortKey.allCases
                let i = all.firstIndex(of: board.sort) ?? 0
                board.sort = all[(i + (key == .next ? 1 : all.count - 1)) % all.count]
                redraw = true
            }
        }
        if redraw { draw(board, &screen, ended: false) }
        return false
    }

    private func replay(_ source: CaptureSource, _ board: inout TopBoard, _ screen: inout BoardScreen) -> Int32 {
        let wallStart = TopRun.wallClock()
        var captureStart: Nanoseconds? = nil
        var nextDraw = wallStart
        var lastPrinted: Nanoseconds? = nil
        while !StopRequest.isRequested {
            switch source.next() {
            case .packet(let record):
                if captureStart == nil { captureStart = record.time }
                // Replay in capture time: wait for the packet's moment, drawing meanwhile.
                if let speed, let start = captureStart {
                    let due = wallStart + Double(record.time &- start) / 1e9 / speed
                    while !StopRequest.isRequested {
                        let now = TopRun.wallClock()
                        if now >= due { break }
                        board.sample(through: start &+ Nanoseconds((now - wallStart) * speed * 1e9))
                        if now >= nextDraw {
                            refresh(&board, &screen, &lastPrinted)
                            nextDraw = now + 1
                        }
                        if screen.interactive {
                            if screen.waitForKey(seconds: Swift.min(due, nextDraw) - now), keys(&board, &screen) { return 0 }
                        } else {
                            TopRun.sleep(seconds: Swift.min(due, nextDraw) - now)
                        }
                    }
                }
                board.feed(record)
                if !screen.interactive {
                    // For logs: a board per second of capture time.
                    printEverySecond(&board, &screen, &lastPrinted)
                } else if board.packets % 256 == 0 {
                    let now = TopRun.wallClock()
                    if now >= nextDraw {
                        draw(board, &screen, ended: false)
                        nextDraw = now + 1
                    }
                    if screen.pollKeys(), keys(&board, &screen) { return 0 }
                }
            case .timeout:
                continue
            case .end:
                draw(board, &screen, ended: true)
                guard screen.interactive else { return 0 }
                // The final board stays until q (or Ctrl-C).
                while !StopRequest.isRequested {
                    if screen.waitForKey(seconds: 1), keys(&board, &screen) { return 0 }
                    if screen.resized() { draw(board, &screen, ended: true) }
                }
                return 0
            case .failure(let message):
                screen.close()
                diagnose("\(name): packet \(board.packets + 1): \(CaptureSource.describeReadFailure(message))")
                return 1
            }
        }
        return 0
    }

    /// Interactive: redraw. Not a terminal: print when a new second of capture time began.
    private func refresh(_ board: inout TopBoard, _ screen: inout BoardScreen, _ lastPrinted: inout Nanoseconds?) {
        if screen.interactive { draw(board, &screen, ended: false) } else { printEverySecond(&board, &screen, &lastPrinted) }
    }

    private func printEverySecond(_ board: inout TopBoard, _ screen: inout BoardScreen, _ lastPrinted: inout Nanoseconds?) {
        guard let t = board.lastTime else { return }
        let second = t / TrackerConfiguration.second
        if let last = lastPrinted, second <= last { return }
        if lastPrinted != nil { draw(board, &screen, ended: false) }
        lastPrinted = second
    }

    private func follow(_ source: CaptureSource, _ board: inout TopBoard, _ screen: inout BoardScreen) -> Int32 {
        let deadline = duration.map { TopRun.wallClock() + $0 }
        var nextDraw = TopRun.wallClock() + 1
        while !StopRequest.isRequested {
            let now = TopRun.wallClock()
            if let deadline, now >= deadline { break }
            if now >= nextDraw {
                // Live, capture time is the clock's: a quiet interface still moves the board on.
                board.sample(through: TopRun.realTime())
                draw(board, &screen, ended: false)
                nextDraw = now + 1
            }
            if screen.interactive, screen.pollKeys(), keys(&board, &screen) { return 0 }
            switch source.next() {
            case .packet(let record):
                board.feed(record)
            case .timeout:
                let wait = Swift.max(0, Swift.min(nextDraw, deadline ?? nextDraw) - TopRun.wallClock())
                if screen.interactive {
                    if screen.waitForKey(seconds: Swift.min(wait, 0.2)), keys(&board, &screen) { return 0 }
                } else {
                    source.waitForPackets(milliseconds: Int32((wait * 1000).rounded(.up)), wake: Signals.wakeDescriptor)
                }
            case .end:
                break
            case .failure(let message):
                screen.close()
                diagnose("\(name): \(message)")
                return 1
            }
        }
        draw(board, &screen, ended: false)
        return 0
    }

    static func wallClock() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func realTime() -> Nanoseconds {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Nanoseconds(ts.tv_sec) * 1_000_000_000 + Nanoseconds(ts.tv_nsec)
    }

    static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        var ts = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        _ = nanosleep(&ts, nil)
    }
}

enum BoardTextFormat {
    static func number(_ v: Double) -> String {
        v == v.rounded() ? "\(Int(v))" : "\(v)"
    }
}
