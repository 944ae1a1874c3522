/** The embedding stage: CLIP features of every NSD image in the image index, computed in Spark executors. */
package org.fbnet.embed;
