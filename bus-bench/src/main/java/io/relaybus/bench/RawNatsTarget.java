package io.relaybus.bench;

import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The raw baseline for NATS JetStream: {@code publishAsync} (the run's window bounds the publishes outstanding)
 * with the headers the bus sends (a 36-character {@code Nats-Msg-Id}, by which JetStream de-duplicates, the key and
 * an ISO-8601 timestamp; see {@link WireIds}), into a file-backed stream; and a durable
 * pull consumer with explicit acks, consumed with jnats' {@code ConsumerContext.consume} (pull requests of
 * {@value #BATCH} messages kept outstanding, expiring after {@value #EXPIRES_MS} ms), acking each message after the
 * receiver saw it. Batch and expiry mirror the bus's defaults (nats.fetch.max.messages, nats.fetch.max.wait.ms).
 */
final class RawNatsTarget implements Target {

    static final int BATCH = 512;
    static final long EXPIRES_MS = 1000;

    private final String url;
    private final String stream;
    private final String subject;
    private final String durable;
    private Connection connection;
    private JetStream js;
    private MessageConsumer messageConsumer;
    private int batch;
    private int replicas = 1;
    private volatile boolean running = true;
    private Thread fetcher;
    private final WireIds ids = new WireIds();

    RawNatsTarget(String url, String stream, String subject, String durable) {
        this.url = url;
        this.stream = stream;
        this.subject = subject;
        this.durable = durable;
    }

    /** Creates its stream with {@code replicas} replicas (3 on a cluster, like the bus's nats.stream.replicas). */
    RawNatsTarget replicas(int replicas) {
        this.replicas = replicas;
        return this;
    }

    /** Consumes with {@code fetch} batches of up to {@code maxMessages}, acking each; 0 keeps {@code consume}. */
    RawNatsTarget batch(int maxMessages) {
        this.batch = maxMessages;
        return this;
    }

    @Override
    public String kind() {
        return "raw";
    }

    @Override
    public String description() {
        return "jnats JetStream publishAsync + pull consumer";
    }

    @Override
    public Map<String, String> settings() {
        Map<String, String> s = new TreeMap<>();
        s.put("stream", stream + " (file storage, limits retention, duplicate window 2 min)");
        s.put("subject", subject);
        s.put("publish", "publishAsync with the bus's headers: Nats-Msg-Id (36 chars), Relaybus-Key, Relaybus-Timestamp");
        s.put("connection", "dontForceFlushOnRequest, as the bus's connection (no flush after each publish)");
        s.put("consumer", "durable " + durable + ", AckPolicy.Explicit, DeliverPolicy.All");
        s.put("consume.batch.size", String.valueOf(BATCH));
        s.put("consume.expires.ms", String.valueOf(EXPIRES_MS));
        s.put("consumer.threads", "1 (jnats dispatcher; ack after each message)");
        if (batch > 0) {
            s.put("consume.batch.size", batch + " (--batch: fetch batches on one thread, ack after each message)");
            s.put("consumer.threads", "1 (fetch loop; the batch's messages handed over, then acked)");
        }
        return s;
    }

    @Override
    public void open() throws Exception {
        // The option of the bus's connection that changes what jnats does per publish (transport-nats's NatsConnector):
        // queued publishes go out in one socket write, instead of a write and a flush after every JetStream publish.
        connection = Nats.connect(Options.builder().server(url).connectionName("bench-raw").dontForceFlushOnRequest()
                .build());
        js = connection.jetStream();
    }

    @Override
    public void subscribe(Receiver receiver) throws Exception {
        JetStreamManagement jsm = connection.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name(stream).subjects(subject).storageType(StorageType.File)
                .retentionPolicy(RetentionPolicy.Limits).duplicateWindow(Duration.ofMinutes(2)).replicas(replicas)
                .build());
        jsm.addOrUpdateConsumer(stream, ConsumerConfiguration.builder().durable(durable).filterSubject(subject)
                .ackPolicy(AckPolicy.Explicit).deliverPolicy(DeliverPolicy.All).build());
        ConsumerContext cc = connection.getConsumerContext(stream, durable);
        if (batch > 0) {
            fetcher = new Thread(() -> fetchLoop(cc, receiver), "bench-raw-nats-fetch");
            fetcher.setDaemon(true);
            fetcher.start();
            return;
        }
        messageConsumer = cc.consume(ConsumeOptions.builder().batchSize(BATCH).expiresIn(EXPIRES_MS).build(), msg -> {
            receiver.onEvent(msg.getData());
            msg.ack();
        });
    }

    private void fetchLoop(ConsumerContext cc, Receiver receiver) {
        List<Message> messages = new ArrayList<>(batch);
        try {
            while (running) {
                try (FetchConsumer fc = cc.fetch(FetchConsumeOptions.builder().maxMessages(batch)
                        .expiresIn(EXPIRES_MS).build())) {
                    for (Message m = fc.nextMessage(); m != null; m = fc.nextMessage()) {
                        messages.add(m);
                    }
                }
                for (Message m : messages) {
                    receiver.onEvent(m.getData());
                }
                for (Message m : messages) {
                    m.ack();
                }
                messages.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (running) {
                System.err.println("raw NATS fetch loop failed: " + e);
            }
        }
    }

    @Override
    public void publish(byte[] payload, String key, AckCallback callback) {
        // The headers the bus sends: id (JetStream de-duplicates by it), key, ISO-8601 timestamp.
        Headers headers = new Headers();
        headers.put("Nats-Msg-Id", ids.next());
        if (key != null) {
            headers.put("Relaybus-Key", key);
        }
        headers.put("Relaybus-Timestamp", Instant.now().toString());
        NatsMessage msg = NatsMessage.builder().subject(subject).headers(headers).data(payload).build();
        try {
            js.publishAsync(msg).whenComplete((ack, error) -> callback.done(error));
        } catch (RuntimeException e) {
            callback.done(e);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            if (messageConsumer != null) {
                messageConsumer.stop();
            }
            if (fetcher != null) {
                fetcher.join(EXPIRES_MS * 5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (connection != null) {
                try {
                    connection.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public String destination() {
        return stream;
    }
}
