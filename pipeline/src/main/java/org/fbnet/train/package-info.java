/** Training the F-BNet network on in-memory subject latents: epochs, validation in vertex space, early stopping, saved models. */
package org.fbnet.train;
