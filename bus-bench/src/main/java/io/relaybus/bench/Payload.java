package io.relaybus.bench;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * The bytes of one benchmark event: a 17-byte header the receiver reads, then filler text.
 *
 * <pre>
 *   [0..8)   sequence number (big endian); 0..events-1 in the measured phase
 *   [8..16)  send time, System.nanoTime() of this JVM: the actual send time in closed loop, the INTENDED send time
 *            in fixed-rate mode (so a publisher that falls behind shows up as latency: no coordinated omission)
 *   [16]     phase: {@link #FIRST}, {@link #WARMUP}, {@link #MEASURED} or {@link #PROBE}
 *   [17..)   filler
 * </pre>
 *
 * <p>Publisher and subscriber run in the same JVM, so the monotonic clock is shared and no clock sync is needed.
 * The filler is a window into a 64 KiB text of words (fixed seed) at an offset that varies per event, so it compresses
 * about like JSON logs do, neither like zeros (which would flatter LZ4/ZSTD) nor like random bytes.
 */
final class Payload {

    static final int HEADER_BYTES = 17;
    static final byte FIRST = 1;
    static final byte WARMUP = 2;
    static final byte MEASURED = 3;
    static final byte PROBE = 4;

    private static final byte[] CORPUS = corpus(64 * 1024);

    private Payload() {
    }

    static byte[] encode(long seq, long sendNanos, byte phase, int size) {
        byte[] b = new byte[Math.max(size, HEADER_BYTES)];
        putLong(b, 0, seq);
        putLong(b, 8, sendNanos);
        b[16] = phase;
        int fill = b.length - HEADER_BYTES;
        if (fill > 0) {
            int span = CORPUS.length - Math.min(fill, CORPUS.length);
            int from = span == 0 ? 0 : (int) Math.floorMod(seq * 7919L, (long) span);
            int copied = 0;
            while (copied < fill) {
                int n = Math.min(fill - copied, CORPUS.length - from);
                System.arraycopy(CORPUS, from, b, HEADER_BYTES + copied, n);
                copied += n;
                from = 0;
            }
        }
        return b;
    }

    static long seq(byte[] b) {
        return getLong(b, 0);
    }

    static long sendNanos(byte[] b) {
        return getLong(b, 8);
    }

    /** The phase byte, or 0 when the bytes are too short to be a benchmark event. */
    static byte phase(byte[] b) {
        return b.length < HEADER_BYTES ? 0 : b[16];
    }

    private static void putLong(byte[] b, int at, long v) {
        for (int i = 7; i >= 0; i--) {
            b[at + i] = (byte) v;
            v >>>= 8;
        }
    }

    private static long getLong(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return v;
    }

    private static byte[] corpus(int length) {
        String[] words = {"order", "customer", "id", "amount", "currency", "EUR", "USD", "status", "created",
                "updated", "items", "sku", "quantity", "price", "warehouse", "shipped", "pending", "true", "false",
                "null", "address", "city", "country", "payment", "card", "refund", "event", "version", "tenant"};
        Random r = new Random(42);
        StringBuilder sb = new StringBuilder(length + 64);
        while (sb.length() < length) {
            sb.append("{\"").append(words[r.nextInt(words.length)]).append("\":\"")
                    .append(words[r.nextInt(words.length)]).append('-').append(r.nextInt(100_000)).append("\",\"")
                    .append(words[r.nextInt(words.length)]).append("\":").append(r.nextInt(10_000)).append('.')
                    .append(r.nextInt(100)).append("},");
        }
        return sb.substring(0, length).getBytes(StandardCharsets.US_ASCII);
    }
}
