/**
 * Training the F-BNet network on in-memory subject latents: epochs, validation in vertex space, early stopping,
 * saved models, and the self-contained subject checkpoints users predict with ({@link org.fbnet.train.SubjectCheckpoint}).
 */
package org.fbnet.train;
