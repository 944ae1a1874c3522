/** Principal component analysis: distributed randomized PCA, the fitted model, and the project stage's latents. */
package org.fbnet.pca;
