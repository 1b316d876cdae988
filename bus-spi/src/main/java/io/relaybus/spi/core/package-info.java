/**
 * The shared core every transport and the Connect bridge reuse, never re-implement: {@link
 * io.relaybus.spi.core.KeyedDispatcher} (a fixed set of workers, per-key order, bounded queues that push back),
 * {@link io.relaybus.spi.core.DeliveryProcessor} (retries with backoff, dead letters, acknowledgement after success),
 * {@link io.relaybus.spi.support.Batcher} (count, bytes, linger; pushes batches), {@link io.relaybus.spi.support.BatchQueue}
 * (bounded by count and bytes; the consumer pulls what is there, natural batching), {@link
 * io.relaybus.spi.support.CallbackThread} (completes publish futures off client I/O threads, in order),
 * {@link io.relaybus.spi.support.OffsetTracker} (the contiguous acknowledged prefix of a partition) and
 * {@link io.relaybus.spi.core.BusMetrics}.
 */
package io.relaybus.spi.core;
