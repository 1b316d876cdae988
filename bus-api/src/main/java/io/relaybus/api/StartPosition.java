package io.relaybus.api;

/** Where a new consumer group, or a subscriber without a group, starts reading a topic. */
public enum StartPosition {
    /** Only events published after the subscription became ready. */
    LATEST,
    /** Every event the broker still retains. */
    EARLIEST
}
