/** Loss functions of the F-BNet network (the racing loss over two hemispheres). */
package org.fbnet.nn.loss;
