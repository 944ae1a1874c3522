/** Dense linear-algebra kernels on ND4J arrays: OpenBLAS called directly on the CPU backend, ND4J's own ops elsewhere. */
package org.fbnet.linalg;
