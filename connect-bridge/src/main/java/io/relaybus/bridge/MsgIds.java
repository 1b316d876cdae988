package io.relaybus.bridge;

/**
 * The JetStream {@code Nats-Msg-Id} of a Kafka record: {@code <topic>-<partition>-<offset>}. A record redelivered
 * after a task restart or a rewind gets the same id, so JetStream stores it once (within the stream's duplicate
 * window, 2 minutes by default). Unambiguous although topics may contain '-': partition and offset are the last
 * two numeric fields, and differ for every record of a topic.
 */
final class MsgIds {

    private MsgIds() {
    }

    static String of(String topic, int partition, long offset) {
        return topic + "-" + partition + "-" + offset;
    }
}
