package io.relaybus.embedded;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A broker this module forks ({@link EmbeddedKafka}, {@link EmbeddedNats}): a {@link BrokerHandle} whose
 * {@link #stop()}, {@link #kill()} and {@link #restart()} are those of {@link ForkedProcess}, so it can always be
 * restarted and is never external. Lifecycle and threading as in {@link ForkedProcess}.
 */
abstract class EmbeddedBroker extends ForkedProcess implements BrokerHandle {

    EmbeddedBroker(Path dir, boolean ownsDirectory, Path logFile, Duration stopGrace) {
        super(dir, ownsDirectory, logFile, stopGrace);
    }

    @Override
    public final boolean canRestart() {
        return true;
    }

    @Override
    public final boolean isExternal() {
        return false;
    }
}
