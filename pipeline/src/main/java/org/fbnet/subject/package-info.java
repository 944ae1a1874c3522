/** One subject as every stage after project sees it, and the one loader that assembles it from an output root. */
package org.fbnet.subject;
