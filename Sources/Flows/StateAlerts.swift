import Wire

/// Judging the census once a second: stuck states and pile-ups start, repeat and end.
extension StateCensus {
    /// Judges every endpoint once a second of capture time: call per packet (one comparison
    /// until the next second).
    @inline(__always)
    mutating func tick(_ now: Nanoseconds) {
        guard now >= nextTick else { return }
        judge(now)
        nextTick = now &+ TrackerConfiguration.second
    }

    private mutating func judge(_ now: Nanoseconds) {
        let c = configuration
        for slot in servers.indices where servers[slot].connections > 0 || hasAlert(server: Int32(slot)) {
            let s = Int32(slot)
            guard isFollowed(s) else { continue }
            let endpoint = servers[slot].endpoint
            if c.stuckAfter > 0 {
                for kind in StuckKind.allCases {
                    let (count, oldest) = stuckCount(s, kind, now: now)
                    judge(AlertKey(kind: kind.alert, server: s, client: -1), target: endpoint, count: count,
                          threshold: 1, oldest: oldest, now: now)
                }
            }
            if c.halfOpenThreshold > 0 {
                let n = Int(serverStates[slot * 2 * StateCensus.stateCount + StateCensus.stateCount + Int(TCPState.synReceived.rawValue)])
                judge(AlertKey(kind: .halfOpenPileup, server: s, client: -1), target: endpoint, count: n,
                      threshold: c.halfOpenThreshold, oldest: nil, now: now)
            }
        }
        let tw = c.timeWaitThreshold
        if tw > 0 {
            for slot in clients.indices where clients[slot].timeWait > 0 || alerting[AlertKey(kind: .timeWaitPileup, server: -1, client: Int32(slot))] != nil {
                let key = AlertKey(kind: .timeWaitPileup, server: -1, client: Int32(slot))
                judge(key, target: Endpoint(address: clients[slot].address, port: 0), count: Int(Swift.max(0, clients[slot].timeWait)),
                      threshold: tw, oldest: nil, now: now)
                if clients[slot].timeWait <= 0 && alerting[key] == nil && isFollowedClient(Int32(slot)) { releaseClient(Int32(slot)) }
            }
        }
    }

    private func hasAlert(server slot: Int32) -> Bool {
        !alerting.isEmpty && alerting.keys.contains { $0.server == slot }
    }

    /// Starts, repeats or ends one alert. Stuck states end when none is stuck; pile-ups when
    /// the count falls below half the threshold.
    private mutating func judge(_ key: AlertKey, target: Endpoint, count: Int, threshold: Int, oldest: Nanoseconds?, now: Nanoseconds) {
        var record = StateAlert(kind: key.kind, phase: .start, time: now, target: target, count: count, threshold: threshold,
                                oldestSince: oldest, stuckAfter: configuration.stuckAfter, since: now, peak: count,
                                endOfInput: false)
        if var standing = alerting[key] {
            standing.peak = Swift.max(standing.peak, count)
            record.since = standing.since
            record.peak = standing.peak
            let over = key.kind.isStuck ? count >= 1 : count * 2 >= threshold
            if !over {
                record.phase = .end
                alerts.append(record)
                alerting[key] = nil
                return
            }
            if now &- standing.lastRecord >= configuration.reminder {
                record.phase = .ongoing
                standing.lastRecord = now
                alerts.append(record)
            }
            alerting[key] = standing
        } else if count >= threshold && count > 0 {
            alerting[key] = AlertStanding(since: now, peak: count, lastRecord: now)
            alerts.append(record)
        }
    }

    /// End of input: judges once more, then ends every alert still in force.
    mutating func finishAlerts(at now: Nanoseconds) {
        judge(now)
        let open = alerting.sorted { a, b in
            (a.value.since, a.key.kind.rawValue, a.key.server, a.key.client) < (b.value.since, b.key.kind.rawValue, b.key.server, b.key.client)
        }
        for (key, standing) in open {
            let target = key.server >= 0 ? servers[Int(key.server)].endpoint : Endpoint(address: clients[Int(key.client)].address, port: 0)
            var count = 0
            var oldest: Nanoseconds? = nil
            let threshold: Int
            switch key.kind {
            case .closeWaitStuck, .finWait2Stuck, .lastAckStuck:
                (count, oldest) = stuckCount(key.server, StuckKind(key.kind.state)!, now: now)
                threshold = 1
            case .halfOpenPileup:
                count = Int(serverStates[Int(key.server) * 2 * StateCensus.stateCount + StateCensus.stateCount + Int(TCPState.synReceived.rawValue)])
                threshold = configuration.halfOpenThreshold
            case .timeWaitPileup:
                count = Int(clients[Int(key.client)].timeWait)
                threshold = configuration.timeWaitThreshold
            }
            alerts.append(StateAlert(kind: key.kind, phase: .end, time: now, target: target, count: count, threshold: threshold,
                                     oldestSince: oldest, stuckAfter: configuration.stuckAfter, since: standing.since,
                                     peak: Swift.max(standing.peak, count), endOfInput: true))
        }
        alerting.removeAll()
    }

    /// The alerts in force now, oldest first (for the board).
    public func alertsInForce(at now: Nanoseconds) -> [StateAlert] {
        alerting.map { key, standing in
            let target = key.server >= 0 ? servers[Int(key.server)].endpoint : Endpoint(address: clients[Int(key.client)].address, port: 0)
            var count = standing.peak
            var oldest: Nanoseconds? = nil
            switch key.kind {
            case .closeWaitStuck, .finWait2Stuck, .lastAckStuck:
                let r = Int(key.server) * StuckKind.allCases.count + StuckKind(key.kind.state)!.rawValue
                count = Int(stuck[r].count)
                oldest = stuck[r].count > 0 ? stuck[r].oldest : nil
            case .halfOpenPileup:
                count = Int(serverStates[Int(key.server) * 2 * StateCensus.stateCount + StateCensus.stateCount + Int(TCPState.synReceived.rawValue)])
            case .timeWaitPileup:
                count = Int(clients[Int(key.client)].timeWait)
            }
            return StateAlert(kind: key.kind, phase: .ongoing, time: now, target: target, count: count, threshold: 0,
                              oldestSince: oldest, stuckAfter: configuration.stuckAfter, since: standing.since,
                              peak: standing.peak, endOfInput: false)
        }.sorted { ($0.since, $0.kind.rawValue, $0.target) < ($1.since, $1.kind.rawValue, $1.target) }
    }

    public mutating func takeAlerts() -> [StateAlert] {
        defer { alerts.removeAll(keepingCapacity: true) }
        return alerts
    }
}
