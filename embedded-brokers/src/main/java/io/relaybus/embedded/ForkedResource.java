package io.relaybus.embedded;

import java.nio.file.Path;

/**
 * What {@link ForkedProcess} and {@link ForkedCluster} share: a working directory, a JVM exit hook that cleans up
 * when the owner never closed this, and an idempotent {@link #close()} that {@linkplain #terminate() terminates} what
 * this holds, then deletes the directory (when this owns it) and drops the exit hook.
 *
 * <p>Threading: {@link #close()} and {@link #isClosed()} are {@code synchronized}; the exit hook runs on its own
 * thread without the monitor.
 */
abstract class ForkedResource implements AutoCloseable {

    /** The working directory: configuration, log, data. */
    final Path dir;
    private final boolean ownsDirectory;
    private final Thread shutdownHook;
    private boolean closed;

    /**
     * @param dir           the working directory, already created
     * @param ownsDirectory whether {@link #close()} (and the exit hook) delete it
     */
    ForkedResource(Path dir, boolean ownsDirectory) {
        this.dir = dir;
        this.ownsDirectory = ownsDirectory;
        this.shutdownHook = ProcessSupport.addShutdownHook("relaybus-embedded-" + dir.getFileName(), this::onJvmExit);
    }

    /**
     * The working directory: configuration, log and data (a cluster's has one directory per node). {@link #close()}
     * deletes it when this owns it.
     */
    public Path directory() {
        return dir;
    }

    /**
     * Starts what this holds and waits until it is ready; throws when it is not. Called by {@link #startOrClose}
     * before the builder hands this out.
     */
    abstract void launch();

    /** For {@link #close()}: stops what this holds (processes, clients); the directory is deleted after it. */
    abstract void terminate();

    /** Run by the exit hook when this was never closed: deletes the directory when this owns it. */
    void onJvmExit() {
        if (ownsDirectory) {
            ProcessSupport.deleteRecursively(dir);
        }
    }

    /** {@linkplain #terminate() Terminates} and deletes the directory when this owns it. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            terminate();
        } finally {
            dropDirectoryAndHook();
        }
    }

    /** {@code true} once {@link #close()} (or {@link #abandon()}) was called. */
    final synchronized boolean isClosed() {
        return closed;
    }

    /** For a subclass constructor that fails after this one ran: drops the exit hook and the owned directory. */
    final void abandon() {
        closed = true;
        dropDirectoryAndHook();
    }

    private void dropDirectoryAndHook() {
        if (ownsDirectory) {
            ProcessSupport.deleteRecursively(dir);
        }
        ProcessSupport.removeShutdownHook(shutdownHook);
    }

    /** For a builder's {@code start()}: launches {@code resource}, closing it when it does not come up. */
    static <R extends ForkedResource> R startOrClose(R resource) {
        try {
            resource.launch();
            return resource;
        } catch (RuntimeException e) {
            resource.close();
            throw e;
        }
    }
}
