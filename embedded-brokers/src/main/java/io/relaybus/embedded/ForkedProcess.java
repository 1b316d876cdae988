package io.relaybus.embedded;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The lifecycle every process this module forks shares ({@link EmbeddedKafka}, {@link EmbeddedNats},
 * {@link EmbeddedConnect}): start and wait until ready (killing it when it is not), graceful stop with a grace period,
 * kill, restart on the same ports and data, close, and a JVM exit hook that kills the process and deletes the owned
 * directory when the owner never closed it.
 *
 * <p>Threading: lifecycle methods are {@code synchronized}; the process reference is volatile so that
 * {@link #cpuTime()} and the exit hook read it without the monitor (a start-up may hold that for minutes).
 */
abstract class ForkedProcess extends ForkedResource {

    /** The process's stdout and stderr, appended to across restarts. */
    final Path logFile;
    private final Duration stopGrace;
    private volatile Process process;

    /**
     * @param dir           the process's working directory (configuration, log, data)
     * @param ownsDirectory whether {@link #close()} (and the exit hook) delete it
     * @param logFile       where the process writes; start-up lines are appended to it
     * @param stopGrace     how long {@link #stop()} waits after SIGTERM before it kills
     */
    ForkedProcess(Path dir, boolean ownsDirectory, Path logFile, Duration stopGrace) {
        super(dir, ownsDirectory);
        this.logFile = logFile;
        this.stopGrace = stopGrace;
    }

    /** Starts the process; the caller keeps it and kills it if {@link #awaitReady} throws. */
    abstract Process spawn();

    /** Returns once the process serves requests; throws (naming the log's tail) when it will not. */
    abstract void awaitReady(Process process);

    /** The process's stdout/stderr; appended to across restarts. */
    public Path logFile() {
        return logFile;
    }

    /**
     * For {@link #spawn()}: notes {@code what} and the command in the log, then starts {@code command} in the working
     * directory with stdout and stderr appended to the log.
     *
     * @throws IllegalStateException naming {@code what} when the command cannot be started
     */
    final Process startLogged(List<String> command, String what, String shown) {
        ProcessSupport.appendLine(logFile, "[relaybus] ---- starting " + what + ": " + shown);
        try {
            return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + what + " " + command.get(0) + ": " + e, e);
        }
    }

    /** CPU time of the running process so far (all its threads); empty when none runs or the platform does not tell. */
    public Optional<Duration> cpuTime() {
        return ProcessSupport.cpuTime(process);
    }

    public synchronized boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Stops the process gracefully (SIGTERM, killed after the grace period) and waits. No-op if not running. */
    public synchronized void stop() {
        ProcessSupport.stop(process, stopGrace);
        release();
    }

    /** Kills the process (SIGKILL): a simulated crash. Ports and data are kept. */
    public synchronized void kill() {
        ProcessSupport.kill(process);
        release();
    }

    /**
     * Starts the process on the same ports and data (stopping it gracefully first if it runs) and waits until it is
     * ready.
     *
     * @throws IllegalStateException if this is closed, or the process exits or is not ready in time
     */
    public synchronized void restart() {
        if (isClosed()) {
            throw new IllegalStateException(this + " is closed");
        }
        stop();
        launch();
    }

    /** Stops the process; {@link #close()} then deletes its directory when this owns it. */
    @Override
    final void terminate() {
        stop();
    }

    /** Starts the process and waits until it is ready, killing it when it is not. */
    @Override
    final void launch() {
        long started = System.nanoTime();
        Process p = spawn();
        process = p;
        try {
            awaitReady(p);
        } catch (RuntimeException e) {
            ProcessSupport.kill(p);
            release();
            throw e;
        }
        ProcessSupport.appendLine(logFile, "[relaybus] ---- ready after "
                + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
    }

    /** Closes our end of the process's stdin pipe once it is gone (its parent watchdog then has nothing to do). */
    private void release() {
        Process p = process;
        if (p != null) {
            ProcessSupport.closeQuietly(p.getOutputStream());
            process = null;
        }
    }

    /** Kills the process, then deletes the directory when this owns it. */
    @Override
    void onJvmExit() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
            try {
                p.waitFor();
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
        }
        super.onJvmExit();
    }
}
