package io.relaybus.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A JVM this module forks ({@link EmbeddedKafka}'s broker, {@link EmbeddedConnect}'s worker): the options its public
 * builder takes ({@link Builder}) and the command that starts it. Immutable.
 */
final class ForkedJvm {

    private final String heap;
    private final List<String> jvmArgs;
    /** How long a start or restart may take before it counts as failed. */
    final Duration startupTimeout;

    ForkedJvm(Builder<?> builder) {
        this.heap = builder.heap;
        this.jvmArgs = List.copyOf(builder.jvmArgs);
        this.startupTimeout = builder.startupTimeout;
    }

    /**
     * The command that runs {@code mainClass}: this JVM's {@code java}, {@code -Xmx<heap> -Xms64m}, G1, exit on
     * out-of-memory, headless, SLF4J simple-logger lines with their time, then the instance's own {@code options},
     * the builder's {@link Builder#jvmArg extra options} (after them, so they win), {@code -cp classPath}, the main
     * class and {@code args}. A new mutable list, to which the caller may add arguments.
     */
    List<String> command(List<String> options, String classPath, Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(ProcessSupport.javaBinary(), "-Xmx" + heap, "-Xms64m",
                "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
                "-Dorg.slf4j.simpleLogger.showDateTime=true", "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS"));
        command.addAll(options);
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return command;
    }

    /**
     * The options every forked JVM's builder takes. Not thread-safe; use it on one thread.
     *
     * @param <B> the public builder, returned by each setter
     */
    abstract static class Builder<B extends Builder<B>> {
        private String heap = "512m";
        private Duration startupTimeout = Duration.ofSeconds(120);
        private final List<String> jvmArgs = new ArrayList<>();

        Builder() {
        }

        /** Maximum heap of the JVM in {@code -Xmx} syntax, e.g. {@code "512m"} (the default) or {@code "1g"}. */
        public B heap(String heap) {
            this.heap = Objects.requireNonNull(heap, "heap");
            return self();
        }

        /**
         * An extra option for the JVM, e.g. {@code -XX:TieredStopAtLevel=1} for a faster start; it comes after this
         * module's own options, so it can override them.
         */
        public B jvmArg(String arg) {
            jvmArgs.add(Objects.requireNonNull(arg, "arg"));
            return self();
        }

        /** How long {@code start()}/{@code restart()} wait until the JVM is ready; 120 s by default. */
        public B startupTimeout(Duration timeout) {
            this.startupTimeout = Objects.requireNonNull(timeout, "timeout");
            return self();
        }

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }
    }
}
