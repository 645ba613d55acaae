-- tcpwave's JSON records (schema tcpwave/1, docs/records.md) in ClickHouse: docs/clickhouse.md.
--
-- Every record goes into one landing table, tcpwave.ingest, as one JSON string per line:
--
--   tcpwave -r x.pcap --json --sensor tap-1 \
--     | clickhouse-client --query "INSERT INTO tcpwave.ingest FORMAT JSONAsString"
--
-- tcpwave.ingest keeps nothing (ENGINE = Null); a materialized view per record type picks its
-- records out by "type" and writes them, typed, into that type's table. Fields a later tcpwave/1
-- adds are ignored until a column is added for them; a field a record lacks gets its column's
-- default (0, '', []).
--
-- Times are DateTime64(9, 'UTC'), read from the JSON number's exact decimal text (6 decimals, or 9
-- with --nano). Durations and RTTs are Float64 seconds. Endpoints are kept as tcpwave writes them
-- ("ip:port", "[v6]:port") and split into IPv6 (IPv4 as ::ffff:a.b.c.d) and port for grouping.
-- Retention counts from when a row was loaded (`inserted`), not from its capture time: captures
-- are often analysed long after they were taken, and a TTL on capture time would delete last
-- year's capture as it arrives. 7 days for packet records, 90 days for the rest; change to taste.

CREATE DATABASE IF NOT EXISTS tcpwave;

CREATE TABLE IF NOT EXISTS tcpwave.ingest (record String) ENGINE = Null;

-- "ip:port" or "[v6]:port" -> address and port.
CREATE FUNCTION IF NOT EXISTS tcpwaveEndpointIP AS (e) ->
    toIPv6(if(startsWith(e, '['), substring(e, 2, position(e, ']') - 2), substring(e, 1, length(e) - position(reverse(e), ':'))));
CREATE FUNCTION IF NOT EXISTS tcpwaveEndpointPort AS (e) ->
    toUInt16OrZero(substring(e, length(e) - position(reverse(e), ':') + 2));
-- A JSON time field (epoch seconds with 6 or 9 decimals) as DateTime64(9), exactly.
CREATE FUNCTION IF NOT EXISTS tcpwaveTime AS (record, field) ->
    toDateTime64(toDecimal128OrZero(JSONExtractRaw(record, field), 9), 9, 'UTC');

-- One row per connection, written when it ended ({"type":"connection"}).
CREATE TABLE IF NOT EXISTS tcpwave.connection
(
    sensor          LowCardinality(String),
    inserted        DateTime('UTC') DEFAULT now(),
    flow            UInt64,
    uid             String,
    client          String,
    server          String,
    client_ip       IPv6,
    client_port     UInt16,
    server_ip       IPv6,
    server_port     UInt16,
    tunnel          String,
    opened          LowCardinality(String),
    opened_detail   LowCardinality(String),
    closed          LowCardinality(String),
    closed_detail   LowCardinality(String),
    end_reason      LowCardinality(String),
    client_state    LowCardinality(String),
    server_state    LowCardinality(String),
    first_packet    UInt64,
    last_packet     UInt64,
    start           DateTime64(9, 'UTC'),
    duration        Float64,
    handshake_rtt   Nullable(Float64),
    client_pkts     UInt64,
    server_pkts     UInt64,
    client_bytes    UInt64,
    server_bytes    UInt64,
    conn_state      LowCardinality(String),
    history         String,
    anomalies       Array(LowCardinality(String)),
    anomaly_packets UInt64,
    zeek_orig       String,
    zeek_resp       String,
    zeek_ts         DateTime64(9, 'UTC'),
    zeek_duration   Float64,
    orig_bytes      UInt64,
    resp_bytes      UInt64,
    missed_bytes    UInt64,
    orig_pkts       UInt64,
    orig_ip_bytes   UInt64,
    resp_pkts       UInt64,
    resp_ip_bytes   UInt64,
    orig_state      LowCardinality(String),
    resp_state      LowCardinality(String)
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(start)
ORDER BY (sensor, server_ip, server_port, start, uid)
TTL inserted + INTERVAL 90 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS tcpwave.connection_mv TO tcpwave.connection AS
SELECT
    JSONExtractString(record, 'sensor') AS sensor,
    JSONExtractUInt(record, 'flow') AS flow,
    JSONExtractString(record, 'uid') AS uid,
    JSONExtractString(record, 'client') AS client,
    JSONExtractString(record, 'server') AS server,
    tcpwaveEndpointIP(client) AS client_ip,
    tcpwaveEndpointPort(client) AS client_port,
    tcpwaveEndpointIP(server) AS server_ip,
    tcpwaveEndpointPort(server) AS server_port,
    JSONExtractString(record, 'tunnel') AS tunnel,
    JSONExtractString(record, 'opened') AS opened,
    JSONExtractString(record, 'opened_detail') AS opened_detail,
    JSONExtractString(record, 'closed') AS closed,
    JSONExtractString(record, 'closed_detail') AS closed_detail,
    JSONExtractString(record, 'end_reason') AS end_reason,
    JSONExtractString(record, 'client_state') AS client_state,
    JSONExtractString(record, 'server_state') AS server_state,
    JSONExtractUInt(record, 'first_packet') AS first_packet,
    JSONExtractUInt(record, 'last_packet') AS last_packet,
    tcpwaveTime(record, 'start') AS start,
    JSONExtractFloat(record, 'duration') AS duration,
    JSONExtract(record, 'handshake_rtt', 'Nullable(Float64)') AS handshake_rtt,
    JSONExtractUInt(record, 'client_pkts') AS client_pkts,
    JSONExtractUInt(record, 'server_pkts') AS server_pkts,
    JSONExtractUInt(record, 'client_bytes') AS client_bytes,
    JSONExtractUInt(record, 'server_bytes') AS server_bytes,
    JSONExtractString(record, 'conn_state') AS conn_state,
    JSONExtractString(record, 'history') AS history,
    JSONExtract(record, 'anomalies', 'Array(String)') AS anomalies,
    JSONExtractUInt(record, 'anomaly_packets') AS anomaly_packets,
    JSONExtractString(record, 'zeek', 'orig') AS zeek_orig,
    JSONExtractString(record, 'zeek', 'resp') AS zeek_resp,
    toDateTime64(toDecimal128OrZero(JSONExtractRaw(record, 'zeek', 'ts'), 9), 9, 'UTC') AS zeek_ts,
    JSONExtractFloat(record, 'zeek', 'duration') AS zeek_duration,
    JSONExtractUInt(record, 'zeek', 'orig_bytes') AS orig_bytes,
    JSONExtractUInt(record, 'zeek', 'resp_bytes') AS resp_bytes,
    JSONExtractUInt(record, 'zeek', 'missed_bytes') AS missed_bytes,
    JSONExtractUInt(record, 'zeek', 'orig_pkts') AS orig_pkts,
    JSONExtractUInt(record, 'zeek', 'orig_ip_bytes') AS orig_ip_bytes,
    JSONExtractUInt(record, 'zeek', 'resp_pkts') AS resp_pkts,
    JSONExtractUInt(record, 'zeek', 'resp_ip_bytes') AS resp_ip_bytes,
    JSONExtractString(record, 'zeek', 'orig_state') AS orig_state,
    JSONExtractString(record, 'zeek', 'resp_state') AS resp_state
FROM tcpwave.ingest
WHERE JSONExtractString(record, 'type') = 'connection';

-- One row per TCP packet ({"type":"packet"}; not written with --summary). flow is 0 for a packet
-- the tracker could not apply (tracked = false).
CREATE TABLE IF NOT EXISTS tcpwave.packet
(
    sensor        LowCardinality(String),
    inserted      DateTime('UTC') DEFAULT now(),
    packet        UInt64,
    ts            DateTime64(9, 'UTC'),
    flow          UInt64,
    src           String,
    dst           String,
    flags         LowCardinality(String),
    seq           UInt32,
    ack           UInt32,
    len           UInt32,
    win           UInt16,
    sender        LowCardinality(String),
    step          LowCardinality(String),
    client_state  LowCardinality(String),
    server_state  LowCardinality(String),
    client_before LowCardinality(String),
    server_before LowCardinality(String),
    tracked       Bool,
    truncated     Bool,
    anomalies     Array(LowCardinality(String))
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (sensor, ts, packet)
TTL inserted + INTERVAL 7 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS tcpwave.packet_mv TO tcpwave.packet AS
SELECT
    JSONExtractString(record, 'sensor') AS sensor,
    JSONExtractUInt(record, 'packet') AS packet,
    tcpwaveTime(record, 'ts') AS ts,
    JSONExtractUInt(record, 'flow') AS flow,
    JSONExtractString(record, 'src') AS src,
    JSONExtractString(record, 'dst') AS dst,
    JSONExtractString(record, 'flags') AS flags,
    JSONExtractUInt(record, 'seq') AS seq,
    JSONExtractUInt(record, 'ack') AS ack,
    JSONExtractUInt(record, 'len') AS len,
    JSONExtractUInt(record, 'win') AS win,
    JSONExtractString(record, 'sender') AS sender,
    JSONExtractString(record, 'step') AS step,
    JSONExtractString(record, 'client_state') AS client_state,
    JSONExtractString(record, 'server_state') AS server_state,
    JSONExtractString(record, 'client_before') AS client_before,
    JSONExtractString(record, 'server_before') AS server_before,
    JSONExtractBool(record, 'tracked') AS tracked,
    JSONExtractBool(record, 'truncated') AS truncated,
    JSONExtract(record, 'anomalies', 'Array(String)') AS anomalies
FROM tcpwave.ingest
WHERE JSONExtractString(record, 'type') = 'packet';

-- Alerts ({"type":"alert"}): SYN floods (alert = 'syn_flood': attempts, half_open, answered...)
-- and stuck states or pile-ups (tcp_state, count, stuck_after...). A field an alert kind does
-- not have is 0 or ''.
CREATE TABLE IF NOT EXISTS tcpwave.alert
(
    sensor           LowCardinality(String),
    inserted         DateTime('UTC') DEFAULT now(),
    alert            LowCardinality(String),
    state            LowCardinality(String),
    ts               DateTime64(9, 'UTC'),
    target           String,
    threshold        UInt64,
    since            DateTime64(9, 'UTC'),
    end_of_input     Bool,
    -- syn_flood
    window_start     DateTime64(9, 'UTC'),
    window_seconds   Float64,
    attempts         UInt64,
    half_open        UInt64,
    answered         UInt64,
    answered_share   Float64,
    distinct_sources UInt64,
    top_sources      Array(Tuple(src String, attempts UInt64, exact Bool)),
    peak_half_open   UInt64,
    -- stuck states and pile-ups
    tcp_state        LowCardinality(String),
    count            UInt64,
    stuck_after      Float64,
    oldest_since     Nullable(DateTime64(9, 'UTC')),
    ephemeral_ports  UInt64,
    peak             UInt64
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (sensor, alert, ts, target)
TTL inserted + INTERVAL 90 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS tcpwave.alert_mv TO tcpwave.alert AS
SELECT
    JSONExtractString(record, 'sensor') AS sensor,
    JSONExtractString(record, 'alert') AS alert,
    JSONExtractString(record, 'state') AS state,
    tcpwaveTime(record, 'ts') AS ts,
    JSONExtractString(record, 'target') AS target,
    JSONExtractUInt(record, 'threshold') AS threshold,
    tcpwaveTime(record, 'since') AS since,
    JSONExtractBool(record, 'end_of_input') AS end_of_input,
    tcpwaveTime(record, 'window_start') AS window_start,
    JSONExtractFloat(record, 'window_seconds') AS window_seconds,
    JSONExtractUInt(record, 'attempts') AS attempts,
    JSONExtractUInt(record, 'half_open') AS half_open,
    JSONExtractUInt(record, 'answered') AS answered,
    JSONExtractFloat(record, 'answered_share') AS answered_share,
    JSONExtractUInt(record, 'distinct_sources') AS distinct_sources,
    JSONExtract(record, 'top_sources', 'Array(Tuple(src String, attempts UInt64, exact Bool))') AS top_sources,
    JSONExtractUInt(record, 'peak_half_open') AS peak_half_open,
    JSONExtractString(record, 'tcp_state') AS tcp_state,
    JSONExtractUInt(record, 'count') AS count,
    JSONExtractFloat(record, 'stuck_after') AS stuck_after,
    if(JSONExtractRaw(record, 'oldest_since') IN ('', 'null'), NULL, tcpwaveTime(record, 'oldest_since')) AS oldest_since,
    JSONExtractUInt(record, 'ephemeral_ports') AS ephemeral_ports,
    JSONExtractUInt(record, 'peak') AS peak
FROM tcpwave.ingest
WHERE JSONExtractString(record, 'type') = 'alert';

-- Endpoints per state at a moment ({"type":"states"}, written every --state-interval): for the
-- whole capture, and for the busiest server endpoints in `servers`.
CREATE TABLE IF NOT EXISTS tcpwave.states
(
    sensor                       LowCardinality(String),
    inserted                     DateTime('UTC') DEFAULT now(),
    ts                           DateTime64(9, 'UTC'),
    interval                     Float64,
    final                        Bool,
    connections                  UInt64,
    client_states                Map(LowCardinality(String), UInt64),
    server_states                Map(LowCardinality(String), UInt64),
    servers_followed             UInt64,
    untracked_server_connections UInt64,
    servers Array(Tuple(
        server          String,
        connections     UInt64,
        opened          UInt64,
        resets          UInt64,
        packets         UInt64,
        retransmissions UInt64,
        rtt_samples     UInt64,
        rtt_median      Nullable(Float64),
        rtt_p99         Nullable(Float64),
        client_states   Map(String, UInt64),
        server_states   Map(String, UInt64)))
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (sensor, ts)
TTL inserted + INTERVAL 90 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS tcpwave.states_mv TO tcpwave.states AS
SELECT
    JSONExtractString(record, 'sensor') AS sensor,
    tcpwaveTime(record, 'ts') AS ts,
    JSONExtractFloat(record, 'interval') AS interval,
    JSONExtractBool(record, 'final') AS final,
    JSONExtractUInt(record, 'connections') AS connections,
    JSONExtract(record, 'client_states', 'Map(String, UInt64)') AS client_states,
    JSONExtract(record, 'server_states', 'Map(String, UInt64)') AS server_states,
    JSONExtractUInt(record, 'servers_followed') AS servers_followed,
    JSONExtractUInt(record, 'untracked_server_connections') AS untracked_server_connections,
    JSONExtract(record, 'servers', 'Array(Tuple(server String, connections UInt64, opened UInt64, resets UInt64, packets UInt64, retransmissions UInt64, rtt_samples UInt64, rtt_median Nullable(Float64), rtt_p99 Nullable(Float64), client_states Map(String, UInt64), server_states Map(String, UInt64)))') AS servers
FROM tcpwave.ingest
WHERE JSONExtractString(record, 'type') = 'states';

-- The run's counts, last in each run's output ({"type":"stats"}); with --shard, the shard's.
CREATE TABLE IF NOT EXISTS tcpwave.stats
(
    sensor          LowCardinality(String),
    inserted        DateTime('UTC') DEFAULT now(),
    packets         UInt64,
    tcp             UInt64,
    other           UInt64,
    malformed       UInt64,
    truncated_tcp   UInt64,
    connections     UInt64,
    closed          UInt64,
    idle_expired    UInt64,
    evicted         UInt64,
    peak_live       UInt64,
    shard           UInt32,
    shards          UInt32,
    other_shard_tcp UInt64
)
ENGINE = MergeTree
ORDER BY (sensor, inserted)
TTL inserted + INTERVAL 90 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS tcpwave.stats_mv TO tcpwave.stats AS
SELECT
    JSONExtractString(record, 'sensor') AS sensor,
    JSONExtractUInt(record, 'packets') AS packets,
    JSONExtractUInt(record, 'tcp') AS tcp,
    JSONExtractUInt(record, 'other') AS other,
    JSONExtractUInt(record, 'malformed') AS malformed,
    JSONExtractUInt(record, 'truncated_tcp') AS truncated_tcp,
    JSONExtractUInt(record, 'connections') AS connections,
    JSONExtractUInt(record, 'closed') AS closed,
    JSONExtractUInt(record, 'idle_expired') AS idle_expired,
    JSONExtractUInt(record, 'evicted') AS evicted,
    JSONExtractUInt(record, 'peak_live') AS peak_live,
    JSONExtractUInt(record, 'shard') AS shard,
    JSONExtractUInt(record, 'shards') AS shards,
    JSONExtractUInt(record, 'other_shard_tcp') AS other_shard_tcp
FROM tcpwave.ingest
WHERE JSONExtractString(record, 'type') = 'stats';
