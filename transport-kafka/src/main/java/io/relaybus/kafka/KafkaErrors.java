package io.relaybus.kafka;

import io.relaybus.api.BusException;
import io.relaybus.api.BusFatalException;
import io.relaybus.api.BusRetriableException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Translates kafka-clients exceptions into the bus's: retriable (timeouts, leader elections), fatal (authorization,
 * invalid topic, record too large) or plain. The Kafka exception is kept as the cause; messages say what to check.
 */
final class KafkaErrors {

    private KafkaErrors() {
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * The error in {@code t}'s cause chain that no retry fixes: authentication or authorization refused, an invalid
     * topic name, a record larger than the client's or the broker's limit; null when there is none.
     */
    static Throwable fatalCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof AuthenticationException || c instanceof AuthorizationException
                    || c instanceof InvalidTopicException || c instanceof RecordTooLargeException
                    || c instanceof RecordBatchTooLargeException) {
                return c;
            }
        }
        return null;
    }

    /**
     * Fatal ({@link #fatalCause}), retriable (timeouts, leader elections and other {@link RetriableException}s),
     * fatal for a closed client, plain otherwise (the caller may retry with backoff).
     *
     * @param what      what was being done, for example "Publishing event 42 to topic orders"
     * @param bootstrap the bootstrap servers, named in the message
     */
    static BusException translate(Throwable error, String what, String bootstrap) {
        Throwable t = unwrap(error);
        if (t instanceof BusException) {
            return (BusException) t;
        }
        Throwable fatal = fatalCause(t);
        if (fatal instanceof AuthenticationException || fatal instanceof AuthorizationException) {
            return new BusFatalException(what + " was refused by the Kafka brokers at " + bootstrap + ": " + fatal
                    + ". Check the credentials (kafka.producer./kafka.consumer./kafka.admin. security settings) and "
                    + "the ACLs of this principal.", t);
        }
        if (fatal != null) {
            return new BusFatalException(what + " failed: " + fatal + "; retrying cannot help", t);
        }
        if (t instanceof TimeoutException) {
            return new BusRetriableException(what + " failed: the Kafka brokers at " + bootstrap + " did not answer in "
                    + "time (" + t.getMessage() + "). Check that the brokers are running and reachable from this host, "
                    + "that kafka.bootstrap.servers and the brokers' advertised.listeners are right, and that the "
                    + "topic's partitions have a leader; then try again.", t);
        }
        if (t instanceof RetriableException) {
            return new BusRetriableException(what + " failed on the Kafka brokers at " + bootstrap + ": " + t
                    + "; try again.", t);
        }
        if (t instanceof IllegalStateException) {
            return new BusFatalException(what + " failed: the Kafka client is closed (" + t.getMessage() + ")", t);
        }
        return new BusException(what + " failed on the Kafka brokers at " + bootstrap + ": " + t, t);
    }
}
