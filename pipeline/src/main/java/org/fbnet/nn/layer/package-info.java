/** Custom DL4J graph vertices of the F-BNet network (leak injection). */
package org.fbnet.nn.layer;
