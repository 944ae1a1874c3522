/** The Java Jupyter kernel that runs notebooks-export/'s notebook on fbnet's class path, and its display helpers. */
package org.fbnet.notebook;
