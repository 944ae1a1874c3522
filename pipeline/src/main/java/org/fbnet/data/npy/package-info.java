/** NPY files (and numpy's pickled object arrays) read and written without trusting ND4J's loader. */
package org.fbnet.data.npy;
