package io.relaybus.bench;

import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values of {@link BenchOptions}' flags: one picocli converter per kind of value, each checking it and saying
 * what is allowed ("must be between 1 and 1024"), and the parsing they share (counts with k/m suffixes, rates,
 * durations, KEY=VALUE pairs). Stateless.
 */
final class OptionValues {

    private OptionValues() {
    }

    /** A converter whose message is the reason alone; {@link BenchOptions} adds the flag and the value. */
    abstract static class Checked<T> implements ITypeConverter<T> {
        @Override
        public final T convert(String value) {
            try {
                return check(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }

        abstract T check(String value);
    }

    static final class TransportConverter extends Checked<BenchOptions.Transport> {
        @Override
        BenchOptions.Transport check(String v) {
            return oneOf(BenchOptions.Transport.class, v);
        }
    }

    static final class ModeConverter extends Checked<BenchOptions.Mode> {
        @Override
        BenchOptions.Mode check(String v) {
            return oneOf(BenchOptions.Mode.class, v);
        }
    }

    static final class PositiveLong extends Checked<Long> {
        @Override
        Long check(String v) {
            long n = parseLong(v);
            if (n < 1) {
                throw new IllegalArgumentException("must be at least 1");
            }
            if (n > BenchOptions.MAX_EVENTS) {
                throw new IllegalArgumentException("must be at most " + BenchOptions.MAX_EVENTS
                        + " (or use --duration)");
            }
            return n;
        }
    }

    static final class SizeConverter extends Checked<Integer> {
        @Override
        Integer check(String v) {
            return atLeast(v, BenchOptions.MIN_SIZE);
        }
    }

    static final class AtLeastZero extends Checked<Integer> {
        @Override
        Integer check(String v) {
            return atLeast(v, 0);
        }
    }

    static final class AtLeastOne extends Checked<Integer> {
        @Override
        Integer check(String v) {
            return atLeast(v, 1);
        }
    }

    static final class Concurrency extends Checked<Integer> {
        @Override
        Integer check(String v) {
            return between(v, 1, 1024);
        }
    }

    static final class BatchConverter extends Checked<Integer> {
        @Override
        Integer check(String v) {
            return between(v, 1, 100_000);
        }
    }

    static final class RateConverter extends Checked<Double> {
        @Override
        Double check(String v) {
            return positiveRate(v);
        }
    }

    static final class DurationConverter extends Checked<Duration> {
        @Override
        Duration check(String v) {
            return duration(v);
        }
    }

    static final class DurationOrZero extends Checked<Duration> {
        @Override
        Duration check(String v) {
            return v.strip().toLowerCase(Locale.ROOT).matches("0+(\\.0*)?(ms|s|m|h)?") ? Duration.ZERO : duration(v);
        }
    }

    static final class ProfileConverter extends Checked<String> {
        @Override
        String check(String v) {
            return choice(v, "throughput", "latency", "durable");
        }
    }

    static final class AcksConverter extends Checked<String> {
        @Override
        String check(String v) {
            String acks = choice(v, "all", "-1", "1", "0");
            return acks.equals("-1") ? "all" : acks;
        }
    }

    static final class CompressionConverter extends Checked<String> {
        @Override
        String check(String v) {
            return choice(v, "lz4", "snappy", "zstd", "gzip", "none");
        }
    }

    static final class NonBlank extends Checked<String> {
        @Override
        String check(String v) {
            return nonBlank(v);
        }
    }

    static final class JsonFile extends Checked<Path> {
        @Override
        Path check(String v) {
            Path p = Path.of(nonBlank(v));
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("no such file (the JSON report of an earlier run, e.g. "
                        + "bench-results/kafka-closed-20261130-2100.json)");
            }
            return p;
        }
    }

    static final class HttpUrl extends Checked<String> {
        @Override
        String check(String v) {
            return httpUrl(v);
        }
    }

    static final class DirectionConverter extends Checked<Directions> {
        @Override
        Directions check(String v) {
            return new Directions(v.equalsIgnoreCase("both") ? List.of(BenchOptions.Direction.values())
                    : List.of(direction(v)));
        }
    }

    static final class BusProperty extends Checked<KeyValue> {
        @Override
        KeyValue check(String v) {
            return keyValue(v, "bus.dispatch.queue.capacity=1024");
        }
    }

    static final class ConnectorProperty extends Checked<KeyValue> {
        @Override
        KeyValue check(String v) {
            KeyValue kv = keyValue(v, "tasks.max=2 or batch.linger.ms=5");
            String key = kv.key();
            if (BridgeSettings.FIXED.contains(key)) {
                throw new IllegalArgumentException(key + " is set by the bench (it names what is mirrored "
                        + "where); the fixed keys are " + String.join(", ", BridgeSettings.FIXED));
            }
            if (BridgeSettings.RAW_MIRROR_READS.contains(key)) {
                // The raw mirror sizes its own fetches and window from these, before the connector sees them.
                try {
                    if (Long.parseLong(kv.value()) < 1) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(key + " must be a whole number of at least 1");
                }
            }
            return kv;
        }
    }

    /** One {@code KEY=VALUE} of a repeatable property flag, trimmed. */
    record KeyValue(String key, String value) {
    }

    /** The directions {@code --direction} names. */
    record Directions(List<BenchOptions.Direction> list) {
    }

    private static KeyValue keyValue(String v, String example) {
        int eq = v.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("must be KEY=VALUE, e.g. " + example);
        }
        return new KeyValue(v.substring(0, eq).trim(), v.substring(eq + 1).trim());
    }

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    /** "10s", "500ms", "2m", "1m30s", "1.5s" or ISO-8601 ("PT10S"); more than 0. */
    static Duration duration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        Duration d = null;
        if (s.startsWith("pt")) {
            try {
                d = Duration.parse(s);
            } catch (java.time.format.DateTimeParseException e) {
                d = null;
            }
        } else if (!s.isEmpty()) {
            Matcher m = DURATION_PART.matcher(s);
            int at = 0;
            d = Duration.ZERO;
            while (d != null && at < s.length() && m.find(at) && m.start() == at) {
                double n = Double.parseDouble(m.group(1));
                long unitMillis = switch (m.group(2)) {
                    case "ms" -> 1;
                    case "s" -> 1_000;
                    case "m" -> 60_000;
                    default -> 3_600_000;
                };
                d = d.plusMillis(Math.round(n * unitMillis));
                at = m.end();
            }
            if (at != s.length()) {
                d = null;
            }
        }
        if (d == null) {
            throw new IllegalArgumentException("not a duration: a number with a unit, ms, s, m or h (e.g. 10s, "
                    + "500ms, 2m, 1m30s)");
        }
        if (d.isZero() || d.isNegative() || d.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException("must be more than 0 and at most 24h");
        }
        return d;
    }

    private static <E extends Enum<E>> E oneOf(Class<E> type, String v) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v)) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name().toLowerCase(Locale.ROOT));
        }
        throw new IllegalArgumentException("must be one of " + String.join(", ", names));
    }

    private static BenchOptions.Direction direction(String v) {
        for (BenchOptions.Direction d : BenchOptions.Direction.values()) {
            if (d.flag.equalsIgnoreCase(v)) {
                return d;
            }
        }
        throw new IllegalArgumentException("must be one of nats-to-kafka, kafka-to-nats, both");
    }

    private static String httpUrl(String v) {
        String url = nonBlank(v);
        try {
            java.net.URI uri = new java.net.URI(url);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return url;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        throw new IllegalArgumentException("must be the worker's REST URL, e.g. http://connect-1:8083");
    }

    private static String choice(String v, String... allowed) {
        String lower = v.toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(lower)) {
                return a;
            }
        }
        throw new IllegalArgumentException("must be one of " + String.join(", ", allowed));
    }

    private static int atLeast(String v, int min) {
        long n = parseLong(v);
        if (n < min || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("must be between " + min + " and " + Integer.MAX_VALUE);
        }
        return (int) n;
    }

    private static int between(String v, int min, int max) {
        long n = parseLong(v);
        if (n < min || n > max) {
            throw new IllegalArgumentException("must be between " + min + " and " + max);
        }
        return (int) n;
    }

    private static double positiveRate(String v) {
        String s = v.endsWith("/s") ? v.substring(0, v.length() - 2) : v;
        double d;
        try {
            d = Double.parseDouble(s.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number (events per second, e.g. 5000 or 5000/s)");
        }
        if (!(d > 0) || Double.isInfinite(d) || d > 10_000_000) {
            throw new IllegalArgumentException("must be more than 0 and at most 10000000 events per second");
        }
        return d;
    }

    private static long parseLong(String v) {
        try {
            String s = v.replace("_", "").replace(",", "").toLowerCase(Locale.ROOT);
            long mult = 1;
            if (s.endsWith("k")) {
                mult = 1_000;
                s = s.substring(0, s.length() - 1);
            } else if (s.endsWith("m")) {
                mult = 1_000_000;
                s = s.substring(0, s.length() - 1);
            }
            return Math.multiplyExact(Long.parseLong(s), mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a whole number");
        }
    }

    private static String nonBlank(String v) {
        if (v.isBlank()) {
            throw new IllegalArgumentException("must not be blank");
        }
        return v.trim();
    }
}
