/**
 * The shape every stage shares: a {@link org.fbnet.stage.Stage} plans {@link org.fbnet.stage.Unit units}
 * of work (per subject, or global) with the fingerprint of their inputs and settings, skips those whose
 * published outputs already have that fingerprint, and publishes the rest as new immutable versions;
 * the {@link org.fbnet.stage.Pipeline} holds the stages' order.
 */
package org.fbnet.stage;
