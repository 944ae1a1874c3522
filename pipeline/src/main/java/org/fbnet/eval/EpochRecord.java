package org.fbnet.eval;

/**
 * One training epoch's progress, as plotted in the training-curves chart and logged by trainers.
 *
 * @param trainLoss      mean training loss over the epoch's minibatches
 * @param valR           mean Pearson r over validation vertices (vertex space)
 * @param valScore       mean noise-normalized validation score in percent, NaN without ceilings
 * @param examplesPerSec training throughput of the epoch
 */
public record EpochRecord(int epoch, double trainLoss, double valR, double valScore, double examplesPerSec) { }
