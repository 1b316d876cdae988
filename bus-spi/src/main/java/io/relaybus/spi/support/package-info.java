/**
 * Helpers a transport (or another Relaybus module) may use; none is required: {@link
 * io.relaybus.spi.support.IntakeQueue} (the refuse, hold and offer-again loop of an intake), {@link
 * io.relaybus.spi.support.CallbackThread} (completes publish futures off a client's I/O threads, in order), {@link
 * io.relaybus.spi.support.OffsetTracker} (the commit point of a partition) and {@link
 * io.relaybus.spi.support.PendingOffsets} (the sorted offsets underneath it), {@link io.relaybus.spi.support.Batcher}
 * (pushes batches by count, bytes and linger), {@link io.relaybus.spi.support.BatchQueue} (bounded by count and bytes;
 * the consumer pulls what is there), {@link io.relaybus.spi.support.SettleOnceDelivery} (a delivery settled at most
 * once), {@link io.relaybus.spi.support.SwitchedSubscription} (the ready future and the pause and stop switches of a
 * subscription with an intake loop of its own), {@link io.relaybus.spi.support.UrlCredentials} (hides the user
 * information of URLs in messages, logs and reports), and for documentation {@link
 * io.relaybus.spi.support.MarkdownTable} and {@link io.relaybus.spi.support.GeneratedSections}. The contracts are in
 * {@link io.relaybus.spi}.
 */
package io.relaybus.spi.support;
