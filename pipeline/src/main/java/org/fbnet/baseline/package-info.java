/** The ridge-regression baseline: image latents straight to vertex space, alpha by cross-validation. */
package org.fbnet.baseline;
