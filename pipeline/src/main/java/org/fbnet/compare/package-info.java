/** The model comparison: trains F-BNet, its ablations and the ridge baseline on one output root and tabulates their scores. */
package org.fbnet.compare;
