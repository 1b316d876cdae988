/**
 * The transport compatibility kit: {@link io.relaybus.tck.TransportCompatibilityKit} is an abstract JUnit 5 suite that
 * every transport subclasses in a few lines, declaring its {@link io.relaybus.tck.Features}. Each nested class is one
 * contract; its display name states it. Newer contracts are {@link io.relaybus.tck.KitContract} subclasses in files of
 * their own, composed by the kit, each tagged so it can be run alone.
 */
package io.relaybus.tck;
