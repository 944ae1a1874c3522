/** Encoding accuracy in vertex space: per-vertex scores, evaluation reports, plots and submission files. */
package org.fbnet.eval;
