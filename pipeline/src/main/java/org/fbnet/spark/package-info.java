/** The SparkSession fbnet jobs run in, and Spark plumbing they share. */
package org.fbnet.spark;
