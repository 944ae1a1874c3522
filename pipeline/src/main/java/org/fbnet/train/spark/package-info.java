/**
 * Pre-training across Spark executors with dl4j-spark's parameter averaging, behind the trainer's
 * {@link org.fbnet.train.EpochRunner} seam. dl4j-spark is frozen upstream at 1.0.0-M2: everything that
 * touches it lives here, so a later engine replaces this package and nothing else.
 */
package org.fbnet.train.spark;
