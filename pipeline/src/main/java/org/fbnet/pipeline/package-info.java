/** fbnet's pipeline: its stages in order, built from settings; what {@code demo}, {@code run} and the stage commands execute. */
package org.fbnet.pipeline;
