package io.relaybus.api;

import java.util.Objects;
import java.util.Optional;

/**
 * What to subscribe to and how to handle it. Immutable; build with {@link #builder(String)}.
 *
 * <ul>
 *   <li>{@code group}: members of one consumer group share the events (each handled by one member); two groups each
 *       see every event. Without a group the subscriber gets every event on its own, from {@link #startFrom()}.</li>
 *   <li>{@code concurrency}: how many events this subscriber handles at once (worker threads), default 1.</li>
 *   <li>{@code orderedByKey}: events with the same key are handled one at a time, in publish order (default on).
 *       Keyless events are spread over the workers.</li>
 *   <li>{@code retry}: attempts and backoff for a failing handler, default {@link RetryPolicy#DEFAULT}.</li>
 *   <li>{@code deadLetterTopic}: where events go once the retries are used up; default {@code <topic>.dlq}. The dead
 *       letter keeps the original's key, payload and headers (exact bytes), gets an id of its own (deterministic, so
 *       it is de-duplicated as itself) and adds the headers {@code relaybus.dlq.original.id},
 *       {@code relaybus.dlq.original.topic}, {@code relaybus.dlq.error.class}, {@code relaybus.dlq.error.message},
 *       {@code relaybus.dlq.attempts}, {@code relaybus.dlq.subscription} and {@code relaybus.dlq.failed.at}.</li>
 *   <li>{@code startFrom}: where a new group (or a groupless subscriber) starts; an existing group resumes where it
 *       left off. Default {@link StartPosition#LATEST}.</li>
 * </ul>
 */
public final class SubscribeOptions {

    private final String topic;
    private final String group;
    private final int concurrency;
    private final boolean orderedByKey;
    private final RetryPolicy retry;
    private final String deadLetterTopic;
    private final StartPosition startFrom;

    private SubscribeOptions(Builder b) {
        this.topic = b.topic;
        this.group = b.group;
        this.concurrency = b.concurrency;
        this.orderedByKey = b.orderedByKey;
        this.retry = b.retry;
        this.deadLetterTopic = b.deadLetterTopic != null ? b.deadLetterTopic : b.topic + ".dlq";
        this.startFrom = b.startFrom;
    }

    public static Builder builder(String topic) {
        return new Builder(topic);
    }

    public String topic() {
        return topic;
    }

    public Optional<String> group() {
        return Optional.ofNullable(group);
    }

    public int concurrency() {
        return concurrency;
    }

    public boolean orderedByKey() {
        return orderedByKey;
    }

    public RetryPolicy retry() {
        return retry;
    }

    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    public StartPosition startFrom() {
        return startFrom;
    }

    @Override
    public String toString() {
        return "SubscribeOptions{topic=" + topic + ", group=" + group + ", concurrency=" + concurrency
                + ", orderedByKey=" + orderedByKey + ", retry=" + retry + ", deadLetterTopic=" + deadLetterTopic
                + ", startFrom=" + startFrom + '}';
    }

    /** Builds {@link SubscribeOptions}. Not thread safe. */
    public static final class Builder {
        private final String topic;
        private String group;
        private int concurrency = 1;
        private boolean orderedByKey = true;
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private String deadLetterTopic;
        private StartPosition startFrom = StartPosition.LATEST;

        private Builder(String topic) {
            if (topic == null || topic.isBlank()) {
                throw new IllegalArgumentException("A subscription needs a topic; got " + (topic == null ? "null" : "'" + topic + "'"));
            }
            this.topic = topic;
        }

        public Builder group(String group) {
            if (group != null && group.isBlank()) {
                throw new IllegalArgumentException("group must not be blank; pass null for no group");
            }
            this.group = group;
            return this;
        }

        public Builder concurrency(int concurrency) {
            if (concurrency < 1 || concurrency > 1024) {
                throw new IllegalArgumentException("concurrency must be between 1 and 1024; got " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        public Builder orderedByKey(boolean orderedByKey) {
            this.orderedByKey = orderedByKey;
            return this;
        }

        public Builder retry(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        public Builder deadLetterTopic(String deadLetterTopic) {
            this.deadLetterTopic = deadLetterTopic;
            return this;
        }

        public Builder startFrom(StartPosition startFrom) {
            this.startFrom = Objects.requireNonNull(startFrom, "startFrom");
            return this;
        }

        public SubscribeOptions build() {
            return new SubscribeOptions(this);
        }
    }
}
