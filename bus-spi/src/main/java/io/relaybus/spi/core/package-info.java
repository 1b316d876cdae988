/**
 * The shared core every transport and the Connect bridge reuse, never re-implement: {@link
 * io.relaybus.spi.core.KeyedDispatcher} (a fixed set of workers, per-key order, bounded queues that push back),
 * {@link io.relaybus.spi.core.DeliveryProcessor} (retries with backoff, dead letters, acknowledgement after success),
 * {@link io.relaybus.spi.core.Batcher} (count, bytes, linger), {@link io.relaybus.spi.core.OffsetTracker} (the
 * contiguous acknowledged prefix of a partition) and {@link io.relaybus.spi.core.BusMetrics}.
 */
package io.relaybus.spi.core;
