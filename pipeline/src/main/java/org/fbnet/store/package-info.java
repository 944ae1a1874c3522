/** Storage on any Hadoop FileSystem: the output-root layout, dataset schemas and atomic publishing. */
package org.fbnet.store;
