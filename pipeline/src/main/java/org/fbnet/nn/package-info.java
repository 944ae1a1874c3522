/** The F-BNet bottleneck network as a DL4J computation graph: its configuration, builder and structured noise. */
package org.fbnet.nn;
