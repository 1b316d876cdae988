package io.relaybus.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamInfo;
import io.relaybus.api.BusFatalException;
import io.relaybus.api.BusRetriableException;
import io.relaybus.api.StartPosition;
import io.relaybus.nats.support.ConsumerSpec;
import io.relaybus.nats.support.JetStreamSupport;
import io.relaybus.nats.support.Names;
import io.relaybus.nats.support.StreamState;
import io.relaybus.spi.DeliverySink;
import io.relaybus.spi.SubscriptionSpec;
import io.relaybus.spi.TransportSubscription;
import io.relaybus.spi.support.UrlCredentials;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/**
 * {@link JetStreamSupport} over a transport's connection: stream look-ups and durable pull consumers for subject
 * filters, with the transport's {@link DurableConsumer} and {@link PullConsumerSubscription}. Thread safe; owned by
 * its {@link NatsTransport}.
 */
final class NatsJetStreamSupport implements JetStreamSupport {

    private final Connection connection;
    private final JetStreamManagement jsm;
    private final StreamRegistry streams;
    private final NatsConfig config;
    private final ScheduledExecutorService timer;

    NatsJetStreamSupport(Connection connection, JetStreamManagement jsm, StreamRegistry streams, NatsConfig config,
                         ScheduledExecutorService timer) {
        this.connection = connection;
        this.jsm = jsm;
        this.streams = streams;
        this.config = config;
        this.timer = timer;
    }

    @Override
    public StreamState streamState(String stream, String filterSubject) {
        try {
            List<String> holding = jsm.getStreamNames(filterSubject);
            String name = stream == null || stream.isBlank() ? null : stream;
            if (name == null && holding.size() == 1) {
                name = holding.get(0);
            }
            if (name == null || !holding.contains(name)) {
                throw new BusFatalException("Subject " + filterSubject + " is stored by "
                        + (holding.isEmpty() ? "no JetStream stream" : "the streams " + holding)
                        + (stream == null || stream.isBlank() ? "" : ", not by stream " + stream)
                        + "; create a stream for it (nats stream add --subjects '" + filterSubject + "'), or name "
                        + "the one to use");
            }
            StreamInfo info = jsm.getStreamInfo(name);
            return new StreamState(name, info.getCreateTime().toInstant(),
                    info.getStreamState().getFirstSequence(), info.getStreamState().getLastSequence());
        } catch (JetStreamApiException e) {
            throw new BusFatalException("JetStream refused to describe the stream of " + filterSubject + " (error "
                    + e.getApiErrorCode() + ": " + e.getErrorDescription() + ")", e);
        } catch (IOException | IllegalStateException e) {
            throw new BusRetriableException("Could not look up the JetStream stream of " + filterSubject + ": "
                    + UrlCredentials.hideAll(e.getMessage()) + " (servers " + NatsConnector.describeServers(config)
                    + ")", UrlCredentials.hidden(e));
        }
    }

    @Override
    public TransportSubscription consume(ConsumerSpec spec, DeliverySink sink) {
        String problem = Names.nameProblem(spec.durableName());
        if (problem != null) {
            throw new BusFatalException("Invalid durable consumer name '" + spec.durableName() + "': " + problem);
        }
        SubscriptionSpec subscription = new SubscriptionSpec(spec.filterSubject(), spec.durableName(),
                spec.fromStart() ? StartPosition.EARLIEST : StartPosition.LATEST, spec.maxInFlight());
        DurableConsumer consumer = new DurableConsumer(connection, jsm, streams, config, subscription,
                spec.filterSubject(), spec.durableName(), spec.stream(), spec.resumeAfter());
        return new PullConsumerSubscription(connection, config, subscription, sink, timer, consumer);
    }
}
