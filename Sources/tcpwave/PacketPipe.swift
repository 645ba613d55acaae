import Dispatch

/// Hands batches from one producer thread to one consumer thread: a ring of batches and two
/// counting semaphores. A side touches a batch only between acquiring and handing it on, and
/// the semaphores order those accesses, so the batches need no lock. Batches are filled and
/// drained in place and go round the ring again: the steady state allocates nothing.
final class PacketPipe<Batch: PipeBatch>: @unchecked Sendable {
    // @unchecked: the slots are shared memory whose exclusive use the semaphores guarantee.
    private let slots: UnsafeMutablePointer<Batch>
    private let slotCount: Int
    private let filled = DispatchSemaphore(value: 0)
    private let empty: DispatchSemaphore
    /// Touched only by the producer, and only by the consumer, respectively.
    private var writeIndex = 0
    private var readIndex = 0

    init(batches: Int) {
        slotCount = Swift.max(2, batches)
        empty = DispatchSemaphore(value: slotCount)
        slots = .allocate(capacity: slotCount)
        for i in 0..<slotCount { (slots + i).initialize(to: Batch()) }
    }

    deinit {
        slots.deinitialize(count: slotCount)
        slots.deallocate()
    }

    /// Producer: an empty batch to fill; waits while every batch is in flight.
    func batchToFill() -> UnsafeMutablePointer<Batch> {
        empty.wait()
        return slots + writeIndex
    }

    /// Producer: passes the batch from `batchToFill` to the consumer.
    func send() {
        writeIndex = (writeIndex + 1) % slotCount
        filled.signal()
    }

    /// Consumer: the next filled batch; waits until one is sent.
    func batchToDrain() -> UnsafeMutablePointer<Batch> {
        filled.wait()
        return slots + readIndex
    }

    /// Consumer: hands the batch from `batchToDrain` back, emptied, to the producer.
    func recycle() {
        slots[readIndex].clear()
        readIndex = (readIndex + 1) % slotCount
        empty.signal()
    }
}

/// What a PacketPipe carries: filled by the producer, cleared (keeping its storage) after use.
protocol PipeBatch: Sendable {
    init()
    mutating func clear()
}
