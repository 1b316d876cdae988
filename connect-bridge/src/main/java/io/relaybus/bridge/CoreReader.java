package io.relaybus.bridge;

import io.nats.client.Dispatcher;
import io.nats.client.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Core NATS mode: a plain subscription (a queue group when several tasks share one subject). At-most-once: there
 * is no ack and no replay, so messages published while no task runs, dropped by the server because the task is a
 * slow consumer, or still buffered when the task stops, are lost. Records carry no source offset.
 */
final class CoreReader extends SubjectReader {

    private static final Logger log = LoggerFactory.getLogger(CoreReader.class);
    private Dispatcher dispatcher;

    CoreReader(Context ctx, String subject) {
        super(ctx, subject);
    }

    @Override
    void start() {
        dispatcher = ctx.connection().createDispatcher(this::onMessage);
        if (ctx.members() > 1) {
            dispatcher.subscribe(subject, ctx.durablePrefix() + "-" + Subjects.durableSafe(subject));
        } else {
            dispatcher.subscribe(subject);
        }
    }

    private void onMessage(Message m) {
        try {
            forward(m, null, null, null);
        } catch (RuntimeException e) {
            log.error("cannot forward NATS message on {}", m.getSubject(), e);
            ctx.onFailure().accept(e);
        }
    }

    @Override
    public void close() {
        if (dispatcher != null) {
            ctx.connection().closeDispatcher(dispatcher);
        }
    }
}
