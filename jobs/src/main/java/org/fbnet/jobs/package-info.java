/** Thin command-line entry points: parse flags into settings, call the pipeline library, report. */
package org.fbnet.jobs;
