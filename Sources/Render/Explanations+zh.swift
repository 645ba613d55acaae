/// `--explain --lang zh`：中文说明。每个 `ExplanationKey` 一条；占位符见 Explanations.swift。
extension Explanations {
    static let chinese: [ExplanationKey: String] = [
        .roleClient: "客户端",
        .roleServer: "服务器",

        // 三次握手
        .handshake1: "握手 1/3：客户端请求建立连接。它的 SYN 携带自己的初始序列号（ISN）以及 MSS、窗口缩放等选项；客户端进入 SYN_SENT 等待回应，服务器必须在这个端口上处于 LISTEN 才能应答。",
        .handshake2: "握手 2/3：服务器接受请求。它的 SYN-ACK 确认客户端的 SYN（ack = 客户端 ISN + 1），同时带上服务器自己的 ISN；服务器进入 SYN_RECEIVED，等待自己的 ISN 被确认。",
        .handshake3: "握手 3/3：客户端确认服务器的 SYN，双方都进入 ESTABLISHED。之所以需要第三次握手，是因为每一方都必须看到自己的 ISN 被确认：只有这样服务器才能确定客户端确实存在，而不是网络中滞留的旧的重复 SYN。",
        .simultaneousOpenSYN: "同时打开：双方在同一时刻互相发送 SYN，两个 SYN 在网络中交错。双方都处于 SYN_SENT，并直接回应对方的 SYN，而不是等待 SYN-ACK。",
        .simultaneousOpenSYNACK: "{sender}用 SYN-ACK 回应交错的 SYN：重复自己的 ISN 并确认对方的 ISN；每一方在自己的 SYN 被确认后进入 ESTABLISHED，共用四个报文段而不是三个。",

        // 四次挥手
        .teardown1: "挥手 1/4：{sender}没有数据要发了，用 FIN 关闭自己这个方向（FIN_WAIT_1）。它仍然可以接收数据：TCP 的两个方向是分别关闭的，所以关闭连接需要四个报文段。",
        .teardown2: "挥手 2/4：{sender}确认收到 FIN，进入 CLOSE_WAIT：它的应用程序得知对方的数据流已结束，但自己仍可以继续发送数据。{receiver}的 FIN 已被确认，在 FIN_WAIT_2 中等待另一个方向关闭。",
        .teardown3: "挥手 3/4：{sender}也发送完毕，发出自己的 FIN；在 LAST_ACK 中它只等待这个 FIN 被确认。",
        .teardown4: "挥手 4/4：{sender}确认最后一个 FIN，{receiver}进入 CLOSED。{sender}在 TIME_WAIT 中停留 2×MSL（这里是 {twomsl} 秒）：如果这个 ACK 丢失，仍能回应对方重传的 FIN；同时让这个连接滞留在网络中的旧报文段全部消失，之后才能再次使用相同的地址和端口。",
        .teardown2and3: "{sender}在同一个报文段中确认对方的 FIN 并发出自己的 FIN（三段式关闭），经过 CLOSE_WAIT 直接进入 LAST_ACK。{receiver}在确认这个 FIN 之前一直处于 FIN_WAIT_1。",
        .simultaneousCloseFIN: "同时关闭：{sender}在对方的 FIN 还在路上时发出了自己的 FIN，两个 FIN 交错。双方都处于 FIN_WAIT_1，各自等待自己的 FIN 被确认。",
        .simultaneousCloseACK: "{sender}确认对方的 FIN。已确认对方 FIN、但自己的 FIN 尚未被确认的一方处于 CLOSING；两件事都完成后进入 TIME_WAIT。",
        .simultaneousCloseLastACK: "两个 FIN 都已被确认：同时关闭之后双方都进入 TIME_WAIT，各自等待 2×MSL（这里是 {twomsl} 秒）连接才真正消失。",

        // 复位
        .reset: "{sender}用 RST 中止连接（此前处于 {state}）：没有 FIN 交换，也没有 TIME_WAIT，双方立即丢弃连接，仍在传输中的数据全部丢失。应用程序会看到“connection reset by peer”（连接被对方重置）；程序崩溃、带着未读数据关闭套接字或 SO_LINGER 为 0 都会发出 RST。",
        .resetInHandshake: "{sender}在握手过程中回应 RST（此前处于 {state}）：这次连接尝试被放弃，双方回到 CLOSED，连接从未建立。",
        .refused: "连接被拒绝：服务器的这个端口上没有程序在监听（或防火墙代为回应），所以服务器主机用 RST 回应 SYN。客户端的 connect() 立即以“connection refused”失败；连接从未存在过。",

        // 普通报文段
        .data: "{sender}发送 {len} 字节数据。它的确认号告诉{receiver}自己期望的下一个字节：在此之前的数据都已收到。",
        .pureAck: "纯确认报文：{sender}确认到目前为止收到的数据，不携带数据。TCP 的确认是累积的，一个 ACK 可以确认多个报文段。",
        .other: "一个既没有 ACK 也没有数据的报文段，不改变任何一端的状态。",

        // 没有具体步骤时的状态变化
        .enterClosed: "{role}现在处于 CLOSED：对它来说连接已不存在。",
        .enterListen: "{role}处于 LISTEN：在这个端口上等待 SYN。",
        .enterSynSent: "{role}已发出 SYN，在 SYN_SENT 中等待回应。",
        .enterSynReceived: "{role}已回应 SYN，在 SYN_RECEIVED 中等待自己的 SYN 被确认。",
        .enterEstablished: "{role}现在处于 ESTABLISHED：双方的序列号都已确定，数据可以双向传输。",
        .enterFinWait1: "{role}已发出 FIN，在 FIN_WAIT_1 中等待它被确认。",
        .enterFinWait2: "{role}的 FIN 已被确认；在 FIN_WAIT_2 中它仍可接收数据，直到对方也关闭。",
        .enterCloseWait: "{role}收到了对方的 FIN，处于 CLOSE_WAIT：在它的应用程序关闭之前仍可发送数据。",
        .enterClosing: "{role}处于 CLOSING：它已确认对方的 FIN，但自己的 FIN 还没有被确认。",
        .enterLastAck: "{role}在对方之后发出了自己的 FIN，在 LAST_ACK 中等待最后的确认。",
        .enterTimeWait: "{role}进入 TIME_WAIT 并停留 2×MSL（这里是 {twomsl} 秒），以便在最后的 ACK 丢失时重发它，并让旧报文段在端口被重用之前全部消失。",

        // 注记
        .retransmission: "第 {count} 次重传：{sender}再次发送相同序列号的数据，因为没有及时收到确认（重传定时器超时）。TCP 会不断重传，每次等待更久，直到收到确认或放弃。",
        .fastRetransmission: "快速重传：{receiver}重复发送了相同的 ACK（重复确认），说明有一个报文段丢失而后面的报文段已经到达，所以{sender}立即重传它，而不必等待定时器超时。",
        .spuriousRetransmission: "虚假重传：{receiver}早已确认过这些数据，这次重传是不必要的（确认来得晚了或丢失了）。",
        .midstream: "抓包开始于这个连接的 SYN 之后：客户端和服务器的角色是推断的（端口号较小的一方被视为服务器），双方状态先假定为 ESTABLISHED，直到有报文证实。",
        .handshakeAckMismatch: "确认号与握手不符：应为 {expected}，实际为 {got}。正确的一端会用 RST 回应这样的报文段：它确认的是一个从未发出的 SYN（旧的重复报文，或对方出错）。",
        .oldDuplicateSYNRecovery: "这个 RST 是 RFC 9293 中对旧的重复 SYN 的恢复机制：客户端不认识这个 SYN-ACK（它确认的是客户端已不再使用的 SYN），于是将其复位；服务器回到 LISTEN，客户端继续等待正确的 SYN-ACK。",
        .halfCloseData: "半关闭：{sender}在收到对方的 FIN 之后仍在发送数据。这是允许的：FIN 只关闭一个方向，另一个方向在发出自己的 FIN 之前保持打开。",
        .afterClose: "这个报文在连接关闭之后才到达：是迟到的重传或零散的报文段，不改变任何状态。",
        .dataOnSYN: "SYN 携带了数据（TCP Fast Open）：客户端凭借之前连接获得的 cookie，在 SYN 中直接发送请求，节省一个往返时间。",
        .portReuse: "在与连接 #{previous} 相同的地址和端口上建立了新连接：带有新 ISN 的新 SYN 开始了新的连接实例，而 TIME_WAIT 正是为了让旧连接的报文段不干扰它。",
        .timeWaitAssassination: "一个 RST 到达了处于 TIME_WAIT 的一端。RFC 1337 称之为 TIME-WAIT 暗杀：如果服从它，TIME_WAIT 会提前结束，使这些端口上的下一个连接暴露在旧连接的报文段之下。",
        .invalidFlags: "这些标志组合没有意义（SYN 与 FIN 或 RST 同时出现，或 SYN、ACK、RST 都没有）：任何状态都不接受这样的报文段。端口扫描器会发送这种报文，两端都会忽略它。",
        .outOfOrder: "乱序：这个报文段的序列号比刚刚发出的报文段更小，说明网络改变了它们的顺序；接收方会先保存后面的数据，直到空缺被填上。",
        .duplicateAck: "第 {count} 个重复确认：{sender}再次确认同一个字节，因为有报文段在空缺之后到达。三个重复确认会让对方立即重传丢失的报文段（快速重传）。",
        .keepalive: "保活探测：长时间没有数据之后，{sender}发送一个比下一个序列号小一个字节的报文段，检查对方是否还在；对方若还在，会回应一个 ACK。",
        .keepaliveAck: "对保活探测的回应：{sender}重复发送它的 ACK，证明自己仍然在线，连接保持打开。",
        .zeroWindow: "零窗口：{sender}的接收缓冲区已满，它通知对方停止发送，直到再次通告有空间。",
        .windowProbe: "零窗口探测：{sender}向对方关闭的窗口发送一个字节，以便得知何时重新有空间，避免窗口更新丢失导致连接永远停滞。",
        .windowProbeAck: "对零窗口探测的回应：{sender}的窗口仍然为零，对方必须继续等待。",
        .lostSegment: "出现空缺：这个报文段的起始序列号超过了期望的下一个序列号，说明它之前的报文段没有被抓到（在网络中丢失，或抓包时漏掉）。",
        .ackedUnseenSegment: "这个 ACK 确认了抓包中从未出现的数据：抓包漏掉了一个{sender}实际收到的报文段。",
        .windowUpdate: "窗口更新：没有数据，确认号也相同，只是接收窗口变大了；{sender}告诉对方可以发送更多数据。",
        .rstOutOfWindow: "这个 RST 的序列号不在接收方的窗口内：根据 RFC 9293 和 RFC 5961，接收方必须忽略它，因为盲目猜测序列号的攻击者发出的正是这种报文。",
        .rstChallenged: "这个 RST 落在接收方的窗口内，但不正好是它期待的下一个字节。按照 RFC 5961，接收方回一个挑战 ACK 并保持原状态；只有序列号恰好等于该值的 RST 才会结束连接。",
        .rstNotAcknowledgingSYN: "处于 SYN_SENT 的一端只接受确认了它的 SYN 的 RST（RFC 9293 §3.10.7.3）；这个 RST 没有确认，因此被丢弃，该端继续等待。",
        .rstAnswersUnacceptableACK: "发送方处于 SYN_SENT，收到了一个没有确认它的 SYN 的 ACK（常常是这对端口上旧连接的残留）。RFC 9293 要求它用携带该确认号的 RST 回应并继续等待：它的下一个 SYN 仍是同一次尝试。",
        .finNotCaptured: "这个报文段的序列号比发送方已知发出的所有数据多一。只有 FIN 不带数据却占用一个序列号，所以发送方用一个抓包中缺失的 FIN 关闭了连接；它的状态据此推断。",
        .resetRevised: "在一个看似结束连接的 RST 之后，连接仍在继续：新的数据不断发送并被确认。该 RST 没有生效（接收方一定认为它不可接受），因此恢复它之前的状态。",
        .staleConnectionACK: "SYN 得到的回应是一个没有确认它的纯 ACK：对端仍保留着这对端口上较早的一个连接，并发出挑战 ACK（RFC 5961 §4）。新的 SYN 过早地重用了端口；客户端用 RST 结束旧连接，然后重发 SYN。",
        .synOnSynchronized: "一个 SYN 到达了已经同步的连接。没有任何状态接受它：RFC 5961 §4 要求接收方回一个挑战 ACK，并保持连接不变。",
        .synAckNewISN: "这个 SYN-ACK 与先前的一个回应同一个 SYN，却从另一个初始序列号开始：服务器重新开始了它那一半的握手（第一次尝试丢失或被丢弃），或者另一台主机（负载均衡器、SYN 代理）作了回应。客户端的 ACK 表明它接受了哪一个。",
        .unacceptableHandshakeACK: "这个 ACK 没有确认服务器的 SYN-ACK，所以服务器仍处于 SYN_RECEIVED（RFC 9293 §3.10.7.4 用 RST 回应这样的 ACK），握手没有完成。",
    ]
}
