/**
 * The in-memory transport ({@code bus.transport=memory}): the embedded default and the reference implementation the
 * compatibility kit runs against. Topics are append-only logs held in a named broker inside the JVM, shared by every
 * bus opened with the same {@code memory.broker}, with consumer groups, redelivery and retention. Not durable across
 * JVM restarts.
 */
package io.relaybus.memory;
