/** Custom DL4J graph vertices of the F-BNet network: linear layers, residual PReLU, leak injection. */
package org.fbnet.nn.layer;
