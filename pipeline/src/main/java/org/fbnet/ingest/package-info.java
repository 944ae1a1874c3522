/** The ingest stage: an Algonauts/NSD folder to subject-partitioned Parquet datasets, on Spark. */
package org.fbnet.ingest;
