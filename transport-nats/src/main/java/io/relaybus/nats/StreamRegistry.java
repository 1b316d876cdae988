package io.relaybus.nats;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.CompressionOption;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.relaybus.api.BusException;
import io.relaybus.api.BusFatalException;
import io.relaybus.api.BusRetriableException;
import io.relaybus.spi.config.ConfigValues;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Knows which stream stores each subject, creating or extending streams on first use.
 *
 * <p>Resolution of a subject, once per subject and bus (then cached):
 * <ol>
 *   <li>a stream that already captures the subject (possibly through a wildcard, e.g. a stream an operator made for
 *       {@code orders.>}) is used as it is;</li>
 *   <li>otherwise, with {@code nats.stream.provision=true}, the stream named by {@code nats.stream.name} is created
 *       with exactly this subject, or, when that stream exists, the subject is added to it; with provisioning off
 *       this is a {@link BusFatalException} naming the stream to create.</li>
 * </ol>
 * Streams are created with the literal subject only, never a wildcard, so a topic's dead-letter topic
 * ({@code orders.dlq}) lands in its own stream and not inside {@code orders}'s.
 *
 * <p>Thread safe: concurrent first uses of one subject share one resolution. A failed resolution is not cached.
 */
final class StreamRegistry {

    static final int STREAM_NOT_FOUND = 10059;
    static final int STREAM_NAME_IN_USE = 10058;
    static final int SUBJECTS_OVERLAP = 10065;

    private final JetStreamManagement jsm;
    private final NatsConfig config;
    private final ConcurrentHashMap<String, CompletableFuture<String>> streams = new ConcurrentHashMap<>();

    StreamRegistry(JetStreamManagement jsm, NatsConfig config) {
        this.jsm = jsm;
        this.config = config;
    }

    /** The stream of {@code subject}, resolving it now if it is not known yet. Blocks for the first use. */
    String streamFor(String topic, String subject) {
        CompletableFuture<String> resolved = streams.get(subject);
        if (resolved != null && resolved.isDone() && !resolved.isCompletedExceptionally()) {
            return resolved.join();     // the common case: no allocation per publish
        }
        CompletableFuture<String> mine = new CompletableFuture<>();
        CompletableFuture<String> known = streams.putIfAbsent(subject, mine);
        if (known != null) {
            try {
                return known.join();
            } catch (CompletionException e) {
                throw (RuntimeException) e.getCause();
            }
        }
        try {
            String stream = resolve(topic, subject);
            mine.complete(stream);
            return stream;
        } catch (RuntimeException e) {
            streams.remove(subject, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    /** Forgets {@code subject}'s stream, for example after the server said nothing stores it any more. */
    void forget(String subject) {
        streams.remove(subject);
    }

    private String resolve(String topic, String subject) {
        try {
            for (int attempt = 1; ; attempt++) {
                List<String> holding = jsm.getStreamNames(subject);
                if (!holding.isEmpty()) {
                    return holding.get(0);
                }
                String name = config.streamNameFor(topic);
                if (!config.values().getBoolean(NatsConfig.STREAM_PROVISION_CONFIG)) {
                    throw new BusFatalException("No JetStream stream stores subject '" + subject + "' (topic '" + topic
                            + "') and " + NatsConfig.STREAM_PROVISION_CONFIG + " is false: create one, for example "
                            + "'nats stream add " + name + " --subjects " + subject + "', or enable provisioning");
                }
                try {
                    StreamInfo info = jsm.getStreamInfo(name);
                    StreamConfiguration existing = info.getConfiguration();
                    if (!existing.getSubjects().contains(subject)) {
                        jsm.updateStream(StreamConfiguration.builder(existing).addSubjects(subject).build());
                    }
                    // re-check: a concurrent update by another bus may have replaced the subject list
                } catch (JetStreamApiException e) {
                    if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                        throw e;
                    }
                    try {
                        jsm.addStream(newStream(name, subject));
                        return name;
                    } catch (JetStreamApiException race) {
                        if (race.getApiErrorCode() != STREAM_NAME_IN_USE && race.getApiErrorCode() != SUBJECTS_OVERLAP) {
                            throw race;
                        }
                        // created concurrently by someone else: look again
                    }
                }
                if (attempt >= 5) {
                    throw new BusRetriableException("Could not add subject '" + subject + "' to stream '" + name
                            + "': it kept changing concurrently; try again");
                }
            }
        } catch (JetStreamApiException e) {
            throw new BusFatalException("JetStream refused to provide a stream for subject '" + subject + "' (error "
                    + e.getApiErrorCode() + ": " + e.getErrorDescription() + "); check the server's JetStream limits "
                    + "and permissions, or create the stream yourself", e);
        } catch (IOException e) {
            throw new BusRetriableException("Could not look up the JetStream stream for subject '" + subject + "': "
                    + e.getMessage() + "; the server may be restarting, try again", e);
        } catch (IllegalStateException e) {
            throw new BusRetriableException("Could not look up the JetStream stream for subject '" + subject + "': "
                    + e.getMessage(), e);
        } catch (BusException e) {
            throw e;
        }
    }

    private StreamConfiguration newStream(String name, String subject) {
        ConfigValues v = config.values();
        StreamConfiguration.Builder b = StreamConfiguration.builder()
                .name(name)
                .subjects(subject)
                .storageType(v.getEnum(NatsConfig.STREAM_STORAGE_CONFIG, NatsConfig.Storage.class)
                        == NatsConfig.Storage.MEMORY ? StorageType.Memory : StorageType.File)
                .retentionPolicy(retention(v.getEnum(NatsConfig.STREAM_RETENTION_CONFIG, NatsConfig.Retention.class)))
                .replicas(v.getInt(NatsConfig.STREAM_REPLICAS_CONFIG))
                .duplicateWindow(v.getDuration(NatsConfig.STREAM_DUPLICATE_WINDOW_CONFIG))
                .maxBytes(v.getLong(NatsConfig.STREAM_MAX_BYTES_CONFIG));
        long maxAge = v.getLong(NatsConfig.STREAM_MAX_AGE_CONFIG);
        if (maxAge > 0) {
            b.maxAge(Duration.ofMillis(maxAge));
        }
        if (v.getEnum(NatsConfig.STREAM_COMPRESSION_CONFIG, NatsConfig.Compression.class)
                == NatsConfig.Compression.S2) {
            b.compressionOption(CompressionOption.S2);
        }
        return b.build();
    }

    private static RetentionPolicy retention(NatsConfig.Retention r) {
        switch (r) {
            case WORKQUEUE:
                return RetentionPolicy.WorkQueue;
            case INTEREST:
                return RetentionPolicy.Interest;
            default:
                return RetentionPolicy.Limits;
        }
    }
}
