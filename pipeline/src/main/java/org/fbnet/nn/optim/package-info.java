/** Optimizers for DL4J networks that DL4J lacks (Lion). */
package org.fbnet.nn.optim;
