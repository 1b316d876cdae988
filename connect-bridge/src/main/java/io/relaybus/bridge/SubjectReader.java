package io.relaybus.bridge;

import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * Reads one subject filter for a {@link NatsSourceTask} and turns each message into a {@link SourceRecord}: topic
 * and key from the message's real subject, NATS headers as Connect headers plus the origin header, the payload as
 * bytes. Subclasses own their threads; {@link #close()} stops them.
 */
abstract class SubjectReader implements AutoCloseable {

    /** What every reader of one task shares. */
    record Context(NatsSourceConfig config, Connection connection, TopicMapper topics, KeyExtractor keys,
                   Origins origins, OffsetStorageReader offsets, String durablePrefix, int member, int members,
                   BiConsumer<SourceRecord, Message> sink, Consumer<Throwable> onFailure) {
    }

    final Context ctx;
    final String subject;

    SubjectReader(Context ctx, String subject) {
        this.ctx = ctx;
        this.subject = subject;
    }

    abstract void start();

    @Override
    public abstract void close();

    /**
     * Converts and forwards one message, or, if its origin is a skipped peer, returns false (the caller acks it).
     */
    final boolean forward(Message m, Map<String, ?> partition, Map<String, ?> offset, Long timestamp) {
        Headers natsHeaders = m.getHeaders();
        if (natsHeaders != null && ctx.origins().skip(natsHeaders.getFirst(Origins.HEADER))) {
            return false;
        }
        String realSubject = m.getSubject();
        ConnectHeaders headers = new ConnectHeaders();
        HeaderMapping.toConnect(natsHeaders, headers, Origins.HEADER);
        headers.addString(Origins.HEADER, ctx.origins().ownId());
        SourceRecord record = new SourceRecord(partition, offset, ctx.topics().topicFor(realSubject), null,
                Schema.OPTIONAL_STRING_SCHEMA, ctx.keys().keyFor(realSubject, natsHeaders),
                Schema.OPTIONAL_BYTES_SCHEMA, m.getData(), timestamp, headers);
        ctx.sink().accept(record, m.isJetStream() ? m : null);
        return true;
    }
}
