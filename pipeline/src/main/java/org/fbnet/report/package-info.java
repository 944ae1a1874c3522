/** The run report: one self-contained HTML page per pipeline run (what ran, scores, plots, checkpoints), published as {@code reports/index}. */
package org.fbnet.report;
