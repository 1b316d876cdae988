package io.relaybus.bridge;

import java.util.function.BiConsumer;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.relaybus.api.Event;
import io.relaybus.nats.support.HeaderCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Core NATS mode: a plain subscription (a queue group when several tasks share one subject) on the transport's
 * connection, messages decoded by the transport's {@link HeaderCodec}. At-most-once: there is no ack and no replay, so
 * messages published while no task runs, dropped by the server because the task is a slow consumer, or still buffered
 * when the task stops, are lost. Records carry no source offset.
 */
final class CoreReader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CoreReader.class);
    private final Connection connection;
    private final String subject;
    private final String queueGroup;
    private final BiConsumer<Event, String> sink;
    private Dispatcher dispatcher;

    /** @param queueGroup the queue group shared by the members, or null for a plain subscription */
    CoreReader(Connection connection, String subject, String queueGroup, BiConsumer<Event, String> sink) {
        this.connection = connection;
        this.subject = subject;
        this.queueGroup = queueGroup;
        this.sink = sink;
    }

    void start() {
        dispatcher = connection.createDispatcher(this::onMessage);
        if (queueGroup != null) {
            dispatcher.subscribe(subject, queueGroup);
        } else {
            dispatcher.subscribe(subject);
        }
    }

    private void onMessage(Message m) {
        try {
            sink.accept(HeaderCodec.decode(m, subject, false), m.getSubject());
        } catch (RuntimeException e) {
            log.warn("NATS message on {} cannot be read and is dropped (core mode): {}", m.getSubject(), e.toString());
        }
    }

    @Override
    public void close() {
        if (dispatcher != null && connection.getStatus() != Connection.Status.CLOSED) {
            connection.closeDispatcher(dispatcher);
        }
    }
}
